import type { ComponentChildren } from 'preact';
// Full-screen vertical swipe player: one item per screen (scroll-snap), the
// visible one plays, the next one is preloaded, more load near the end.
// Reports impressions, quick skips and replays to the For You engine.
import { useEffect, useRef, useState } from 'preact/hooks';
import { reportAd } from '../ads/api';
import { ApiError, errorMessage, type Page, type PageParams } from '../api';
import { FeedItem } from './FeedItem';
import type { Video } from './api';
import { trackEvent } from './events';

/** Leaving an item sooner than this after it became active, without having seen it end, is a skip. */
const kSkipWithinMs = 2000;
/** Replays reported per time an item is active (a short clip left playing loops every second). */
const kMaxReplays = 4;

/**
 * A feed item's identity. An ad may promote a video the feed already showed
 * organically: it is still its own item (own label, own impression).
 */
const itemKey = (v: Video) => (v.sponsored ? `ad:${v.sponsored.token}` : v.id);

export function Feed(props: {
  feedKey: string;
  fetchPage: (p: PageParams) => Promise<Page<Video>>;
  empty: ComponentChildren;
  /**
   * For You has no cursor (its session remembers what was served): keep
   * asking for more until a page comes back empty.
   */
  untilEmpty?: boolean;
}) {
  const [items, setItems] = useState<Video[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [more, setMore] = useState(false);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [loaded, setLoaded] = useState(false);
  const [active, setActive] = useState(0);
  const box = useRef<HTMLDivElement>(null);
  const gen = useRef(0);
  const fetchRef = useRef(props.fetchPage);
  fetchRef.current = props.fetchPage;

  const load = (from: string | null, append: boolean) => {
    const my = ++gen.current;
    setLoading(true);
    setError(null);
    fetchRef
      .current({ cursor: from, limit: 10 })
      .then((page) => {
        if (my !== gen.current) return;
        setItems((prev) => {
          if (!append) return page.items;
          const seen = new Set(prev.map(itemKey));
          return [...prev, ...page.items.filter((v) => !seen.has(itemKey(v)))];
        });
        setCursor(page.next_cursor);
        setMore(page.next_cursor !== null || (!!props.untilEmpty && page.items.length > 0));
      })
      .catch((e: unknown) => my === gen.current && setError(e))
      .finally(() => {
        if (my !== gen.current) return;
        setLoading(false);
        setLoaded(true);
      });
  };

  useEffect(() => {
    setItems([]);
    setCursor(null);
    setMore(false);
    setLoaded(false);
    setActive(0);
    box.current?.scrollTo(0, 0);
    load(null, false);
    return () => {
      gen.current++;
    };
  }, [props.feedKey]);

  // The item mostly on screen is the active one.
  useEffect(() => {
    const root = box.current;
    if (!root) return;
    const io = new IntersectionObserver(
      (entries) => {
        for (const e of entries) {
          if (e.isIntersecting && e.intersectionRatio >= 0.6) {
            setActive(Number((e.target as HTMLElement).dataset.index ?? 0));
          }
        }
      },
      { root, threshold: [0.6] },
    );
    root.querySelectorAll('.feed-item').forEach((el) => io.observe(el));
    return () => io.disconnect();
  }, [items.length]);

  // An impression when an item becomes the active one; a skip when the viewer
  // moves on quickly without having seen it to the end; nothing more for an
  // item marked "not interested" (that event says it all).
  const activeItem = items[active];
  const activeId = activeItem?.id;
  const looped = useRef(new Map<string, number>());
  const dismissed = useRef(new Set<string>());
  useEffect(() => {
    if (!activeId) return;
    trackEvent('impression', activeId);
    // A sponsored card on screen is an ad impression (charged to its campaign).
    reportAd('impression', activeItem?.sponsored);
    const since = performance.now();
    looped.current.delete(activeId);
    return () => {
      if (dismissed.current.has(activeId) || looped.current.has(activeId)) return;
      if (performance.now() - since < kSkipWithinMs) trackEvent('skip', activeId);
    };
  }, [activeItem && itemKey(activeItem)]);

  const onLoop = (id: string) => {
    const n = (looped.current.get(id) ?? 0) + 1;
    looped.current.set(id, n);
    if (n <= kMaxReplays) trackEvent('replay', id);
  };

  // "Not interested": drop the item; the next one slides into its place.
  const dismiss = (id: string) => {
    dismissed.current.add(id);
    setItems((list) => list.filter((x) => x.id !== id));
  };
  useEffect(() => {
    if (items.length > 0 && active > items.length - 1) setActive(items.length - 1);
  }, [items.length, active]);

  // Load the next page when the viewer gets close to the end.
  useEffect(() => {
    if (loaded && !loading && !error && more && active >= items.length - 3) load(cursor, true);
  }, [active, items.length, cursor, more, loading, loaded]);

  // Where the feed comes to rest decides too: an observer re-created while a
  // scroll is under way (a page arriving) may miss the crossing.
  const onScroll = () => {
    const root = box.current;
    if (!root || root.clientHeight === 0) return;
    const at = root.scrollTop / root.clientHeight;
    const n = Math.round(at);
    if (Math.abs(at - n) < 0.02 && n < items.length) setActive(n);
  };

  const go = (delta: number) => {
    const root = box.current;
    if (!root) return;
    root.scrollBy({ top: delta * root.clientHeight, behavior: 'smooth' });
  };

  const onKey = (e: KeyboardEvent) => {
    const t = e.target as HTMLElement;
    if (t.closest('input, textarea, select, [role="dialog"]')) return;
    if (e.key === 'ArrowDown' || e.key === 'PageDown' || e.key === 'j') {
      e.preventDefault();
      go(1);
    } else if (e.key === 'ArrowUp' || e.key === 'PageUp' || e.key === 'k') {
      e.preventDefault();
      go(-1);
    }
  };

  let footer: ComponentChildren = null;
  if (error) {
    const notThere = error instanceof ApiError && error.status === 404;
    footer = (
      <div class="feed-message">
        <p role="alert" class="form-error">
          {notThere ? "This feed isn't available on this server yet." : errorMessage(error)}
        </p>
        <button type="button" class="btn btn-secondary" onClick={() => load(cursor, items.length > 0)}>
          Try again
        </button>
      </div>
    );
  } else if (!loaded) {
    footer = (
      <div class="feed-message">
        <span class="spinner" role="status" aria-label="Loading" />
      </div>
    );
  } else if (items.length === 0) {
    footer = <div class="feed-message">{props.empty}</div>;
  }

  return (
    <div class="feed" ref={box} tabIndex={0} onKeyDown={onKey} onScroll={onScroll} aria-label="Videos" role="feed" aria-busy={loading}>
      {items.map((v, i) => (
        <FeedItem
          key={itemKey(v)}
          video={v}
          index={i}
          mode={i === active ? 'active' : i === active + 1 ? 'preload' : 'idle'}
          onChange={(nv) => setItems((list) => list.map((x) => (x.id === nv.id ? { ...nv, sponsored: x.sponsored } : x)))}
          onLoop={() => onLoop(v.id)}
          onNotInterested={() => dismiss(v.id)}
        />
      ))}
      {footer}
    </div>
  );
}
