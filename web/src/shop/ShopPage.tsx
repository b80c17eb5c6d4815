// A shop's page: name, logo, description and policies, and its products.
import { PageHeader } from '../components/PageHeader';
import { useLoad } from '../music/useLoad';
import { Link, profilePath } from '../router';
import { useSession } from '../session';
import { usePaged } from '../usePaged';
import { useTitle } from '../util';
import { shopApi, shopPaths, type ProductSummary } from './api';
import { CartLink, LoadError, ProductImage, Spinner } from './common';
import { ProductGrid } from './ProductGrid';

export function ShopPage({ handle }: { handle: string }) {
  const { user } = useSession();
  const shop = useLoad(`shop:${handle}:${user?.id ?? ''}`, () => shopApi.shop(handle));
  const products = usePaged<ProductSummary>(`shop-products:${handle}:${user?.id ?? ''}`, (p) => shopApi.shopProducts(handle, p), {
    limit: 24,
  });
  const s = shop.data;
  useTitle(s ? s.name : 'Shop');
  const own = !!user && !!s && s.owner.id === user.id;
  return (
    <div class="shop-page">
      <PageHeader title="Shop" back right={<CartLink />} />
      {shop.loading && !s ? (
        <Spinner />
      ) : !s ? (
        <LoadError error={shop.error} what="shop" retry={shop.reload} />
      ) : (
        <>
          <section class="shop-hero">
            <ProductImage url={s.logo_url} size={72} alt={`${s.name} logo`} />
            <div>
              <h1 data-testid="shop-name">{s.name}</h1>
              <p class="muted-inline">
                @{s.handle} · by <Link href={profilePath(s.owner.handle)}>@{s.owner.handle}</Link>
              </p>
              {s.status !== 'active' && <p class="chip">This shop is {s.status}</p>}
            </div>
          </section>
          {s.description && <p class="shop-description">{s.description}</p>}
          {own && (
            <div class="entity-actions">
              <Link href={shopPaths.seller} class="btn btn-secondary btn-small">
                Seller center
              </Link>
            </div>
          )}
          <ProductGrid list={products} label="Products" empty="No products for sale yet." />
          {s.policies && (
            <details class="shop-policies">
              <summary>Shop policies</summary>
              <p>{s.policies}</p>
            </details>
          )}
        </>
      )}
    </div>
  );
}
