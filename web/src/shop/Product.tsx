// A product page: pictures, the shop, variants and buying, the description,
// and adding it to one's showcase.
import { useState } from 'preact/hooks';
import { errorMessage } from '../api';
import { PageHeader } from '../components/PageHeader';
import { useLoad } from '../music/useLoad';
import { Link } from '../router';
import { useSession } from '../session';
import { toast } from '../toast';
import { useTitle } from '../util';
import { shopApi, shopPaths, type Product } from './api';
import { CartLink, LoadError, ProductImage, Spinner } from './common';
import { ProductBuy } from './ProductBuy';

function AddToShowcase({ product }: { product: Product }) {
  const [busy, setBusy] = useState(false);
  const [inShowcase, setIn] = useState(false);
  const toggle = async () => {
    setBusy(true);
    try {
      if (inShowcase) {
        await shopApi.removeFromShowcase(product.id);
        setIn(false);
        toast('Removed from your showcase');
      } else {
        await shopApi.addToShowcase(product.id);
        setIn(true);
        toast('Added to your showcase');
      }
    } catch (e) {
      toast(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <button type="button" class="btn btn-ghost btn-small" disabled={busy} aria-pressed={inShowcase} onClick={toggle}>
      {inShowcase ? 'In your showcase' : 'Add to showcase'}
    </button>
  );
}

export function ProductPage({ id }: { id: string }) {
  const { user } = useSession();
  const p = useLoad(`product:${id}:${user?.id ?? ''}`, () => shopApi.product(id));
  const product = p.data;
  useTitle(product ? product.title : 'Product');
  return (
    <div class="shop-page">
      <PageHeader title="Product" back right={<CartLink />} />
      {p.loading && !product ? (
        <Spinner />
      ) : !product ? (
        <LoadError error={p.error} what="product" retry={p.reload} />
      ) : (
        <article class="product" aria-labelledby="product-title">
          <div class="product-gallery" role="list" aria-label="Pictures">
            {product.images.length ? (
              product.images.map((img, i) => (
                <div role="listitem" key={img.id}>
                  <ProductImage url={img.url} size={320} alt={`${product.title}, picture ${i + 1}`} />
                </div>
              ))
            ) : (
              <div role="listitem">
                <ProductImage url={null} size={320} />
              </div>
            )}
          </div>
          <div class="product-info">
            <h1 id="product-title" data-testid="product-title">
              {product.title}
            </h1>
            <p class="muted-inline">
              Sold by <Link href={shopPaths.shop(product.shop.handle)}>{product.shop.name}</Link>
              {product.category ? ` · ${product.category}` : ''}
            </p>
            {product.status !== 'active' && <p class="chip">{product.status === 'draft' ? 'Draft' : 'Archived'}: only you see it</p>}
            <ProductBuy product={product} />
            {user && product.status === 'active' && <AddToShowcase product={product} />}
            {product.description && (
              <section class="product-description" aria-label="Description">
                <h2>Description</h2>
                <p>{product.description}</p>
              </section>
            )}
          </div>
        </article>
      )}
    </div>
  );
}
