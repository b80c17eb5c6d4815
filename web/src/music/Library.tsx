// The listener's library: saved songs, albums and artists, newest saved
// first, a page at a time. Items removed here leave the list at once.
import { LoadMore } from '../components/LoadMore';
import { PageHeader } from '../components/PageHeader';
import { Link, useLocation } from '../router';
import { useSession } from '../session';
import { useStore } from '../store';
import { usePaged } from '../usePaged';
import { useTitle } from '../util';
import { musicApi, musicPaths, type Album, type Artist, type LibraryKind, type Track } from './api';
import { AlbumCard, ArtistRow } from './Cards';
import { isSaved, savedItems } from './library';
import { TrackList } from './TrackList';

const kTabs: Array<[LibraryKind, string]> = [
  ['tracks', 'Songs'],
  ['albums', 'Albums'],
  ['artists', 'Artists'],
];

function useSaved<T extends { id: string; saved?: boolean }>(kind: LibraryKind) {
  const list = usePaged<T>(`library:${kind}`, (p) => musicApi.library<T>(kind, p), { limit: 30 });
  const all = useStore(savedItems);
  return { list, items: list.items.filter((x) => isSaved(all, kind, x.id, true)) };
}

function Empty(props: { what: string }) {
  return (
    <p class="muted pad" data-testid="library-empty">
      No saved {props.what} yet. Tap the heart on one to keep it here.
    </p>
  );
}

function SavedTracks() {
  const { list, items } = useSaved<Track>('tracks');
  return (
    <>
      {list.loaded && !items.length && !list.hasMore && <Empty what="songs" />}
      {items.length > 0 && <TrackList tracks={items} label="Saved songs" />}
      <LoadMore list={list} />
    </>
  );
}

function SavedAlbums() {
  const { list, items } = useSaved<Album>('albums');
  return (
    <>
      {list.loaded && !items.length && !list.hasMore && <Empty what="albums" />}
      <div class="library-grid" role="list" aria-label="Saved albums">
        {items.map((a) => (
          <AlbumCard key={a.id} album={a} />
        ))}
      </div>
      <LoadMore list={list} />
    </>
  );
}

function SavedArtists() {
  const { list, items } = useSaved<Artist>('artists');
  return (
    <>
      {list.loaded && !items.length && !list.hasMore && <Empty what="artists" />}
      <ul class="artist-list" aria-label="Saved artists">
        {items.map((a) => (
          <ArtistRow key={a.id} artist={a} />
        ))}
      </ul>
      <LoadMore list={list} />
    </>
  );
}

export function LibraryPage() {
  const { user } = useSession();
  const { search } = useLocation();
  const asked = new URLSearchParams(search).get('tab');
  const tab = kTabs.find(([k]) => k === asked)?.[0] ?? 'tracks';
  useTitle('Your library');
  return (
    <div class="music">
      <PageHeader title="Your library" back />
      {!user ? (
        <p class="muted pad">
          <Link href="/login">Log in</Link> to keep songs, albums and artists here.
        </p>
      ) : (
        <>
          <nav class="tabs library-tabs" aria-label="Library">
            {kTabs.map(([k, label]) => (
              <Link key={k} href={musicPaths.library(k)} replace class={`tab${k === tab ? ' active' : ''}`} aria-current={k === tab ? 'page' : undefined}>
                {label}
              </Link>
            ))}
          </nav>
          {tab === 'tracks' ? <SavedTracks /> : tab === 'albums' ? <SavedAlbums /> : <SavedArtists />}
        </>
      )}
    </div>
  );
}
