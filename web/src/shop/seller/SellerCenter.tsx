// The seller center: open a shop, then products and stock, orders to ship,
// shipping options and coupons, each under /seller/<tab>.
import { useState } from 'preact/hooks';
import { api, ApiError, errorMessage, type UserMe } from '../../api';
import { Field, FormError } from '../../components/Field';
import { PageHeader } from '../../components/PageHeader';
import { useLoad } from '../../music/useLoad';
import { Link } from '../../router';
import { setUser } from '../../session';
import { useTitle } from '../../util';
import { shopApi, shopPaths, type Shop } from '../api';
import { LoadError, Spinner } from '../common';
import { AffiliatesTab } from './Affiliates';
import { BalanceTab } from './Balance';
import { CouponsTab } from './Coupons';
import { DealsTab } from './Deals';
import { ProductsTab } from './Products';
import { SellerOrdersTab } from './SellerOrders';
import { SellerReturnsTab } from './SellerReturns';
import { ShippingTab } from './Shipping';
import { ShopSettingsTab } from './ShopSettings';

const kTabs = [
  { id: 'products', label: 'Products' },
  { id: 'orders', label: 'Orders' },
  { id: 'shipping', label: 'Shipping' },
  { id: 'coupons', label: 'Coupons' },
  { id: 'deals', label: 'Deals' },
  { id: 'returns', label: 'Returns' },
  { id: 'affiliates', label: 'Affiliates' },
  { id: 'balance', label: 'Balance' },
  { id: 'settings', label: 'Shop' },
] as const;

export type SellerTab = (typeof kTabs)[number]['id'];

/** ISO 4217 codes the server accepts for a shop. */
const kCurrencies = 'USD EUR GBP CAD AUD JPY CHF SEK NOK DKK PLN CZK BRL MXN INR IDR KRW CNY HKD SGD THB TRY NZD ZAR'.split(' ');

function OpenShop({ onOpened }: { onOpened: (s: Shop) => void }) {
  const [name, setName] = useState('');
  const [handle, setHandle] = useState('');
  const [currency, setCurrency] = useState('USD');
  const [description, setDescription] = useState('');
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    setError(null);
    try {
      const s = await shopApi.openShop({ name: name.trim(), handle: handle.trim().toLowerCase(), currency, description });
      // Opening a shop makes the account a seller.
      api.me().then(setUser, () => {});
      onOpened(s);
    } catch (err) {
      if (err instanceof ApiError && err.errors.length) setErrors(err.fieldErrors());
      else setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="form settings" onSubmit={submit}>
      <section class="card form">
        <h2>Open your shop</h2>
        <p class="muted">Sell your products on riff: creators can add them to their videos and showcases.</p>
        <Field id="shop-name" label="Shop name" value={name} onValue={setName} error={errors.name} />
        <Field
          id="shop-handle"
          label="Shop handle"
          value={handle}
          onValue={setHandle}
          error={errors.handle}
          hint="Lower-case letters, digits and dashes; your shop's address on riff."
          autocapitalize="none"
          spellcheck={false}
        />
        <div class={`field${errors.currency ? ' field-invalid' : ''}`}>
          <label for="shop-currency">Currency</label>
          <select id="shop-currency" value={currency} onChange={(e) => setCurrency(e.currentTarget.value)}>
            {kCurrencies.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
          {errors.currency && (
            <p class="field-error" role="alert">
              {errors.currency}
            </p>
          )}
        </div>
        <Field id="shop-description" label="Description" value={description} onValue={setDescription} multiline error={errors.description} />
        <FormError message={error} />
        <button type="submit" class="btn btn-primary" disabled={busy}>
          Open shop
        </button>
      </section>
    </form>
  );
}

export function SellerCenter({ tab, user }: { tab: SellerTab; user: UserMe }) {
  useTitle('Seller center');
  const shop = useLoad(`my-shop:${user.id}`, () => shopApi.myShop());
  const s = shop.data;
  const noShop = shop.error instanceof ApiError && shop.error.status === 404;
  return (
    <div class="shop-page">
      <PageHeader
        title="Seller center"
        back
        right={
          <>
            <Link href="/ads" class="btn btn-ghost btn-small">
              Ads manager
            </Link>
            {s && (
              <Link href={shopPaths.shop(s.handle)} class="btn btn-ghost btn-small">
                View shop
              </Link>
            )}
          </>
        }
      />
      {shop.loading && !s ? (
        <Spinner />
      ) : !s && noShop ? (
        <OpenShop onOpened={shop.set} />
      ) : !s ? (
        <LoadError error={shop.error} what="shop" retry={shop.reload} />
      ) : (
        <>
          <p class="seller-shop" data-testid="seller-shop">
            <span class="strong">{s.name}</span> <span class="muted-inline">@{s.handle} · {s.currency} · {s.status}</span>
          </p>
          <nav class="tabs seller-tabs" aria-label="Seller center">
            {kTabs.map((t) => (
              <Link
                key={t.id}
                href={t.id === 'products' ? shopPaths.seller : shopPaths.sellerTab(t.id)}
                class={`tab${tab === t.id ? ' active' : ''}`}
                aria-current={tab === t.id ? 'page' : undefined}
              >
                {t.label}
              </Link>
            ))}
          </nav>
          {tab === 'products' && <ProductsTab shop={s} />}
          {tab === 'orders' && <SellerOrdersTab />}
          {tab === 'shipping' && <ShippingTab shop={s} />}
          {tab === 'coupons' && <CouponsTab shop={s} />}
          {tab === 'deals' && <DealsTab shop={s} />}
          {tab === 'returns' && <SellerReturnsTab />}
          {tab === 'affiliates' && <AffiliatesTab shop={s} />}
          {tab === 'balance' && <BalanceTab shop={s} />}
          {tab === 'settings' && <ShopSettingsTab shop={s} onChange={shop.set} />}
        </>
      )}
    </div>
  );
}
