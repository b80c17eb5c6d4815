// Search across the catalog: songs, albums, artists (and playlists where the
// server returns them), as you type.
import { useEffect, useRef, useState } from 'preact/hooks';
import { PageHeader } from '../components/PageHeader';
import { errorMessage } from '../api';
import { navigate, useLocation } from '../router';
import { useTitle } from '../util';
import { musicApi, musicPaths, type SearchResult } from './api';
import { AlbumCard, ArtistRow, PlaylistCard, Shelf } from './Cards';
import { Section, Spinner } from './common';
import { TrackList } from './TrackList';

export function MusicSearch() {
  const { search } = useLocation();
  const initial = new URLSearchParams(search).get('q') ?? '';
  const [q, setQ] = useState(initial);
  const [result, setResult] = useState<SearchResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const timer = useRef<number | undefined>(undefined);
  useTitle(q ? `${q} · Music search` : 'Music search');

  useEffect(() => {
    const text = q.trim();
    window.clearTimeout(timer.current);
    if (!text) {
      setResult(null);
      return;
    }
    const ctl = new AbortController();
    timer.current = window.setTimeout(() => {
      setBusy(true);
      navigate(musicPaths.search(text), { replace: true });
      musicApi.search(text, 20, ctl.signal).then(
        (r) => {
          setResult(r);
          setError(null);
          setBusy(false);
        },
        (e) => {
          if (e instanceof DOMException && e.name === 'AbortError') return;
          setError(errorMessage(e));
          setBusy(false);
        },
      );
    }, 250);
    return () => ctl.abort();
  }, [q]);

  const empty = result && !result.tracks.length && !result.albums.length && !result.artists.length && !result.playlists?.length;
  return (
    <div class="music">
      <PageHeader title="Search" back />
      <form class="search-bar" role="search" onSubmit={(e) => e.preventDefault()}>
        <input
          class="input"
          type="search"
          aria-label="Search songs, albums, artists, playlists"
          placeholder="Songs, albums, artists, playlists"
          autoFocus
          value={q}
          onInput={(e) => setQ(e.currentTarget.value)}
        />
      </form>
      {busy && !result && <Spinner />}
      {error && (
        <p class="form-error pad" role="alert">
          {error}
        </p>
      )}
      {empty && <p class="muted pad">Nothing found for “{q.trim()}”.</p>}
      {result && result.tracks.length > 0 && (
        <Section title="Songs" testid="search-tracks">
          <TrackList tracks={result.tracks} label="Songs" />
        </Section>
      )}
      {result && result.artists.length > 0 && (
        <Section title="Artists" testid="search-artists">
          <ul class="artist-list">
            {result.artists.map((a) => (
              <ArtistRow key={a.id} artist={a} />
            ))}
          </ul>
        </Section>
      )}
      {result && result.albums.length > 0 && (
        <Section title="Albums" testid="search-albums">
          <Shelf label="Albums">
            {result.albums.map((a) => (
              <AlbumCard key={a.id} album={a} />
            ))}
          </Shelf>
        </Section>
      )}
      {result?.playlists && result.playlists.length > 0 && (
        <Section title="Playlists" testid="search-playlists">
          <Shelf label="Playlists">
            {result.playlists.map((p) => (
              <PlaylistCard key={p.id} playlist={p} />
            ))}
          </Shelf>
        </Section>
      )}
    </div>
  );
}
