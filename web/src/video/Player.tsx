// One <video>: HLS through hls.js (lazy-loaded) where Media Source Extensions
// exist, else native HLS, falling back to the MP4 rendition. Plays only while
// `mode` is "active"; "preload" attaches the source so the next video starts
// instantly; "idle" shows the poster only. Reports watch time when the video
// stops being active; `onLoop` hears each time the video starts over.
import { useEffect, useRef, useState } from 'preact/hooks';
import { PlayIcon, SpeakerIcon } from '../components/Icons';
import { createStore, useStore } from '../store';
import { reportView, type Video } from './api';

export type PlayMode = 'active' | 'preload' | 'idle';

/** Shared across players: once unmuted, the next video plays with sound too. */
export const muted = createStore(true);

type HlsLike = { destroy(): void };

export function Player({ video, mode, onLoop }: { video: Video; mode: PlayMode; onLoop?: () => void }) {
  const ref = useRef<HTMLVideoElement>(null);
  const isMuted = useStore(muted);
  const [paused, setPaused] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const modeRef = useRef(mode);
  modeRef.current = mode;
  const attached = mode !== 'idle' && video.status === 'ready';

  // Watch-time accounting for the view report.
  const watch = useRef({ ms: 0, since: 0, completed: false, lastTime: 0 });

  const tryPlay = () => {
    const el = ref.current;
    if (!el || modeRef.current !== 'active') return;
    el.muted = muted.get();
    el.play().catch((e: unknown) => {
      // Autoplay with sound blocked: fall back to muted autoplay.
      if (e instanceof DOMException && e.name === 'NotAllowedError' && !el.muted) {
        muted.set(true);
        el.muted = true;
        el.play().catch(() => setPaused(true));
      }
    });
  };

  // Attach the source.
  useEffect(() => {
    if (!attached) return;
    const el = ref.current!;
    let hls: HlsLike | null = null;
    let cancelled = false;
    setError(null);
    const mp4 = () => {
      if (cancelled) return;
      if (video.mp4_url) {
        el.src = video.mp4_url;
        tryPlay();
      } else setError("This video can't be played right now.");
    };
    const onNativeError = () => {
      if (video.mp4_url && el.currentSrc && !el.currentSrc.endsWith(video.mp4_url)) mp4();
      else setError("This video can't be played right now.");
    };
    el.addEventListener('error', onNativeError);
    const src = video.hls_url;
    const native = () => {
      if (cancelled) return;
      if (src && el.canPlayType('application/vnd.apple.mpegurl')) {
        el.src = src;
        tryPlay();
      } else mp4();
    };
    // hls.js wherever Media Source Extensions exist (the same adaptive
    // behaviour in every browser, capped to the player size); the browser's
    // own HLS only without MSE (older iPhones), then the MP4.
    const hasMse = 'MediaSource' in window || 'ManagedMediaSource' in window;
    if (src && hasMse) {
      import('hls.js/light').then(
        ({ default: Hls }) => {
          if (cancelled) return;
          if (!Hls.isSupported()) return native();
          const h = new Hls({ capLevelToPlayerSize: true, maxBufferLength: 20 });
          hls = h;
          h.on(Hls.Events.ERROR, (_e, data) => {
            if (!data.fatal) return;
            h.destroy();
            if (hls === h) hls = null;
            mp4();
          });
          h.loadSource(src);
          h.attachMedia(el);
          tryPlay();
        },
        () => native(),
      );
    } else native();
    return () => {
      cancelled = true;
      el.removeEventListener('error', onNativeError);
      if (hls) hls.destroy();
      el.pause();
      el.removeAttribute('src');
      el.load();
    };
  }, [attached, video.id]);

  // Play only while active.
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    if (mode === 'active') {
      setPaused(false);
      watch.current = { ms: 0, since: 0, completed: false, lastTime: 0 };
      tryPlay();
      return () => {
        const w = watch.current;
        if (w.since) w.ms += performance.now() - w.since;
        w.since = 0;
        if (w.ms > 0 || w.completed) reportView(video.id, w.ms, w.completed);
        w.ms = 0;
        w.completed = false;
      };
    }
    el.pause();
    return undefined;
  }, [mode, video.id]);

  // Report when the tab is closed or hidden while watching.
  useEffect(() => {
    if (mode !== 'active') return;
    const flush = () => {
      const w = watch.current;
      if (w.since) w.ms += performance.now() - w.since;
      w.since = 0;
      if (w.ms > 0 || w.completed) reportView(video.id, w.ms, w.completed);
      w.ms = 0;
      w.completed = false;
      ref.current?.pause();
    };
    const onVis = () => {
      if (document.visibilityState === 'hidden') flush();
      else tryPlay();
    };
    window.addEventListener('pagehide', flush);
    document.addEventListener('visibilitychange', onVis);
    return () => {
      window.removeEventListener('pagehide', flush);
      document.removeEventListener('visibilitychange', onVis);
    };
  }, [mode, video.id]);

  useEffect(() => {
    if (ref.current) ref.current.muted = isMuted;
  }, [isMuted]);

  const onPlaying = () => {
    if (!watch.current.since) watch.current.since = performance.now();
    setPaused(false);
  };
  const onStop = () => {
    const w = watch.current;
    if (w.since) w.ms += performance.now() - w.since;
    w.since = 0;
  };
  const onTime = (e: Event) => {
    const el = e.currentTarget as HTMLVideoElement;
    const w = watch.current;
    // A loop wraps currentTime back to the start: the video was watched to the
    // end. (timeupdate fires every ~250 ms, so a 1 s clip jumps back >= 0.75 s.)
    const jump = Math.min(0.5, (el.duration || 0) / 4);
    if (el.currentTime + jump < w.lastTime && w.lastTime > el.duration - 1.5) {
      w.completed = true;
      if (modeRef.current === 'active') onLoop?.();
    }
    w.lastTime = el.currentTime;
  };

  const togglePlay = () => {
    const el = ref.current;
    if (!el || mode !== 'active') return;
    if (el.paused) {
      setPaused(false);
      tryPlay();
    } else {
      el.pause();
      setPaused(true);
    }
  };

  return (
    <div class="player">
      <video
        ref={ref}
        data-testid="video-player"
        class="player-video"
        poster={video.poster_url ?? undefined}
        muted={isMuted}
        loop
        playsInline
        preload={mode === 'idle' ? 'none' : 'auto'}
        onPlaying={onPlaying}
        onPause={onStop}
        onWaiting={onStop}
        onEnded={() => {
          watch.current.completed = true;
          onStop();
        }}
        onTimeUpdate={onTime}
        onClick={togglePlay}
        aria-label={video.caption ? `Video: ${video.caption}` : `Video by @${video.author.handle}`}
      />
      {paused && mode === 'active' && (
        <button type="button" class="player-play" aria-label="Play" onClick={togglePlay}>
          <PlayIcon width={34} height={34} />
        </button>
      )}
      {error && (
        <p class="player-error" role="alert">
          {error}
        </p>
      )}
      {video.status !== 'ready' && (
        <p class="player-error" data-testid="video-status" data-status={video.status}>
          {video.status === 'processing'
            ? `Processing… ${Math.round((video.progress || 0) * 100)}%`
            : `Failed: ${video.failure?.message || 'this video could not be processed.'}`}
        </p>
      )}
      {attached && (
        <button
          type="button"
          class={`player-mute${isMuted ? ' is-muted' : ''}`}
          aria-label={isMuted ? 'Unmute' : 'Mute'}
          aria-pressed={!isMuted}
          onClick={() => muted.set(!isMuted)}
        >
          <SpeakerIcon filled={!isMuted} width={18} height={18} />
          {isMuted && <span>Tap to unmute</span>}
        </button>
      )}
    </div>
  );
}
