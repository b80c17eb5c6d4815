// The product cards on a video in the feed. Tapping one records the tap
// (the video's author is credited if the viewer buys within the attribution
// window) and asks the feed item to open the product in a sheet (rendered
// outside the overlay, which lets pointer events through to the video).
import { useSession } from '../session';
import type { ProductCard } from './api';
import { shopApi } from './api';
import { ProductImage } from './common';
import { formatPriceRange } from './money';

export function VideoProducts(props: { videoId: string; cards: ProductCard[]; onOpen: (c: ProductCard) => void }) {
  const { user } = useSession();
  const { cards } = props;
  if (!cards.length) return null;
  const tap = (c: ProductCard) => {
    // Taps need an account; a visitor still sees the product.
    if (user) shopApi.tap(c.id, { source: 'video', video_id: props.videoId }).catch(() => {});
    props.onOpen(c);
  };
  return (
    <div class="video-products">
      {cards.map((c) => (
        <button
          type="button"
          key={c.id}
          class="video-product"
          data-testid="product-card"
          data-product-id={c.id}
          aria-label={`Product: ${c.title}, ${formatPriceRange(c.price, c.price_max, c.currency)}`}
          aria-haspopup="dialog"
          onClick={() => tap(c)}
        >
          <ProductImage url={c.image_url} size={40} />
          <span class="video-product-text">
            <span class="video-product-title">{c.title}</span>
            <span class="video-product-price">{formatPriceRange(c.price, c.price_max, c.currency)}</span>
          </span>
        </button>
      ))}
    </div>
  );
}
