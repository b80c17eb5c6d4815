// A product in a bottom sheet, opened from a card without leaving the video.
import { Sheet } from '../music/Sheet';
import { useLoad } from '../music/useLoad';
import { Link } from '../router';
import { shopApi, shopPaths } from './api';
import { LoadError, ProductImage, Spinner } from './common';
import { ProductBuy } from './ProductBuy';

export function ProductSheet(props: { productId: string; title: string; onClose: () => void }) {
  const p = useLoad(`product:${props.productId}`, () => shopApi.product(props.productId));
  const product = p.data;
  return (
    <Sheet title={props.title} onClose={props.onClose} class="product-sheet">
      {p.loading && !product ? (
        <Spinner />
      ) : !product ? (
        <LoadError error={p.error} what="product" retry={p.reload} />
      ) : (
        <div class="product-sheet-body" data-testid="product-sheet">
          <div class="product-sheet-head">
            <ProductImage url={product.images[0]?.url ?? product.image_url} size={88} alt={product.title} />
            <div>
              <p class="strong">{product.title}</p>
              <Link href={shopPaths.shop(product.shop.handle)} class="muted-inline" onClick={props.onClose}>
                {product.shop.name}
              </Link>
            </div>
          </div>
          <ProductBuy product={product} onDone={props.onClose} />
          <Link href={shopPaths.product(product.id)} class="btn btn-ghost btn-block" onClick={props.onClose}>
            View product details
          </Link>
        </div>
      )}
    </Sheet>
  );
}
