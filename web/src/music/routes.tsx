// The /music/... pages.
import type { ComponentChild } from 'preact';
import { AlbumPage, ArtistPage } from './Album';
import { ViralChartPage, WeeklyChartPage } from './Charts';
import { MusicHome } from './Home';
import { LibraryPage } from './Library';
import { NewPlaylistPage, PlaylistPage } from './Playlist';
import { PremiumPage } from './Premium';
import { MusicSearch } from './Search';
import { SongPage } from './Song';

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The page for a /music path, or null when it is not one. */
export function musicRoute(p: string): ComponentChild | null {
  switch (p) {
    case '/music':
      return <MusicHome />;
    case '/music/search':
      return <MusicSearch />;
    case '/music/charts':
      return <WeeklyChartPage />;
    case '/music/charts/viral':
      return <ViralChartPage />;
    case '/music/library':
      return <LibraryPage />;
    case '/music/premium':
      return <PremiumPage />;
    case '/music/playlists/new':
      return <NewPlaylistPage />;
  }
  const m = /^\/music\/(album|artist|playlist|song)\/([^/]+)$/.exec(p);
  if (!m) return null;
  const id = decode(m[2]!);
  switch (m[1]) {
    case 'album':
      return <AlbumPage key={id} id={id} />;
    case 'artist':
      return <ArtistPage key={id} id={id} />;
    case 'playlist':
      return <PlaylistPage key={id} id={id} />;
    default:
      return <SongPage key={id} id={id} />;
  }
}
