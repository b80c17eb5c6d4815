// The seller's affiliate plans: an open rate any creator earns, or a
// targeted one for a named creator (it wins over the open rate), shop-wide or
// for one product; ending a plan keeps the rate on sales already made. Below,
// sales and commissions per creator.
import { useState } from 'preact/hooks';
import { api, ApiError, errorMessage } from '../../api';
import { FormError } from '../../components/Field';
import { useLoad } from '../../music/useLoad';
import { Link, profilePath } from '../../router';
import { toast } from '../../toast';
import { shopApi, type AffiliatePlan, type ProductSummary, type Shop } from '../api';
import { dateTime, LoadError, Section, Spinner } from '../common';
import { formatMoney } from '../money';

const percent = (bps: number) => `${(bps / 100).toFixed(bps % 100 === 0 ? 0 : 2)}%`;

/** "12.5" -> 1250 basis points; null unless 1-80% with at most two decimals. */
function parseRate(text: string): number | null {
  const m = /^(\d{1,2})(?:[.,](\d{1,2}))?$/.exec(text.trim());
  if (!m) return null;
  const bps = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  return bps >= 100 && bps <= 8000 ? bps : null;
}

function NewPlan({ products, onCreated }: { products: ProductSummary[]; onCreated: (p: AffiliatePlan) => void }) {
  const [rate, setRate] = useState('');
  const [product, setProduct] = useState('');
  const [creator, setCreator] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    const bps = parseRate(rate);
    if (bps === null) {
      setError('The rate is a percent from 1 to 80, like 10 or 12.5.');
      return;
    }
    setBusy(true);
    try {
      let creatorId: string | undefined;
      const handle = creator.trim().replace(/^@/, '');
      if (handle) {
        try {
          creatorId = (await api.user(handle)).id;
        } catch (err) {
          setError(err instanceof ApiError && err.status === 404 ? `There is no @${handle}.` : errorMessage(err));
          return;
        }
      }
      onCreated(await shopApi.createPlan({ rate_bps: bps, product_id: product || undefined, creator_id: creatorId }));
      setRate('');
      setCreator('');
      toast('Affiliate plan created');
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="card form" onSubmit={submit} aria-labelledby="new-plan">
      <h2 id="new-plan">New affiliate plan</h2>
      <div class="field">
        <label for="plan-rate">Commission (%)</label>
        <input id="plan-rate" inputMode="decimal" value={rate} onInput={(e) => setRate(e.currentTarget.value)} />
      </div>
      <div class="field">
        <label for="plan-product">Products</label>
        <select id="plan-product" value={product} onChange={(e) => setProduct(e.currentTarget.value)}>
          <option value="">Every product of the shop</option>
          {products.map((p) => (
            <option key={p.id} value={p.id}>
              {p.title}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="plan-creator">Only for creator (optional)</label>
        <input
          id="plan-creator"
          value={creator}
          placeholder="@handle"
          autocapitalize="none"
          aria-describedby="plan-creator-hint"
          onInput={(e) => setCreator(e.currentTarget.value)}
        />
        <p id="plan-creator-hint" class="field-hint">
          Empty: any creator may promote. A creator's own plan beats the open rate.
        </p>
      </div>
      <FormError message={error} />
      <button type="submit" class="btn btn-primary" disabled={busy}>
        Create plan
      </button>
    </form>
  );
}

export function AffiliatesTab({ shop }: { shop: Shop }) {
  const plans = useLoad(`plans:${shop.id}`, () => shopApi.plans());
  const products = useLoad(`plan-products:${shop.id}`, () => shopApi.myProducts({ limit: 100 }));
  const report = useLoad(`affiliate-report:${shop.id}`, () => shopApi.affiliateReport());
  const titleOf = (id: string | null) => (id ? products.data?.items.find((p) => p.id === id)?.title ?? `product ${id}` : 'every product');
  const end = async (p: AffiliatePlan) => {
    try {
      const ended = await shopApi.endPlan(p.id);
      plans.set({ items: (plans.data?.items ?? []).map((x) => (x.id === p.id ? ended : x)) });
      toast('Plan ended');
    } catch (e) {
      toast(errorMessage(e));
    }
  };
  return (
    <div class="settings">
      <NewPlan products={products.data?.items ?? []} onCreated={(p) => plans.set({ items: [p, ...(plans.data?.items ?? [])] })} />
      <Section title="Plans">
        {plans.loading && !plans.data ? (
          <Spinner />
        ) : !plans.data ? (
          <LoadError error={plans.error} what="plan list" retry={plans.reload} />
        ) : plans.data.items.length === 0 ? (
          <p class="muted">No plans: creators earn nothing for your sales yet.</p>
        ) : (
          <ul class="seller-list" aria-label="Affiliate plans">
            {plans.data.items.map((p) => (
              <li key={p.id} class="seller-row" data-testid="affiliate-plan">
                <span class="seller-row-main">
                  <span class="strong">
                    {percent(p.rate_bps)} on {titleOf(p.product_id)}
                  </span>
                  <span class="muted-inline">
                    {p.kind === 'open' ? 'Any creator' : `Creator ${p.creator_id}`} · {p.active ? 'active' : 'ended'}
                    {p.ends_at ? ` · ends ${dateTime(p.ends_at)}` : ''}
                  </span>
                </span>
                {p.active && (
                  <button type="button" class="btn btn-ghost btn-small" onClick={() => end(p)}>
                    End
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
      </Section>
      <Section title="Sales by creator">
        {!report.data ? (
          report.loading ? <Spinner /> : <LoadError error={report.error} what="report" retry={report.reload} />
        ) : report.data.items.length === 0 ? (
          <p class="muted">No sales through creators yet.</p>
        ) : (
          <ul class="seller-list" aria-label="Sales by creator">
            {report.data.items.map((r) => (
              <li key={r.creator.id} class="seller-row" data-testid="affiliate-report-line">
                <Link href={profilePath(r.creator.handle)} class="seller-row-main">
                  <span class="strong">@{r.creator.handle}</span>
                  <span class="muted-inline">
                    {r.orders} {r.orders === 1 ? 'order' : 'orders'} · {formatMoney(r.sales, shop.currency)} sold
                  </span>
                </Link>
                <span class="rate">{formatMoney(r.commission, shop.currency)}</span>
              </li>
            ))}
          </ul>
        )}
      </Section>
    </div>
  );
}
