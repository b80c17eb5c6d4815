// The persistent player: a mini bar above the navigation on every page (with
// its queue a tap away), and the full "now playing" view with seek,
// previous/next and the queue.
import { useState } from 'preact/hooks';
import { PlayIcon } from '../components/Icons';
import { Link } from '../router';
import { useStore } from '../store';
import { formatDuration, musicPaths } from './api';
import { AdBanner, useAdBreak } from './AdBreak';
import { Cover } from './Cover';
import { NextIcon, PauseIcon, PrevIcon, QueueIcon } from './icons';
import { jumpTo, next, player, previous, removeFromQueue, seek, toggle } from './player';
import { Sheet } from './Sheet';

function PlayButton(props: { playing: boolean; big?: boolean }) {
  const size = props.big ? 34 : 24;
  return (
    <button
      type="button"
      class={`icon-button play-button${props.big ? ' play-button-big' : ''}`}
      aria-label={props.playing ? 'Pause' : 'Play'}
      data-testid="player-toggle"
      onClick={(e) => {
        e.stopPropagation();
        toggle();
      }}
    >
      {props.playing ? <PauseIcon width={size} height={size} /> : <PlayIcon width={size} height={size} />}
    </button>
  );
}

function gainText(gain: number): string {
  const db = 20 * Math.log10(gain);
  if (Math.abs(db) < 0.05) return 'Loudness normalised';
  return `Loudness normalised ${db > 0 ? '+' : ''}${db.toFixed(1)} dB`;
}

/** The queue: played, current and coming tracks; tap one to jump to it. */
function QueueList() {
  const s = useStore(player);
  return (
    <ol class="queue" aria-label="Queue" data-testid="queue">
      {s.queue.map((q, i) => (
        <li key={`${q.id}:${i}`} class={i === s.index ? 'current' : i < s.index ? 'played' : ''} data-testid="queue-item">
          <button type="button" class="queue-main" aria-current={i === s.index ? 'true' : undefined} onClick={() => jumpTo(i)}>
            <span class="track-title">{q.title}</span>
            <span class="track-sub">{q.artist_name}</span>
          </button>
          {i > s.index && (
            <button type="button" class="btn btn-ghost btn-small" aria-label={`Remove ${q.title} from the queue`} onClick={() => removeFromQueue(i)}>
              Remove
            </button>
          )}
        </li>
      ))}
    </ol>
  );
}

/** The queue on its own, opened from the bar. */
function QueuePanel(props: { onClose: () => void }) {
  const s = useStore(player);
  const coming = Math.max(0, s.queue.length - s.index - 1);
  return (
    <Sheet title="Queue" onClose={props.onClose} class="queue-panel">
      <p class="muted-inline" data-testid="queue-count">
        {coming} {coming === 1 ? 'song' : 'songs'} up next
      </p>
      <QueueList />
    </Sheet>
  );
}

function NowPlaying(props: { onClose: () => void }) {
  const s = useStore(player);
  const t = s.queue[s.index];
  if (!t) return null;
  const duration = s.duration || t.duration_ms / 1000;
  return (
    <Sheet title="Now playing" onClose={props.onClose} class="now-playing">
      <div class="np-cover">
        <Cover url={t.cover_url} size={260} alt={`${t.album.title} cover`} />
      </div>
      <div class="np-text">
        <Link href={musicPaths.song(t.id)} class="np-title" onClick={props.onClose}>
          {t.title}
        </Link>
        <span class="muted">{t.artist_name}</span>
      </div>
      <input
        type="range"
        class="seek"
        aria-label="Seek"
        min={0}
        max={Math.max(1, duration)}
        step={0.1}
        value={s.position}
        onInput={(e) => seek(Number(e.currentTarget.value))}
      />
      <div class="np-times">
        <span data-testid="player-position">{formatDuration(s.position * 1000)}</span>
        <span>{formatDuration(duration * 1000)}</span>
      </div>
      <div class="np-controls">
        <button type="button" class="icon-button" aria-label="Previous" onClick={previous}>
          <PrevIcon width={30} height={30} />
        </button>
        <PlayButton playing={s.playing} big />
        <button type="button" class="icon-button" aria-label="Next" onClick={() => void next()}>
          <NextIcon width={30} height={30} />
        </button>
      </div>
      <p class="np-gain muted-inline" data-testid="player-gain">
        {gainText(s.gain)}
      </p>
      <h3 class="np-queue-title">Queue</h3>
      <QueueList />
    </Sheet>
  );
}

export function PlayerBar() {
  const s = useStore(player);
  const ad = useAdBreak();
  const [open, setOpen] = useState<'player' | 'queue' | null>(null);
  const t = s.queue[s.index];
  if (ad) return <AdBanner ad={ad} />;
  if (!t) return null;
  const duration = s.duration || t.duration_ms / 1000;
  const pct = duration > 0 ? Math.min(100, (s.position / duration) * 100) : 0;
  return (
    <>
      <div class="player-bar" data-testid="player-bar">
        <button type="button" class="player-open" aria-label={`Open player: ${t.title}`} onClick={() => setOpen('player')}>
          <Cover url={t.cover_url} size={40} />
          <span class="track-text">
            <span class="track-title" data-testid="player-title">
              {t.title}
            </span>
            <span class="track-sub">{s.error ?? t.artist_name}</span>
          </span>
        </button>
        <PlayButton playing={s.playing} />
        <button type="button" class="icon-button" aria-label="Next" onClick={() => void next()}>
          <NextIcon width={22} height={22} />
        </button>
        <button type="button" class="icon-button" aria-label="Queue" data-testid="queue-button" onClick={() => setOpen('queue')}>
          <QueueIcon width={22} height={22} />
        </button>
        <span class="player-progress" style={{ width: `${pct}%` }} aria-hidden="true" />
      </div>
      {open === 'player' && <NowPlaying onClose={() => setOpen(null)} />}
      {open === 'queue' && <QueuePanel onClose={() => setOpen(null)} />}
    </>
  );
}
