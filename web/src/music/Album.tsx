import { PageHeader } from '../components/PageHeader';
import { PlayIcon } from '../components/Icons';
import { Link } from '../router';
import { useTitle } from '../util';
import { formatTotal, musicApi, musicPaths } from './api';
import { AlbumCard, Shelf } from './Cards';
import { LoadError, Section, Spinner } from './common';
import { Cover } from './Cover';
import { playTracks } from './player';
import { SaveButton } from './SaveButton';
import { TrackList } from './TrackList';
import { useLoad } from './useLoad';

/** A big "Play" button for a list of tracks. */
export function PlayAll(props: { onPlay: () => void; disabled?: boolean }) {
  return (
    <button type="button" class="btn btn-primary play-all" disabled={props.disabled} onClick={props.onPlay}>
      <PlayIcon width={18} height={18} /> Play
    </button>
  );
}

export function AlbumPage({ id }: { id: string }) {
  const album = useLoad(`album:${id}`, () => musicApi.album(id));
  const a = album.data;
  useTitle(a ? a.title : 'Album');
  return (
    <div class="music">
      <PageHeader title="Album" back />
      {album.loading ? (
        <Spinner />
      ) : !a ? (
        <LoadError error={album.error} what="album" retry={album.reload} />
      ) : (
        <>
          <section class="music-hero">
            <Cover url={a.cover_url} size={200} alt={`${a.title} cover`} />
            <h1 class="hero-title">{a.title}</h1>
            <Link href={musicPaths.artist(a.artist.id)} class="hero-sub">
              {a.artist.name}
            </Link>
            <p class="muted-inline">
              {[a.year || null, a.genre || null, `${a.track_count} ${a.track_count === 1 ? 'song' : 'songs'}`, formatTotal(a.duration_ms)].filter(Boolean).join(' · ')}
            </p>
            <div class="hero-actions">
              <PlayAll disabled={!a.tracks?.length} onPlay={() => playTracks(a.tracks ?? [])} />
              <SaveButton kind="albums" id={a.id} name={a.title} saved={a.saved} size={26} />
            </div>
          </section>
          <TrackList tracks={a.tracks ?? []} numbered label={`${a.title} tracks`} />
        </>
      )}
    </div>
  );
}

export function ArtistPage({ id }: { id: string }) {
  const artist = useLoad(`artist:${id}`, () => musicApi.artist(id));
  const a = artist.data;
  // Their songs: found by name, kept to those credited to this artist.
  const songs = useLoad(`artist-songs:${id}:${a?.name ?? ''}`, () =>
    a ? musicApi.search(a.name, 50).then((r) => r.tracks.filter((t) => t.artists.some((x) => x.id === id))) : Promise.resolve([]),
  );
  useTitle(a ? a.name : 'Artist');
  return (
    <div class="music">
      <PageHeader title="Artist" back />
      {artist.loading ? (
        <Spinner />
      ) : !a ? (
        <LoadError error={artist.error} what="artist" retry={artist.reload} />
      ) : (
        <>
          <section class="music-hero">
            <Cover url={a.albums?.[0]?.cover_url} size={160} round alt="" />
            <h1 class="hero-title">{a.name}</h1>
            <p class="muted-inline">
              {a.album_count} {a.album_count === 1 ? 'album' : 'albums'} · {a.track_count} {a.track_count === 1 ? 'song' : 'songs'}
            </p>
            <div class="hero-actions">
              <PlayAll disabled={!songs.data?.length} onPlay={() => playTracks(songs.data ?? [])} />
              <SaveButton kind="artists" id={a.id} name={a.name} saved={a.saved} size={26} />
            </div>
          </section>
          {songs.data && songs.data.length > 0 && (
            <Section title="Songs">
              <TrackList tracks={songs.data.slice().sort((x, y) => y.play_count - x.play_count)} label={`Songs by ${a.name}`} />
            </Section>
          )}
          {a.albums && a.albums.length > 0 && (
            <Section title="Albums">
              <Shelf label={`Albums by ${a.name}`}>
                {a.albums.map((al) => (
                  <AlbumCard key={al.id} album={al} />
                ))}
              </Shelf>
            </Section>
          )}
        </>
      )}
    </div>
  );
}
