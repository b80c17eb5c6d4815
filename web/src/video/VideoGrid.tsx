import { ApiError, errorMessage } from '../api';
import { LoadMore } from '../components/LoadMore';
import { Link } from '../router';
import type { Paged } from '../usePaged';
import { formatCount } from '../util';
import { videoPath, type Video } from './api';

/** A three-column grid of video tiles; non-ready videos show their status. */
export function VideoGrid(props: { list: Paged<Video>; empty: string; label: string }) {
  const { list } = props;
  if (list.error && list.loaded && list.items.length === 0) {
    const notThere = list.error instanceof ApiError && list.error.status === 404;
    return (
      <div class="list-footer">
        <p class="form-error" role="alert">
          {notThere ? "Videos aren't available here yet." : errorMessage(list.error)}
        </p>
        <button type="button" class="btn btn-secondary" onClick={list.reload}>
          Try again
        </button>
      </div>
    );
  }
  return (
    <>
      {list.loaded && list.items.length === 0 && !list.error && <p class="muted center-pad">{props.empty}</p>}
      <ul class="video-grid" aria-label={props.label}>
        {list.items.map((v) => (
          <li key={v.id}>
            <Link href={videoPath(v.id)} class="video-tile" data-testid="video-tile" data-video-id={v.id} data-status={v.status}>
              {v.poster_url || v.preview_url ? (
                <img src={(v.preview_url || v.poster_url)!} alt="" loading="lazy" />
              ) : (
                <span class="video-tile-blank" aria-hidden="true" />
              )}
              <span class="visually-hidden">{v.caption || `Video by @${v.author.handle}`}</span>
              {v.status === 'ready' ? (
                <span class="video-tile-views">▶ {formatCount(v.view_count)}</span>
              ) : (
                <span class={`video-tile-status ${v.status}`} data-testid="video-status" data-status={v.status}>
                  {v.status === 'processing'
                    ? `Processing ${Math.round((v.progress || 0) * 100)}%`
                    : `Failed${v.failure?.message ? `: ${v.failure.message}` : ''}`}
                </span>
              )}
              {v.visibility !== 'public' && <span class="video-tile-vis">{v.visibility === 'private' ? 'Only me' : 'Followers'}</span>}
            </Link>
          </li>
        ))}
      </ul>
      <LoadMore list={list} />
    </>
  );
}
