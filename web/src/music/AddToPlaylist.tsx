// "Add to playlist": one tap on a playlist adds the track; a new playlist
// can be made on the spot (it starts with the track).
import { useEffect, useState } from 'preact/hooks';
import { errorMessage } from '../api';
import { toast } from '../toast';
import { musicApi, type Playlist } from './api';
import { Cover } from './Cover';
import { Sheet } from './Sheet';

export function AddToPlaylist(props: { trackId: string; title: string; onClose: () => void; onAdded?: (p: Playlist) => void }) {
  const [lists, setLists] = useState<Playlist[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [name, setName] = useState('');

  useEffect(() => {
    musicApi.myPlaylists().then(
      (r) => setLists(r.items),
      (e) => setError(errorMessage(e)),
    );
  }, []);

  const done = (p: Playlist) => {
    toast(`Added to ${p.name}`);
    props.onAdded?.(p);
    props.onClose();
  };

  const add = async (p: Playlist) => {
    if (busy) return;
    setBusy(true);
    try {
      done(await musicApi.editPlaylist(p.id, { add_track_ids: [props.trackId] }));
    } catch (e) {
      setError(errorMessage(e));
      setBusy(false);
    }
  };

  const create = async (e: Event) => {
    e.preventDefault();
    const n = name.trim();
    if (!n || busy) return;
    setBusy(true);
    try {
      done(await musicApi.createPlaylist({ name: n, track_ids: [props.trackId] }));
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };

  return (
    <Sheet title={`Add “${props.title}” to`} onClose={props.onClose}>
      <form class="new-playlist" onSubmit={create}>
        <input
          class="input"
          aria-label="New playlist name"
          placeholder="New playlist"
          maxLength={200}
          value={name}
          onInput={(e) => setName(e.currentTarget.value)}
        />
        <button type="submit" class="btn btn-primary btn-small" disabled={!name.trim() || busy}>
          Create
        </button>
      </form>
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      {!lists && !error && <span class="spinner" role="status" aria-label="Loading" />}
      <ul class="pick-list" aria-label="Your playlists">
        {lists?.map((p) => (
          <li key={p.id}>
            <button type="button" class="pick-row" disabled={busy} onClick={() => add(p)}>
              <Cover url={p.cover_url ?? p.tracks?.[0]?.cover_url} size={44} />
              <span class="pick-text">
                <span class="pick-title">{p.name}</span>
                <span class="muted-inline">
                  {p.track_count} {p.track_count === 1 ? 'song' : 'songs'}
                </span>
              </span>
            </button>
          </li>
        ))}
      </ul>
      {lists?.length === 0 && <p class="muted">No playlists yet: name one above.</p>}
    </Sheet>
  );
}
