// /shop: find products, and the way to the cart, one's orders and the seller
// center.
import { useState } from 'preact/hooks';
import { useLoad } from '../music/useLoad';
import { PageHeader } from '../components/PageHeader';
import { Link, navigate, useLocation } from '../router';
import { useSession } from '../session';
import { usePaged } from '../usePaged';
import { useTitle } from '../util';
import { shopApi, shopPaths, type ProductSummary } from './api';
import { CartLink, dateTime } from './common';
import { formatMoney } from './money';
import { ProductGrid } from './ProductGrid';

export function ShopHub() {
  const { user } = useSession();
  const { search } = useLocation();
  const q = new URLSearchParams(search).get('q') ?? '';
  const [text, setText] = useState(q);
  const list = usePaged<ProductSummary>(`products:${q}`, (p) => shopApi.search(q, p), { limit: 24 });
  const deals = useLoad('flash-deals', () => shopApi.flashDeals(20));
  const live = (deals.data?.items ?? []).filter((d) => d.live && d.left > 0);
  useTitle('Shop');
  return (
    <div class="shop-page">
      <PageHeader title="Shop" right={<CartLink />} />
      {user && (
        <nav class="shop-links" aria-label="Shopping">
          <Link href={shopPaths.cart} class="btn btn-secondary btn-small">
            Cart
          </Link>
          <Link href={shopPaths.orders} class="btn btn-secondary btn-small">
            Your orders
          </Link>
          <Link href={shopPaths.seller} class="btn btn-secondary btn-small">
            Seller center
          </Link>
          <Link href={shopPaths.affiliate} class="btn btn-secondary btn-small">
            Affiliate center
          </Link>
          <Link href="/ads" class="btn btn-secondary btn-small">
            Ads manager
          </Link>
        </nav>
      )}
      {!q && live.length > 0 && (
        <section class="shop-section" aria-label="Flash deals">
          <h2 class="shop-section-title">Flash deals</h2>
          <ul class="seller-list">
            {live.map((d) => (
              <li key={d.id} class="seller-row" data-testid="hub-deal">
                <Link href={shopPaths.product(d.product_id)} class="seller-row-main">
                  <span class="strong">{d.title}</span>
                  <span class="muted-inline">
                    {d.left} left · ends {dateTime(d.ends_at)}
                  </span>
                </Link>
                <span class="rate">
                  {formatMoney(d.deal_price, d.currency)} <s class="muted-inline">{formatMoney(d.regular_price, d.currency)}</s>
                </span>
              </li>
            ))}
          </ul>
        </section>
      )}
      <form
        class="search-form"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          navigate(text.trim() ? `${shopPaths.hub}?q=${encodeURIComponent(text.trim())}` : shopPaths.hub, { replace: true });
        }}
      >
        <label for="product-search" class="visually-hidden">
          Search products
        </label>
        <input id="product-search" type="search" placeholder="Search products" value={text} onInput={(e) => setText(e.currentTarget.value)} />
        <button type="submit" class="btn btn-secondary">
          Search
        </button>
      </form>
      <ProductGrid list={list} label={q ? `Products matching ${q}` : 'Products'} empty={q ? 'No products match.' : 'Nothing for sale yet.'} />
    </div>
  );
}
