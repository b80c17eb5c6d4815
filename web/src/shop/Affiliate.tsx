// The creator's affiliate center: products they may promote with the rate
// they would earn (add them to the showcase or link them to a video), and
// their commissions per order line with pending and available balances.
import { useState } from 'preact/hooks';
import { errorMessage } from '../api';
import { LoadMore } from '../components/LoadMore';
import { PageHeader } from '../components/PageHeader';
import { useLoad } from '../music/useLoad';
import { Link } from '../router';
import { toast } from '../toast';
import { usePaged } from '../usePaged';
import { useTitle } from '../util';
import { shopApi, shopPaths, type Earning, type Earnings, type PromotableProduct } from './api';
import { dateTime, LoadError, Section, Spinner } from './common';
import { formatMoney } from './money';

const percent = (bps: number) => `${(bps / 100).toFixed(bps % 100 === 0 ? 0 : 2)}%`;

function Promote({ item }: { item: PromotableProduct }) {
  const [added, setAdded] = useState(false);
  const [busy, setBusy] = useState(false);
  const add = async () => {
    setBusy(true);
    try {
      await shopApi.addToShowcase(item.product_id);
      setAdded(true);
      toast('Added to your showcase');
    } catch (e) {
      toast(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <li class="seller-row" data-testid="promotable" data-product-id={item.product_id}>
      <Link href={shopPaths.product(item.product_id)} class="seller-row-main">
        <span class="strong">{item.title}</span>
        <span class="muted-inline">
          @{item.shop.handle} · from {formatMoney(item.price_from, item.currency)}
        </span>
      </Link>
      <span class="rate" data-testid="rate">
        {percent(item.rate_bps)}
        {item.targeted && <span class="chip-small chip">for you</span>}
      </span>
      <button type="button" class="btn btn-secondary btn-small" disabled={busy || added} aria-label={added ? `${item.title} is in your showcase` : `Add ${item.title} to showcase`} onClick={add}>
        {added ? 'In showcase' : 'Add to showcase'}
      </button>
    </li>
  );
}

const kStatusText: Record<Earning['status'], string> = { pending: 'Pending', available: 'Available', reversed: 'Reversed' };

export function AffiliateCenter() {
  useTitle('Affiliate center');
  const products = useLoad('promotable', () => shopApi.promotable());
  const [balances, setBalances] = useState<Earnings | null>(null);
  const earnings = usePaged<Earning, Earnings>('earnings', (p) => shopApi.earnings(p), {
    limit: 20,
    onPage: (page, first) => first && setBalances(page),
  });
  const cur = balances?.currency;
  return (
    <div class="shop-page">
      <PageHeader title="Affiliate center" back />
      <Section title="Earnings" testid="earnings">
        {cur ? (
          <dl class="totals">
            <div>
              <dt>Pending (until orders settle)</dt>
              <dd data-testid="earnings-pending">{formatMoney(balances!.pending, cur)}</dd>
            </div>
            <div class="total">
              <dt>Available</dt>
              <dd data-testid="earnings-available">{formatMoney(balances!.available, cur)}</dd>
            </div>
          </dl>
        ) : (
          earnings.loaded && !earnings.error && earnings.items.length === 0 && <p class="muted">No commissions yet.</p>
        )}
        <ul class="seller-list" aria-label="Commissions">
          {earnings.items.map((e, i) => (
            <li key={`${e.order_id}:${i}`} class="seller-row" data-testid="earning" data-status={e.status}>
              <span class="seller-row-main">
                <span class="strong">{e.title}</span>
                <span class="muted-inline">
                  {percent(e.rate_bps)} of {formatMoney(e.amount, e.currency)} · {dateTime(e.created_at)}
                </span>
              </span>
              <span class="rate">
                {formatMoney(e.commission, e.currency)}
                <span class="muted-inline"> {kStatusText[e.status]}</span>
              </span>
            </li>
          ))}
        </ul>
        <LoadMore list={earnings} />
      </Section>
      <Section title="Products to promote" testid="promotable-products">
        {products.loading && !products.data ? (
          <Spinner />
        ) : !products.data ? (
          <LoadError error={products.error} what="list" retry={products.reload} />
        ) : products.data.items.length === 0 ? (
          <p class="muted">No shop offers a commission yet.</p>
        ) : (
          <ul class="seller-list" aria-label="Products to promote">
            {products.data.items.map((p) => (
              <Promote key={p.product_id} item={p} />
            ))}
          </ul>
        )}
        <p class="muted-inline">
          Add products to your showcase, or link them to your videos from a video's More options. When a viewer taps one and
          buys within the attribution window, you earn the rate shown.
        </p>
      </Section>
    </div>
  );
}
