// The cart: lines grouped by shop with quantities and stock, and the way to
// checkout.
import { useEffect, useState } from 'preact/hooks';
import { errorMessage } from '../api';
import { PageHeader } from '../components/PageHeader';
import { Link } from '../router';
import { useTitle } from '../util';
import { shopPaths, type CartLine } from './api';
import { refreshCart, setQuantity, useCart } from './cart';
import { LoadError, ProductImage, Spinner } from './common';
import { formatMoney } from './money';

function Line({ line, onError }: { line: CartLine; onError: (m: string) => void }) {
  const [busy, setBusy] = useState(false);
  const change = async (q: number) => {
    setBusy(true);
    try {
      await setQuantity(line.variant_id, q);
    } catch (e) {
      onError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  const name = line.variant_title ? `${line.title} (${line.variant_title})` : line.title;
  return (
    <li class="cart-line" data-testid="cart-line" data-variant-id={line.variant_id} aria-label={name}>
      <ProductImage url={line.image_url} size={64} />
      <div class="cart-line-main">
        <Link href={shopPaths.product(line.product_id)} class="strong">
          {line.title}
        </Link>
        {line.variant_title && <span class="muted-inline">{line.variant_title}</span>}
        <span>{formatMoney(line.unit_price, line.currency)}</span>
        {!line.purchasable && (
          <span class="stock-out" role="note">
            {line.available > 0 ? `Only ${line.available} left` : 'No longer available'}
          </span>
        )}
      </div>
      <div class="stepper" role="group" aria-label={`Quantity of ${name}`}>
        <button type="button" class="icon-button" disabled={busy} aria-label={`Fewer ${name}`} onClick={() => change(line.quantity - 1)}>
          −
        </button>
        <span data-testid="cart-quantity" aria-live="polite">
          {line.quantity}
        </span>
        <button
          type="button"
          class="icon-button"
          disabled={busy || line.quantity >= Math.min(99, line.available)}
          aria-label={`More ${name}`}
          onClick={() => change(line.quantity + 1)}
        >
          +
        </button>
      </div>
      <button type="button" class="link-button" disabled={busy} onClick={() => change(0)} aria-label={`Remove ${name}`}>
        Remove
      </button>
    </li>
  );
}

export function CartPage() {
  useTitle('Cart');
  const c = useCart();
  const [error, setError] = useState<unknown>(null);
  const [message, setMessage] = useState<string | null>(null);
  const load = () => {
    setError(null);
    refreshCart().catch(setError);
  };
  useEffect(load, []);

  const shops = new Map<string, { name: string; handle: string; lines: CartLine[] }>();
  for (const l of c?.items ?? []) {
    const s = shops.get(l.shop.id) ?? { name: l.shop.name, handle: l.shop.handle, lines: [] };
    s.lines.push(l);
    shops.set(l.shop.id, s);
  }
  const blocked = (c?.items ?? []).some((l) => !l.purchasable);

  return (
    <div class="shop-page">
      <PageHeader title="Cart" back />
      {!c && error ? (
        <LoadError error={error} what="cart" retry={load} />
      ) : !c ? (
        <Spinner />
      ) : c.items.length === 0 ? (
        <section class="empty">
          <h2>Your cart is empty</h2>
          <p class="muted">Tap a product on a video, or find one in the shop.</p>
          <Link href={shopPaths.hub} class="btn btn-primary">
            Browse products
          </Link>
        </section>
      ) : (
        <>
          {message && (
            <p class="form-error" role="alert">
              {message}
            </p>
          )}
          {[...shops.entries()].map(([id, s]) => (
            <section class="cart-shop" key={id} aria-label={`From ${s.name}`}>
              <h2>
                <Link href={shopPaths.shop(s.handle)}>{s.name}</Link>
              </h2>
              <ul class="cart-lines">
                {s.lines.map((l) => (
                  <Line key={l.variant_id} line={l} onError={setMessage} />
                ))}
              </ul>
            </section>
          ))}
          <div class="cart-foot">
            <p>
              <span class="muted">Subtotal ({c.item_count} {c.item_count === 1 ? 'item' : 'items'}) </span>
              <strong data-testid="cart-subtotal">
                {c.subtotal != null && c.currency ? formatMoney(c.subtotal, c.currency) : 'several currencies'}
              </strong>
            </p>
            {blocked && <p class="muted-inline">Change or remove the lines marked above to check out.</p>}
            <Link href={shopPaths.checkout} class={`btn btn-primary btn-block${blocked ? ' disabled' : ''}`} aria-disabled={blocked}
              onClick={(e) => blocked && e.preventDefault()}>
              Checkout
            </Link>
          </div>
        </>
      )}
    </div>
  );
}
