// A playlist: play it; its owner renames it, removes songs, reorders them
// (up/down in edit mode, saved as the new order) and deletes it.
import { useState } from 'preact/hooks';
import { PageHeader } from '../components/PageHeader';
import { errorMessage } from '../api';
import { RequireUser } from '../pages/RequireUser';
import { navigate } from '../router';
import { useSession } from '../session';
import { toast } from '../toast';
import { useTitle } from '../util';
import { formatTotal, musicApi, musicPaths, type Playlist, type PlaylistEdit } from './api';
import { PlayAll } from './Album';
import { LoadError, Spinner } from './common';
import { Cover } from './Cover';
import { ArrowIcon } from './icons';
import { playTracks } from './player';
import { TrackList } from './TrackList';
import { useLoad } from './useLoad';

function RenameForm(props: { playlist: Playlist; onSave: (name: string) => Promise<void>; onCancel: () => void }) {
  const [name, setName] = useState(props.playlist.name);
  return (
    <form
      class="rename-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (name.trim()) void props.onSave(name.trim());
      }}
    >
      <input class="input" aria-label="Playlist name" maxLength={200} value={name} autoFocus onInput={(e) => setName(e.currentTarget.value)} />
      <button type="submit" class="btn btn-primary btn-small" disabled={!name.trim()}>
        Save
      </button>
      <button type="button" class="btn btn-ghost btn-small" onClick={props.onCancel}>
        Cancel
      </button>
    </form>
  );
}

export function PlaylistPage({ id }: { id: string }) {
  const { user } = useSession();
  const list = useLoad(`playlist:${id}`, () => musicApi.playlist(id));
  const [renaming, setRenaming] = useState(false);
  const [editing, setEditing] = useState(false);
  const p = list.data;
  useTitle(p ? p.name : 'Playlist');
  const mine = !!user && !!p && p.owner.id === user.id;
  const tracks = p?.tracks ?? [];

  const save = async (edit: PlaylistEdit, done?: string) => {
    try {
      list.set(await musicApi.editPlaylist(id, edit));
      if (done) toast(done);
    } catch (e) {
      toast(errorMessage(e));
    }
  };

  const move = (i: number, by: number) => {
    const j = i + by;
    if (j < 0 || j >= tracks.length) return;
    const ids = tracks.map((t) => t.id);
    [ids[i], ids[j]] = [ids[j]!, ids[i]!];
    void save({ track_ids: ids });
  };

  const remove = async () => {
    if (!confirm(`Delete “${p?.name}”?`)) return;
    try {
      await musicApi.deletePlaylist(id);
      toast('Playlist deleted');
      navigate(musicPaths.home, { replace: true });
    } catch (e) {
      toast(errorMessage(e));
    }
  };

  return (
    <div class="music">
      <PageHeader
        title="Playlist"
        back
        right={
          mine && (
            <button type="button" class="btn btn-ghost btn-small" aria-pressed={editing} onClick={() => setEditing(!editing)}>
              {editing ? 'Done' : 'Edit'}
            </button>
          )
        }
      />
      {list.loading && !p ? (
        <Spinner />
      ) : !p ? (
        <LoadError error={list.error} what="playlist" retry={list.reload} />
      ) : (
        <>
          <section class="music-hero">
            <Cover url={p.cover_url ?? tracks[0]?.cover_url} size={180} alt="" />
            {renaming ? (
              <RenameForm
                playlist={p}
                onCancel={() => setRenaming(false)}
                onSave={async (name) => {
                  await save({ name }, 'Renamed');
                  setRenaming(false);
                }}
              />
            ) : (
              <h1 class="hero-title" data-testid="playlist-name">
                {p.name}
              </h1>
            )}
            {p.description && <p class="muted">{p.description}</p>}
            <p class="muted-inline">
              @{p.owner.handle} · {p.track_count} {p.track_count === 1 ? 'song' : 'songs'}
              {p.duration_ms > 0 ? ` · ${formatTotal(p.duration_ms)}` : ''}
              {p.public ? ' · Public' : ' · Private'}
            </p>
            <div class="hero-actions">
              <PlayAll disabled={!tracks.length} onPlay={() => playTracks(tracks)} />
              {mine && editing && (
                <>
                  <button type="button" class="btn btn-secondary btn-small" onClick={() => setRenaming(true)}>
                    Rename
                  </button>
                  <button type="button" class="btn btn-secondary btn-small" onClick={() => void save({ public: !p.public }, p.public ? 'Now private' : 'Now public')}>
                    Make {p.public ? 'private' : 'public'}
                  </button>
                  <button type="button" class="btn btn-danger btn-small" onClick={remove}>
                    Delete
                  </button>
                </>
              )}
            </div>
          </section>
          {tracks.length === 0 ? (
            <p class="muted pad">No songs yet. Add songs from their “…” menu, or from a video's sound.</p>
          ) : (
            <TrackList
              tracks={tracks}
              label={`${p.name} songs`}
              extra={mine ? (_t, i) => [{ label: 'Remove from this playlist', danger: true, run: () => void save({ remove_positions: [i] }, 'Removed') }] : undefined}
              trail={
                mine && editing
                  ? (t, i) => (
                      <span class="reorder">
                        <button type="button" class="icon-button" aria-label={`Move ${t.title} up`} disabled={i === 0} onClick={() => move(i, -1)}>
                          <ArrowIcon way="up" width={18} height={18} />
                        </button>
                        <button type="button" class="icon-button" aria-label={`Move ${t.title} down`} disabled={i === tracks.length - 1} onClick={() => move(i, 1)}>
                          <ArrowIcon way="down" width={18} height={18} />
                        </button>
                      </span>
                    )
                  : undefined
              }
            />
          )}
        </>
      )}
    </div>
  );
}

function NewPlaylistForm() {
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!name.trim() || busy) return;
    setBusy(true);
    try {
      const p = await musicApi.createPlaylist({ name: name.trim() });
      navigate(musicPaths.playlist(p.id), { replace: true });
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };
  return (
    <form class="pad column" onSubmit={submit}>
      <label class="field-label" for="new-playlist-name">
        Name
      </label>
      <input id="new-playlist-name" class="input" maxLength={200} autoFocus value={name} onInput={(e) => setName(e.currentTarget.value)} />
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" class="btn btn-primary btn-block" disabled={!name.trim() || busy}>
        Create playlist
      </button>
    </form>
  );
}

export function NewPlaylistPage() {
  useTitle('New playlist');
  return (
    <div class="music">
      <PageHeader title="New playlist" back />
      <RequireUser what="your playlists">{() => <NewPlaylistForm />}</RequireUser>
    </div>
  );
}
