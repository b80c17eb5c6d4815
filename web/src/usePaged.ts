import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { Page, PageParams } from './api';

export interface Paged<T> {
  items: T[];
  loading: boolean;
  error: unknown;
  hasMore: boolean;
  /** True once the first page has arrived (or failed). */
  loaded: boolean;
  loadMore: () => void;
  reload: () => void;
  setItems: (fn: (items: T[]) => T[]) => void;
}

/**
 * Cursor pagination over a `{items, next_cursor}` endpoint. `key` identifies
 * the list; when it changes the list restarts from the first page.
 */
export function usePaged<T, P extends Page<T> = Page<T>>(
  key: string,
  fetchPage: (p: PageParams) => Promise<P>,
  opts: { limit?: number; onPage?: (page: P, first: boolean) => void; enabled?: boolean } = {},
): Paged<T> {
  const [items, setItemsState] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [hasMore, setHasMore] = useState(false);
  const [loading, setLoading] = useState(false);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const gen = useRef(0);
  const fetchRef = useRef(fetchPage);
  fetchRef.current = fetchPage;
  const onPageRef = useRef(opts.onPage);
  onPageRef.current = opts.onPage;
  const limit = opts.limit ?? 20;
  const enabled = opts.enabled ?? true;

  const load = useCallback(
    (from: string | null, first: boolean) => {
      const my = ++gen.current;
      setLoading(true);
      setError(null);
      fetchRef
        .current({ cursor: from, limit })
        .then((page) => {
          if (my !== gen.current) return;
          setItemsState((prev) => (first ? page.items : [...prev, ...page.items]));
          setCursor(page.next_cursor);
          setHasMore(!!page.next_cursor);
          onPageRef.current?.(page, first);
        })
        .catch((e: unknown) => {
          if (my !== gen.current) return;
          setError(e);
        })
        .finally(() => {
          if (my !== gen.current) return;
          setLoading(false);
          setLoaded(true);
        });
    },
    [limit],
  );

  const reload = useCallback(() => {
    setItemsState([]);
    setCursor(null);
    setHasMore(false);
    setLoaded(false);
    load(null, true);
  }, [load]);

  useEffect(() => {
    if (!enabled) return;
    reload();
    return () => {
      gen.current++;
    };
  }, [key, enabled, reload]);

  const loadMore = useCallback(() => {
    if (!loading && cursor) load(cursor, false);
  }, [loading, cursor, load]);

  return { items, loading, error, hasMore, loaded, loadMore, reload, setItems: setItemsState };
}
