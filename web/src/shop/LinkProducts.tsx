// The author of a video links products to it (at most 3, active ones only):
// the cards viewers see on the video in the feed.
import { useState } from 'preact/hooks';
import { errorMessage } from '../api';
import { Sheet } from '../music/Sheet';
import type { ProductCard, ProductSummary } from './api';
import { shopApi } from './api';
import { ProductImage } from './common';
import { formatPriceRange } from './money';

const kMaxLinks = 3;

export function LinkProducts(props: { videoId: string; cards: ProductCard[]; onChange: (cards: ProductCard[]) => void; onClose: () => void }) {
  const { cards } = props;
  const [q, setQ] = useState('');
  const [results, setResults] = useState<ProductSummary[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const search = async (e: Event) => {
    e.preventDefault();
    setError(null);
    try {
      setResults((await shopApi.search(q.trim(), { limit: 20 })).items);
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  const run = async (fn: () => Promise<{ items: ProductCard[] }>) => {
    setBusy(true);
    setError(null);
    try {
      props.onChange((await fn()).items);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Sheet title="Products on this video" onClose={props.onClose}>
      <div class="link-products">
        {cards.length === 0 ? (
          <p class="muted">No products yet. Viewers see linked products as cards on the video.</p>
        ) : (
          <ul class="seller-list" aria-label="Linked products">
            {cards.map((c) => (
              <li key={c.id} class="seller-row">
                <ProductImage url={c.image_url} size={40} />
                <span class="seller-row-main">
                  <span class="strong">{c.title}</span>
                  <span class="muted-inline">{formatPriceRange(c.price, c.price_max, c.currency)}</span>
                </span>
                <button
                  type="button"
                  class="btn btn-ghost btn-small"
                  disabled={busy}
                  aria-label={`Remove ${c.title}`}
                  onClick={() => run(() => shopApi.unlinkProduct(props.videoId, c.id))}
                >
                  Remove
                </button>
              </li>
            ))}
          </ul>
        )}
        {cards.length < kMaxLinks ? (
          <form class="search-form" role="search" onSubmit={search}>
            <label for="link-product-search" class="visually-hidden">
              Find a product
            </label>
            <input id="link-product-search" type="search" placeholder="Find a product" value={q} onInput={(e) => setQ(e.currentTarget.value)} />
            <button type="submit" class="btn btn-secondary">
              Find
            </button>
          </form>
        ) : (
          <p class="muted-inline">A video can show {kMaxLinks} products.</p>
        )}
        {error && (
          <p class="form-error" role="alert">
            {error}
          </p>
        )}
        {results && cards.length < kMaxLinks && (
          <ul class="seller-list" aria-label="Products found">
            {results.length === 0 && <li class="muted">Nothing matches.</li>}
            {results
              .filter((p) => !cards.some((c) => c.id === p.id))
              .map((p) => (
                <li key={p.id} class="seller-row">
                  <ProductImage url={p.image_url} size={40} />
                  <span class="seller-row-main">
                    <span class="strong">{p.title}</span>
                    <span class="muted-inline">
                      {p.shop.name} · {formatPriceRange(p.price_min, p.price_max, p.currency)}
                    </span>
                  </span>
                  <button
                    type="button"
                    class="btn btn-primary btn-small"
                    disabled={busy}
                    aria-label={`Add ${p.title}`}
                    onClick={() => run(() => shopApi.linkProduct(props.videoId, p.id))}
                  >
                    Add
                  </button>
                </li>
              ))}
          </ul>
        )}
      </div>
    </Sheet>
  );
}
