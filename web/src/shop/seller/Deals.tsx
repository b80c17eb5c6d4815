// The shop's flash deals: a deal price on one variant for a number of units,
// with an optional per-buyer limit, until an end time (at most 30 days).
import { useState } from 'preact/hooks';
import { ApiError, errorMessage } from '../../api';
import { FormError } from '../../components/Field';
import { useLoad } from '../../music/useLoad';
import { toast } from '../../toast';
import { shopApi, type FlashDeal, type Product, type Shop } from '../api';
import { dateTime, LoadError, Section, Spinner } from '../common';
import { formatMoney, parseMoney } from '../money';

/** A datetime-local value `days` from now. */
function localIn(days: number): string {
  const d = new Date(Date.now() + days * 86_400_000);
  d.setSeconds(0, 0);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

function NewDeal({ shop, onCreated }: { shop: Shop; onCreated: (d: FlashDeal) => void }) {
  const products = useLoad(`deal-products:${shop.id}`, () => shopApi.myProducts({ limit: 100 }));
  const [productId, setProductId] = useState('');
  const [product, setProduct] = useState<Product | null>(null);
  const [variantId, setVariantId] = useState('');
  const [price, setPrice] = useState('');
  const [quantity, setQuantity] = useState('10');
  const [perBuyer, setPerBuyer] = useState('1');
  const [ends, setEnds] = useState(() => localIn(1));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const cur = shop.currency;

  const pickProduct = async (id: string) => {
    setProductId(id);
    setProduct(null);
    setVariantId('');
    if (!id) return;
    try {
      const p = await shopApi.product(id);
      setProduct(p);
      setVariantId(p.variants[0]?.id ?? '');
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    const dealPrice = parseMoney(price, cur);
    if (!variantId) return setError('Choose a product and a variant.');
    if (dealPrice === null || dealPrice <= 0) return setError(`Enter the deal price in ${cur}.`);
    if (!/^\d+$/.test(quantity) || Number(quantity) < 1) return setError('The quantity is a whole number of units.');
    if (!/^\d*$/.test(perBuyer)) return setError('The per-buyer limit is a whole number (0 or empty for none).');
    setBusy(true);
    try {
      onCreated(
        await shopApi.createDeal({
          variant_id: variantId,
          deal_price: dealPrice,
          quantity: Number(quantity),
          per_buyer_limit: Number(perBuyer || '0'),
          ends_at: new Date(ends).toISOString(),
        }),
      );
      toast('Flash deal created');
    } catch (err) {
      setError(err instanceof ApiError && err.errors.length ? err.errors.map((x) => x.detail).join('; ') : errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  const variantName = (v: Product['variants'][number]) => (v.options.length ? v.options.join(' / ') : v.sku);
  return (
    <form class="card form" onSubmit={submit} aria-labelledby="new-deal">
      <h2 id="new-deal">New flash deal</h2>
      <div class="field">
        <label for="deal-product">Product</label>
        <select id="deal-product" value={productId} onChange={(e) => pickProduct(e.currentTarget.value)}>
          <option value="">Choose a product</option>
          {(products.data?.items ?? [])
            .filter((p) => p.status === 'active')
            .map((p) => (
              <option key={p.id} value={p.id}>
                {p.title}
              </option>
            ))}
        </select>
      </div>
      {product && product.variants.length > 1 && (
        <div class="field">
          <label for="deal-variant">Variant</label>
          <select id="deal-variant" value={variantId} onChange={(e) => setVariantId(e.currentTarget.value)}>
            {product.variants.map((v) => (
              <option key={v.id} value={v.id}>
                {variantName(v)} · {formatMoney(v.price, cur)}
              </option>
            ))}
          </select>
        </div>
      )}
      <div class="field">
        <label for="deal-price">Deal price ({cur})</label>
        <input id="deal-price" inputMode="decimal" value={price} onInput={(e) => setPrice(e.currentTarget.value)} />
      </div>
      <div class="form-row">
        <div class="field grow">
          <label for="deal-quantity">Units</label>
          <input id="deal-quantity" inputMode="numeric" value={quantity} onInput={(e) => setQuantity(e.currentTarget.value)} />
        </div>
        <div class="field grow">
          <label for="deal-per-buyer">Per buyer</label>
          <input id="deal-per-buyer" inputMode="numeric" value={perBuyer} onInput={(e) => setPerBuyer(e.currentTarget.value)} />
        </div>
      </div>
      <div class="field">
        <label for="deal-ends">Ends</label>
        <input id="deal-ends" type="datetime-local" value={ends} onInput={(e) => setEnds(e.currentTarget.value)} />
      </div>
      <FormError message={error} />
      <button type="submit" class="btn btn-primary" disabled={busy}>
        Start deal
      </button>
    </form>
  );
}

export function DealsTab({ shop }: { shop: Shop }) {
  const deals = useLoad(`my-deals:${shop.id}`, () => shopApi.myDeals());
  const end = async (d: FlashDeal) => {
    try {
      const ended = await shopApi.endDeal(d.id);
      deals.set({ items: (deals.data?.items ?? []).map((x) => (x.id === d.id ? ended : x)) });
      toast('Deal ended');
    } catch (e) {
      toast(errorMessage(e));
    }
  };
  return (
    <div class="settings">
      <NewDeal shop={shop} onCreated={(d) => deals.set({ items: [d, ...(deals.data?.items ?? [])] })} />
      <Section title="Deals">
        {deals.loading && !deals.data ? (
          <Spinner />
        ) : !deals.data ? (
          <LoadError error={deals.error} what="deal list" retry={deals.reload} />
        ) : deals.data.items.length === 0 ? (
          <p class="muted">No flash deals yet.</p>
        ) : (
          <ul class="seller-list" aria-label="Flash deals">
            {deals.data.items.map((d) => (
              <li key={d.id} class="seller-row" data-testid="seller-deal" data-live={d.live}>
                <span class="seller-row-main">
                  <span class="strong">
                    {d.title}: {formatMoney(d.deal_price, d.currency)}{' '}
                    <s class="muted-inline">{formatMoney(d.regular_price, d.currency)}</s>
                  </span>
                  <span class="muted-inline">
                    {d.sold} of {d.quantity} sold · {d.live ? `live until ${dateTime(d.ends_at)}` : `ended ${dateTime(d.ends_at)}`}
                  </span>
                </span>
                {d.live && (
                  <button type="button" class="btn btn-ghost btn-small" aria-label={`End the deal on ${d.title}`} onClick={() => end(d)}>
                    End
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
      </Section>
    </div>
  );
}
