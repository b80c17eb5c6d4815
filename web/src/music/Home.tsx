// Music home: this week's chart, what is viral in videos, new albums and
// the listener's playlists; the header leads to search and the library.
import { DiscoverIcon } from '../components/Icons';
import { PageHeader } from '../components/PageHeader';
import { ApiError, request, type Page } from '../api';
import { Link } from '../router';
import { useSession } from '../session';
import { useTitle } from '../util';
import { musicApi, musicPaths, type Album } from './api';
import { AlbumCard, PlaylistCard, Shelf } from './Cards';
import { Section, Spinner } from './common';
import { LibraryIcon } from './icons';
import { Movement } from './Movement';
import { PlanChip } from './Premium';
import { TrackList } from './TrackList';
import { useLoad } from './useLoad';

function TopOfTheWeek() {
  const chart = useLoad('weekly', () => musicApi.weeklyChart());
  if (chart.loading) return <Spinner />;
  if (chart.error instanceof ApiError && chart.error.status === 404) {
    return <p class="muted pad">The first weekly chart comes out when this week ends (Friday 00:00 UTC).</p>;
  }
  if (!chart.data) return null;
  const top = chart.data.items.slice(0, 5);
  return (
    <TrackList
      tracks={top.map((e) => e.track)}
      label="Top songs this week"
      lead={(_t, i) => <Movement entry={top[i]!} />}
    />
  );
}

function ViralNow() {
  const viral = useLoad('viral', () => musicApi.viralChart(5));
  if (viral.loading) return <Spinner />;
  if (!viral.data?.items.length) return <p class="muted pad">No songs in videos today yet.</p>;
  return <TrackList tracks={viral.data.items.map((e) => e.track)} label="Viral in videos" />;
}

function NewAlbums() {
  const albums = useLoad('new-albums', () => request<Page<Album>>('GET', '/albums', { query: { order: 'newest', limit: 12 } }));
  if (albums.loading) return <Spinner />;
  if (!albums.data?.items.length) return <p class="muted pad">The catalog is empty.</p>;
  return (
    <Shelf label="New albums">
      {albums.data.items.map((a) => (
        <AlbumCard key={a.id} album={a} />
      ))}
    </Shelf>
  );
}

function YourPlaylists() {
  const lists = useLoad('my-playlists', () => musicApi.myPlaylists());
  if (lists.loading) return <Spinner />;
  return (
    <Shelf label="Your playlists">
      {lists.data?.items.map((p) => <PlaylistCard key={p.id} playlist={p} />)}
      <Link href={`${musicPaths.home}/playlists/new`} class="card-tile card-new" data-testid="new-playlist">
        <span class="cover cover-empty new-plus" style={{ width: 136, height: 136 }} aria-hidden="true">
          +
        </span>
        <span class="tile-title">New playlist</span>
      </Link>
    </Shelf>
  );
}

export function MusicHome() {
  const { user } = useSession();
  useTitle('Music');
  return (
    <div class="music">
      <PageHeader
        title="Music"
        right={
          <>
            {user && <PlanChip />}
            {user && (
              <Link href={musicPaths.library()} class="icon-button" aria-label="Your library" data-testid="library-link">
                <LibraryIcon width={22} height={22} />
              </Link>
            )}
            <Link href={musicPaths.search()} class="icon-button" aria-label="Search music">
              <DiscoverIcon width={22} height={22} />
            </Link>
          </>
        }
      />
      <Section title="Top songs this week" href={musicPaths.charts} testid="home-weekly">
        <TopOfTheWeek />
      </Section>
      <Section title="Viral in videos" href={musicPaths.viral} testid="home-viral">
        <ViralNow />
      </Section>
      <Section title="New albums" testid="home-albums">
        <NewAlbums />
      </Section>
      {user && (
        <Section title="Your playlists" testid="home-playlists">
          <YourPlaylists />
        </Section>
      )}
    </div>
  );
}
