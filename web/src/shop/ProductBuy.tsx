// Choosing a variant and buying it: option pickers, the chosen variant's
// price and stock, quantity, "Add to cart" and "Buy now". Used by the product
// sheet on videos and by the product page.
import { useEffect, useState } from 'preact/hooks';
import { errorMessage } from '../api';
import { Link, navigate } from '../router';
import { useSession } from '../session';
import { toast } from '../toast';
import { shopApi, shopPaths, type FlashDeal, type Product, type Variant } from './api';
import { dateTime } from './common';
import { addToCart } from './cart';
import { formatMoney } from './money';

function firstChoice(p: Product): string[] {
  const v = p.variants.find((x) => x.available > 0) ?? p.variants[0];
  return v ? [...v.options] : [];
}

function variantFor(p: Product, chosen: string[]): Variant | undefined {
  return p.variants.find((v) => v.options.length === chosen.length && v.options.every((o, i) => o === chosen[i]));
}

/** Live flash deals on this product's variants (checkout prices at the deal while units last). */
function useDeals(productId: string): FlashDeal[] {
  const [deals, setDeals] = useState<FlashDeal[]>([]);
  useEffect(() => {
    let live = true;
    shopApi.flashDeals().then(
      (r) => live && setDeals(r.items.filter((d) => d.product_id === productId && d.live && d.left > 0)),
      () => {},
    );
    return () => {
      live = false;
    };
  }, [productId]);
  return deals;
}

export function ProductBuy({ product, onDone }: { product: Product; onDone?: () => void }) {
  const { user } = useSession();
  const deals = useDeals(product.id);
  const [chosen, setChosen] = useState<string[]>(() => firstChoice(product));
  const [quantity, setQuantityText] = useState('1');
  const [busy, setBusy] = useState(false);
  const [added, setAdded] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const variant = variantFor(product, chosen);
  const qty = Math.max(1, Math.min(99, parseInt(quantity, 10) || 1));
  const soldOut = !variant || variant.available <= 0;
  const deal = variant ? deals.find((d) => d.variant_id === variant.id) : undefined;
  const tooMany = !!variant && qty > variant.available;

  const needLogin = () => {
    toast('Log in to buy.');
    navigate('/login');
  };

  const add = async () => {
    if (!user) return needLogin();
    if (!variant) return;
    setBusy(true);
    setError(null);
    try {
      await addToCart(variant.id, qty);
      setAdded(true);
      toast('Added to cart');
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const buyNow = () => {
    if (!user) return needLogin();
    if (!variant) return;
    onDone?.();
    navigate(shopPaths.buyNow(variant.id, qty));
  };

  return (
    <div class="product-buy">
      {deal && (
        <p class="flash-deal" data-testid="flash-deal">
          <span class="strong">Flash deal</span> · {deal.left} left
          {deal.per_buyer_limit > 0 ? ` · at most ${deal.per_buyer_limit} each` : ''} · ends {dateTime(deal.ends_at)}
        </p>
      )}
      <p class="product-price" data-testid="product-price">
        {deal
          ? formatMoney(deal.deal_price, product.currency)
          : variant
            ? formatMoney(variant.price, product.currency)
            : formatMoney(product.price_min, product.currency)}
        {deal && (
          <s class="muted-inline compare-at">
            <span class="visually-hidden">was </span>
            {formatMoney(deal.regular_price, product.currency)}
          </s>
        )}
        {!deal && variant?.compare_at_price != null && (
          <s class="muted-inline compare-at">
            <span class="visually-hidden">was </span>
            {formatMoney(variant.compare_at_price, product.currency)}
          </s>
        )}
      </p>
      {product.options.map((opt, i) => (
        <fieldset class="option-group" key={opt.name}>
          <legend>{opt.name}</legend>
          <div class="option-values">
            {opt.values.map((value) => {
              const next = chosen.map((c, j) => (j === i ? value : c));
              const v = variantFor(product, next);
              const out = !v || v.available <= 0;
              return (
                <label class={`option-chip${chosen[i] === value ? ' on' : ''}${out ? ' out' : ''}`} key={value}>
                  <input
                    type="radio"
                    class="visually-hidden"
                    name={`${product.id}-${opt.name}`}
                    value={value}
                    checked={chosen[i] === value}
                    onChange={() => {
                      setChosen(next);
                      setAdded(false);
                    }}
                  />
                  {value}
                  {out && <span class="visually-hidden"> (sold out)</span>}
                </label>
              );
            })}
          </div>
        </fieldset>
      ))}
      <p class={`stock${soldOut ? ' stock-out' : ''}`} data-testid="product-stock">
        {soldOut ? 'Sold out' : variant!.available <= 5 ? `Only ${variant!.available} left` : 'In stock'}
      </p>
      <div class="field quantity-field">
        <label for={`qty-${product.id}`}>Quantity</label>
        <input
          id={`qty-${product.id}`}
          type="number"
          inputMode="numeric"
          min={1}
          max={Math.max(1, Math.min(99, variant?.available ?? 1))}
          value={quantity}
          onInput={(e) => setQuantityText(e.currentTarget.value)}
        />
      </div>
      {tooMany && !soldOut && (
        <p class="field-error" role="alert">
          Only {variant!.available} available.
        </p>
      )}
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      <div class="buy-actions">
        <button type="button" class="btn btn-secondary" disabled={busy || soldOut || tooMany} onClick={add}>
          Add to cart
        </button>
        <button type="button" class="btn btn-primary" disabled={busy || soldOut || tooMany} onClick={buyNow}>
          Buy now
        </button>
      </div>
      {added && (
        <p class="added" role="status">
          In your cart.{' '}
          <Link href={shopPaths.cart} onClick={() => onDone?.()}>
            View cart
          </Link>
        </p>
      )}
    </div>
  );
}
