// Discover's landing: trending hashtags, trending sounds and what is rising
// (GET /api/v1/trending/{hashtags,sounds,rising}), each linking to its page.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, errorMessage } from '../api';
import { Link } from '../router';
import { formatCount } from '../util';
import { soundPath, tagPath, videoApi, type TrendingItem } from './api';

type What = 'hashtags' | 'sounds' | 'rising';

interface ListState {
  items: TrendingItem[] | null;
  error: unknown;
}

function useTrending(what: What, limit: number): ListState {
  const [state, setState] = useState<ListState>({ items: null, error: null });
  useEffect(() => {
    let stop = false;
    videoApi.trending(what, limit).then(
      (r) => !stop && setState({ items: r.items, error: null }),
      (e: unknown) => !stop && setState({ items: null, error: e }),
    );
    return () => {
      stop = true;
    };
  }, [what, limit]);
  return state;
}

function itemLink(t: TrendingItem) {
  if (t.kind === 'hashtag' && t.tag) {
    return (
      <Link href={tagPath(t.tag)} data-testid="trending-hashtag" data-tag={t.tag}>
        #{t.tag}
      </Link>
    );
  }
  if (t.kind === 'sound' && t.id) {
    return (
      <Link href={soundPath(t.id)} data-testid="trending-sound" data-sound-id={t.id}>
        ♫ {t.title || 'Sound'}
        {t.creator_handle ? <span class="muted"> · @{t.creator_handle}</span> : null}
      </Link>
    );
  }
  return null;
}

function stats(t: TrendingItem, rising: boolean): string {
  if (rising && typeof t.ratio === 'number') return `${t.ratio >= 10 ? Math.round(t.ratio) : t.ratio.toFixed(1)}× usual`;
  return `${formatCount(t.uses)} ${t.uses === 1 ? 'video' : 'videos'} · ${formatCount(t.views)} ${t.views === 1 ? 'view' : 'views'}`;
}

function Section(props: { what: What; title: string; empty: string; limit: number }) {
  const { items, error } = useTrending(props.what, props.limit);
  const id = `trending-${props.what}`;
  let body;
  if (error) {
    body = (
      <p class="form-error center-pad" role="alert">
        {error instanceof ApiError && error.status === 404 ? "Trending isn't available on this server yet." : errorMessage(error)}
      </p>
    );
  } else if (!items) {
    body = (
      <div class="center-pad">
        <span class="spinner" role="status" aria-label="Loading" />
      </div>
    );
  } else if (items.length === 0) {
    body = <p class="muted center-pad">{props.empty}</p>;
  } else {
    body = (
      <ol class="trending-list" aria-labelledby={`${id}-heading`}>
        {items.map((t) => (
          <li key={`${t.kind}:${t.tag ?? t.id}`} class="result-row trending-row">
            {itemLink(t)}
            <span class="muted trending-stats">{stats(t, props.what === 'rising')}</span>
          </li>
        ))}
      </ol>
    );
  }
  return (
    <section class="trending" id={id} aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`} class="trending-title">
        {props.title}
      </h2>
      {body}
    </section>
  );
}

export function Trending() {
  return (
    <div class="trending-all">
      <Section what="hashtags" title="Trending hashtags" empty="No trending hashtags yet." limit={10} />
      <Section what="sounds" title="Trending sounds" empty="No trending sounds yet." limit={10} />
      <Section what="rising" title="Rising" empty="Nothing is rising right now." limit={10} />
    </div>
  );
}
