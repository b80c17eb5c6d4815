// A two-column grid of product tiles over a paged list.
import type { ComponentChild } from 'preact';
import { LoadMore } from '../components/LoadMore';
import { errorMessage } from '../api';
import { Link } from '../router';
import type { Paged } from '../usePaged';
import { shopPaths, type ProductSummary } from './api';
import { ProductImage } from './common';
import { formatPriceRange } from './money';

export function ProductTile({ product, onOpen }: { product: ProductSummary; onOpen?: (p: ProductSummary) => void }) {
  return (
    <Link
      href={shopPaths.product(product.id)}
      class="product-tile"
      data-testid="product-tile"
      data-product-id={product.id}
      onClick={() => onOpen?.(product)}
    >
      <ProductImage url={product.image_url} size={180} />
      <span class="tile-title">{product.title}</span>
      <span class="tile-sub">
        {formatPriceRange(product.price_min, product.price_max, product.currency)}
        {!product.in_stock && ' · Sold out'}
      </span>
    </Link>
  );
}

export function ProductGrid(props: {
  list: Paged<ProductSummary>;
  label: string;
  empty: string;
  onOpen?: (p: ProductSummary) => void;
  /** Something under each tile (the owner's Remove, ...). */
  extra?: (p: ProductSummary) => ComponentChild;
}) {
  const { list } = props;
  if (list.error && list.loaded && list.items.length === 0) {
    return (
      <div class="list-footer">
        <p class="form-error" role="alert">
          {errorMessage(list.error)}
        </p>
        <button type="button" class="btn btn-secondary" onClick={list.reload}>
          Try again
        </button>
      </div>
    );
  }
  return (
    <>
      {list.loaded && !list.error && list.items.length === 0 && <p class="muted center-pad">{props.empty}</p>}
      <ul class="product-grid" aria-label={props.label}>
        {list.items.map((p) => (
          <li key={p.id}>
            <ProductTile product={p} onOpen={props.onOpen} />
            {props.extra?.(p)}
          </li>
        ))}
      </ul>
      <LoadMore list={list} />
    </>
  );
}
