// A playlist: play it. Its owner renames it, makes it public or private,
// makes it collaborative and invites collaborators by handle, uploads a
// cover, reorders (up/down buttons in edit mode, keyboard reachable), removes
// songs and deletes it. A collaborator adds, reorders and removes songs and
// may leave. Every edit names the version it was made against; when someone
// else changed the playlist first (412) the page reloads it instead.
import { useEffect, useRef, useState } from 'preact/hooks';
import { PageHeader } from '../components/PageHeader';
import { ApiError, errorMessage } from '../api';
import { RequireUser } from '../pages/RequireUser';
import { navigate } from '../router';
import { useSession } from '../session';
import { toast } from '../toast';
import { useTitle } from '../util';
import { formatTotal, musicApi, musicPaths, type Playlist, type PlaylistCollaborator, type PlaylistEdit, type PlaylistTrack } from './api';
import { PlayAll } from './Album';
import { LoadError, Section, Spinner } from './common';
import { Cover } from './Cover';
import { ArrowIcon } from './icons';
import { playTracks } from './player';
import { TrackList } from './TrackList';
import { useLoad } from './useLoad';

const COVER_MAX = 2 * 1024 * 1024;
const COVER_TYPES = ['image/png', 'image/jpeg', 'image/webp'];

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

/** Who else edits the playlist: the owner invites and removes, a collaborator leaves. */
function Collaborators(props: { playlist: Playlist; owner: boolean; me: string | null; onLeft: () => void; onChanged: () => void }) {
  const id = props.playlist.id;
  const list = useLoad(`collaborators:${id}:${props.playlist.version ?? 0}`, () => musicApi.collaborators(id));
  const [handle, setHandle] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const invite = async (e: Event) => {
    e.preventDefault();
    const h = handle.trim().replace(/^@/, '');
    if (!h || busy) return;
    setBusy(true);
    setError(null);
    try {
      const c = await musicApi.inviteCollaborator(id, h);
      setHandle('');
      toast(`Invited @${c.user.handle}`);
      props.onChanged();
    } catch (err) {
      setError(err instanceof ApiError && err.status === 404 ? `No one called @${h} can be invited.` : errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const remove = async (c: PlaylistCollaborator) => {
    const leaving = c.user.handle === props.me;
    if (leaving && !confirm(`Leave “${props.playlist.name}”?`)) return;
    try {
      await musicApi.removeCollaborator(id, c.user.handle);
      if (leaving) {
        toast('You left the playlist');
        props.onLeft();
      } else {
        toast(`Removed @${c.user.handle}`);
        props.onChanged();
      }
    } catch (err) {
      toast(errorMessage(err));
    }
  };

  const items = list.data?.items ?? [];
  return (
    <Section title="Collaborators" testid="collaborators">
      <div class="pad">
      {props.owner && (
        <form class="rename-form" onSubmit={invite}>
          <input
            class="input"
            aria-label="Invite by handle"
            placeholder="@handle"
            maxLength={64}
            value={handle}
            onInput={(e) => setHandle(e.currentTarget.value)}
          />
          <button type="submit" class="btn btn-secondary btn-small" disabled={!handle.trim() || busy}>
            Invite
          </button>
        </form>
      )}
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      {items.length === 0 ? (
        <p class="muted">{props.owner ? 'Invite people by their handle: they can add, remove and reorder songs.' : 'No collaborators yet.'}</p>
      ) : (
        <ul class="collaborator-list">
          {items.map((c) => (
            <li key={c.user.id} class="collaborator-row" data-testid="collaborator">
              <span>@{c.user.handle}</span>
              {(props.owner || c.user.handle === props.me) && (
                <button type="button" class="btn btn-ghost btn-small" onClick={() => void remove(c)}>
                  {c.user.handle === props.me ? 'Leave' : `Remove @${c.user.handle}`}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      </div>
    </Section>
  );
}

export function PlaylistPage({ id }: { id: string }) {
  const { user } = useSession();
  const list = useLoad(`playlist:${id}`, () => musicApi.playlist(id));
  const [renaming, setRenaming] = useState(false);
  const [editing, setEditing] = useState(false);
  const [busy, setBusy] = useState(false);
  const coverInput = useRef<HTMLInputElement>(null);
  // After a move, keyboard focus follows the moved song's button.
  const focusAfterMove = useRef<string | null>(null);
  const p = list.data;
  useTitle(p ? p.name : 'Playlist');
  const role = p?.role ?? (user && p && p.owner.id === user.id ? 'owner' : 'viewer');
  const owner = !!user && role === 'owner';
  const editor = !!user && (role === 'owner' || role === 'collaborator');
  const tracks: PlaylistTrack[] = p?.tracks ?? [];

  useEffect(() => {
    const label = focusAfterMove.current;
    if (!label || busy) return; // the buttons are disabled while saving
    focusAfterMove.current = null;
    const el = document.querySelector<HTMLButtonElement>(`button[aria-label="${CSS.escape(label)}"]`);
    if (el && !el.disabled) el.focus();
  }, [p, busy]);

  const save = async (edit: PlaylistEdit, done?: string): Promise<boolean> => {
    if (!p || busy) return false;
    setBusy(true);
    try {
      list.set(await musicApi.editPlaylist(id, edit, p.version));
      if (done) toast(done);
      return true;
    } catch (e) {
      if (e instanceof ApiError && e.status === 412) {
        toast('Someone else changed this playlist. Here is the latest version: try again.');
        list.reload();
      } else {
        toast(errorMessage(e));
      }
      return false;
    } finally {
      setBusy(false);
    }
  };

  const move = (t: PlaylistTrack, i: number, by: number) => {
    const j = i + by;
    if (j < 0 || j >= tracks.length) return;
    const from = t.position ?? i;
    const to = tracks[j]!.position ?? j;
    focusAfterMove.current = `Move ${t.title} ${by < 0 ? 'up' : 'down'}`;
    void save({ moves: [{ from, to }] });
  };

  const uploadCover = async (e: Event) => {
    const input = e.currentTarget as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    if (file.size > COVER_MAX) return toast('A cover may be at most 2 MB.');
    if (file.type && !COVER_TYPES.includes(file.type)) return toast('Use a PNG, JPEG or WebP image.');
    setBusy(true);
    try {
      list.set(await musicApi.uploadPlaylistCover(id, file));
      toast('Cover updated');
    } catch (err) {
      toast(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const removeCover = async () => {
    setBusy(true);
    try {
      list.set(await musicApi.deletePlaylistCover(id));
      toast('Cover removed');
    } catch (err) {
      toast(errorMessage(err));
    } finally {
      setBusy(false);
    }
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
          editor && (
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
                  if (await save({ name }, 'Renamed')) setRenaming(false);
                }}
              />
            ) : (
              <h1 class="hero-title" data-testid="playlist-name">
                {p.name}
              </h1>
            )}
            {p.description && <p class="muted">{p.description}</p>}
            <p class="muted-inline" data-testid="playlist-meta">
              @{p.owner.handle} · {p.track_count} {p.track_count === 1 ? 'song' : 'songs'}
              {p.duration_ms > 0 ? ` · ${formatTotal(p.duration_ms)}` : ''}
              {p.public ? ' · Public' : ' · Private'}
              {p.collaborative ? ' · Collaborative' : ''}
              {role === 'collaborator' ? ' · You collaborate' : ''}
            </p>
            <div class="hero-actions">
              <PlayAll disabled={!tracks.length} onPlay={() => playTracks(tracks)} />
              {owner && editing && (
                <>
                  <button type="button" class="btn btn-secondary btn-small" onClick={() => setRenaming(true)}>
                    Rename
                  </button>
                  <button type="button" class="btn btn-secondary btn-small" disabled={busy} onClick={() => void save({ public: !p.public }, p.public ? 'Now private' : 'Now public')}>
                    Make {p.public ? 'private' : 'public'}
                  </button>
                  <button
                    type="button"
                    class="btn btn-secondary btn-small"
                    aria-pressed={!!p.collaborative}
                    disabled={busy}
                    onClick={() => void save({ collaborative: !p.collaborative }, p.collaborative ? 'No longer collaborative' : 'Now collaborative')}
                  >
                    Collaborative
                  </button>
                  <button type="button" class="btn btn-secondary btn-small" disabled={busy} onClick={() => coverInput.current?.click()}>
                    Upload cover
                  </button>
                  <input ref={coverInput} type="file" accept={COVER_TYPES.join(',')} hidden aria-label="Cover image" data-testid="cover-input" onChange={uploadCover} />
                  {p.custom_cover && (
                    <button type="button" class="btn btn-ghost btn-small" disabled={busy} onClick={() => void removeCover()}>
                      Remove cover
                    </button>
                  )}
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
              note={p.collaborative ? (t) => ((t as PlaylistTrack).added_by ? `Added by @${(t as PlaylistTrack).added_by!.handle}` : null) : undefined}
              extra={
                editor
                  ? (t, i) => [
                      {
                        label: 'Remove from this playlist',
                        danger: true,
                        run: () => void save({ remove_positions: [(t as PlaylistTrack).position ?? i] }, 'Removed'),
                      },
                    ]
                  : undefined
              }
              trail={
                editor && editing
                  ? (t, i) => (
                      <span class="reorder">
                        <button type="button" class="icon-button" aria-label={`Move ${t.title} up`} disabled={i === 0 || busy} onClick={() => move(t, i, -1)}>
                          <ArrowIcon way="up" width={18} height={18} />
                        </button>
                        <button
                          type="button"
                          class="icon-button"
                          aria-label={`Move ${t.title} down`}
                          disabled={i === tracks.length - 1 || busy}
                          onClick={() => move(t, i, 1)}
                        >
                          <ArrowIcon way="down" width={18} height={18} />
                        </button>
                      </span>
                    )
                  : undefined
              }
            />
          )}
          {p.collaborative && user && (role === 'owner' || role === 'collaborator') && (
            <Collaborators
              playlist={p}
              owner={owner}
              me={user.handle}
              onChanged={list.reload}
              onLeft={() => navigate(musicPaths.home, { replace: true })}
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
