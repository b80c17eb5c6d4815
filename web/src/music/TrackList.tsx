// A list of tracks: tap one to play the list from there; the heart saves
// it to the library; "…" for more.
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { useStore } from '../store';
import { formatDuration, type Track } from './api';
import { Cover } from './Cover';
import { DotsIcon } from './icons';
import { player, playTracks } from './player';
import { SaveButton } from './SaveButton';
import { TrackMenu, type ExtraAction } from './TrackMenu';

export interface TrackListProps {
  tracks: Track[];
  /** Numbers instead of covers (an album). */
  numbered?: boolean;
  label: string;
  /** Something shown before each row's text (chart movement). */
  lead?: (t: Track, i: number) => ComponentChildren;
  /** Per-row extra menu actions (remove from a playlist). */
  extra?: (t: Track, i: number) => ExtraAction[];
  /** Per-row trailing controls (reorder buttons). */
  trail?: (t: Track, i: number) => ComponentChildren;
  /** A short line under the artist (who added it to a shared playlist). */
  note?: (t: Track, i: number) => string | null;
}

export function TrackList(props: TrackListProps) {
  const state = useStore(player);
  const playing = state.queue[state.index];
  const [menu, setMenu] = useState<number | null>(null);
  return (
    <>
      <ol class="track-list" aria-label={props.label}>
        {props.tracks.map((t, i) => {
          const current = playing?.id === t.id;
          return (
            <li key={`${t.id}:${i}`} class={`track-row${current ? ' current' : ''}`} data-testid="track-row">
              {props.lead?.(t, i)}
              <button
                type="button"
                class="track-main"
                aria-label={`Play ${t.title} by ${t.artist_name}`}
                aria-current={current ? 'true' : undefined}
                onClick={() => playTracks(props.tracks, i)}
              >
                {props.numbered ? <span class="track-no">{t.track_no || i + 1}</span> : <Cover url={t.cover_url} size={44} />}
                <span class="track-text">
                  <span class="track-title">{t.title}</span>
                  <span class="track-sub">{t.artist_name}</span>
                  {props.note?.(t, i) && <span class="track-note">{props.note(t, i)}</span>}
                </span>
                <span class="track-time">{formatDuration(t.duration_ms)}</span>
              </button>
              {props.trail?.(t, i)}
              <SaveButton kind="tracks" id={t.id} name={t.title} saved={t.saved} size={18} class="track-save" />
              <button type="button" class="icon-button track-more" aria-label={`More for ${t.title}`} onClick={() => setMenu(i)}>
                <DotsIcon width={18} height={18} />
              </button>
            </li>
          );
        })}
      </ol>
      {menu !== null && props.tracks[menu] && (
        <TrackMenu track={props.tracks[menu]!} extra={props.extra?.(props.tracks[menu]!, menu)} onClose={() => setMenu(null)} />
      )}
    </>
  );
}
