// A song: play it, add it to a playlist, its chart run, and the short
// videos that use it as their sound.
import { useState } from 'preact/hooks';
import { PageHeader } from '../components/PageHeader';
import { Link, navigate } from '../router';
import { useSession } from '../session';
import { usePaged } from '../usePaged';
import { formatCount, useTitle } from '../util';
import type { Video } from '../video/api';
import { VideoGrid } from '../video/VideoGrid';
import { formatDuration, musicApi, musicPaths, type ChartHistory, type Track } from './api';
import { PlayAll } from './Album';
import { AddToPlaylist } from './AddToPlaylist';
import { LoadError, Section, Spinner } from './common';
import { Cover } from './Cover';
import { playTracks } from './player';
import { startRadio } from './radio';
import { SaveButton } from './SaveButton';
import { useLoad } from './useLoad';

function ChartRun({ history }: { history: ChartHistory }) {
  if (!history.items.length) return <p class="muted pad">Not on a weekly chart yet.</p>;
  return (
    <dl class="chart-run" data-testid="chart-run">
      <div>
        <dt>Peak</dt>
        <dd>No. {history.peak}</dd>
      </div>
      <div>
        <dt>Weeks on chart</dt>
        <dd>{history.weeks_on_chart}</dd>
      </div>
      <div>
        <dt>Weeks at No. 1</dt>
        <dd>{history.weeks_at_number_one}</dd>
      </div>
    </dl>
  );
}

function SongVideos({ track }: { track: Track }) {
  const soundId = track.sound_id;
  const list = usePaged<Video>(`song-videos:${track.id}`, (p) => musicApi.trackVideos(track.id, p), {
    limit: 24,
    enabled: !!soundId,
  });
  if (!soundId) return <p class="muted pad">This song can't be used in videos.</p>;
  return (
    <>
      <div class="entity-actions">
        <button type="button" class="btn btn-secondary btn-wide" onClick={() => navigate(`/upload?sound=${encodeURIComponent(soundId)}`)}>
          Make a video with this song
        </button>
      </div>
      <VideoGrid list={list} empty="No videos with this song yet." label="Videos with this song" />
    </>
  );
}

export function SongPage({ id }: { id: string }) {
  const { user } = useSession();
  const track = useLoad(`track:${id}`, () => musicApi.track(id));
  const history = useLoad(`history:${id}`, () => musicApi.chartHistory(id));
  const [adding, setAdding] = useState(false);
  const t = track.data;
  useTitle(t ? `${t.title} · ${t.artist_name}` : 'Song');
  return (
    <div class="music">
      <PageHeader title="Song" back />
      {track.loading ? (
        <Spinner />
      ) : !t ? (
        <LoadError error={track.error} what="song" retry={track.reload} />
      ) : (
        <>
          <section class="music-hero">
            <Cover url={t.cover_url} size={220} alt={`${t.album.title} cover`} />
            <h1 class="hero-title" data-testid="song-title">
              {t.title}
            </h1>
            <p class="hero-sub">
              {t.artists.map((a, i) => (
                <span key={a.id}>
                  {i > 0 && ', '}
                  <Link href={musicPaths.artist(a.id)}>{a.name}</Link>
                </span>
              ))}
            </p>
            <p class="muted-inline">
              <Link href={musicPaths.album(t.album.id)}>{t.album.title}</Link>
              {[t.year || null, t.genre || null, formatDuration(t.duration_ms)].filter(Boolean).map((x) => ` · ${x}`)}
            </p>
            <p class="muted-inline" data-testid="song-plays">
              {formatCount(t.play_count)} {t.play_count === 1 ? 'play' : 'plays'}
              {t.isrc ? ` · ISRC ${t.isrc}` : ''}
            </p>
            <div class="hero-actions">
              <PlayAll onPlay={() => playTracks([t])} />
              <button type="button" class="btn btn-secondary" onClick={() => void startRadio(t)}>
                Start radio
              </button>
              <SaveButton kind="tracks" id={t.id} name={t.title} saved={t.saved} size={26} />
              {user && (
                <button type="button" class="btn btn-secondary" onClick={() => setAdding(true)}>
                  Add to playlist
                </button>
              )}
            </div>
          </section>
          <Section title="Chart run">{history.data ? <ChartRun history={history.data} /> : history.loading ? <Spinner /> : null}</Section>
          <Section title="Videos with this song">
            <SongVideos track={t} />
          </Section>
          {adding && <AddToPlaylist trackId={t.id} title={t.title} onClose={() => setAdding(false)} />}
        </>
      )}
    </div>
  );
}
