// "Add to Music App" into a music app outside riff: the services the
// listener linked (anything that speaks the Subsonic API), each with its
// playlists; one tap adds the song (found there by ISRC, else title and
// artist) to a playlist, or saves it to that app's favourites. A service is
// linked here with its address and an (app) password.
import { useEffect, useState } from 'preact/hooks';
import { errorMessage } from '../api';
import { toast } from '../toast';
import { musicApi, type ExternalPlaylist, type MusicLink } from './api';
import { Sheet } from './Sheet';

function LinkedService(props: { link: MusicLink; soundId: string; title: string; onDone: () => void; onUnlink: () => void }) {
  const { link } = props;
  const [lists, setLists] = useState<ExternalPlaylist[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const host = new URL(link.url).host;

  useEffect(() => {
    musicApi.linkPlaylists(link.id).then(
      (r) => setLists(r.items),
      (e) => setError(errorMessage(e)),
    );
  }, [link.id]);

  const add = async (playlist?: ExternalPlaylist) => {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      await musicApi.addSoundToLink(props.soundId, link.id, playlist?.id);
      toast(playlist ? `Added “${props.title}” to ${playlist.name} on ${host}` : `Saved “${props.title}” on ${host}`);
      props.onDone();
    } catch (e) {
      setError(errorMessage(e));
      setBusy(false);
    }
  };

  return (
    <section class="linked-service" aria-label={`On ${host}`}>
      <header class="linked-service-head">
        <span class="pick-title">{host}</span>
        <span class="muted-inline">
          {link.username} · {link.server}
        </span>
        <button type="button" class="btn btn-small" onClick={props.onUnlink} aria-label={`Unlink ${host}`}>
          Unlink
        </button>
      </header>
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      <ul class="pick-list" aria-label={`Playlists on ${host}`}>
        <li>
          <button type="button" class="pick-row" disabled={busy} onClick={() => add()}>
            <span class="pick-text">
              <span class="pick-title">Favourites</span>
              <span class="muted-inline">starred songs</span>
            </span>
          </button>
        </li>
        {lists?.map((p) => (
          <li key={p.id}>
            <button type="button" class="pick-row" disabled={busy} onClick={() => add(p)}>
              <span class="pick-text">
                <span class="pick-title">{p.name}</span>
                <span class="muted-inline">
                  {p.song_count} {p.song_count === 1 ? 'song' : 'songs'}
                </span>
              </span>
            </button>
          </li>
        ))}
      </ul>
      {!lists && !error && <span class="spinner" role="status" aria-label="Loading" />}
    </section>
  );
}

export function AddToOtherApp(props: { soundId: string; title: string; onClose: () => void }) {
  const [links, setLinks] = useState<MusicLink[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [form, setForm] = useState({ url: '', username: '', password: '' });
  const [busy, setBusy] = useState(false);

  const load = () =>
    musicApi.links().then(
      (r) => setLinks(r.items),
      (e) => setError(errorMessage(e)),
    );
  useEffect(() => {
    load();
  }, []);

  const link = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      const made = await musicApi.link(form);
      toast(`Linked ${new URL(made.url).host}`);
      setForm({ url: '', username: '', password: '' });
      await load();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const unlink = async (l: MusicLink) => {
    try {
      await musicApi.unlink(l.id);
      await load();
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  return (
    <Sheet title={`Add “${props.title}” to another app`} onClose={props.onClose}>
      {links?.map((l) => (
        <LinkedService key={l.id} link={l} soundId={props.soundId} title={props.title} onDone={props.onClose} onUnlink={() => unlink(l)} />
      ))}
      {!links && !error && <span class="spinner" role="status" aria-label="Loading" />}
      <form class="link-service" onSubmit={link} aria-label="Link a music app">
        <p class="muted">Link a music server that speaks the Subsonic API (Navidrome, Airsonic, another riff…).</p>
        <input class="input" type="url" required aria-label="Server address" placeholder="https://music.example.com"
          value={form.url} onInput={(e) => setForm({ ...form, url: e.currentTarget.value })} />
        <input class="input" required aria-label="Username" placeholder="Username" autocomplete="off"
          value={form.username} onInput={(e) => setForm({ ...form, username: e.currentTarget.value })} />
        <input class="input" type="password" required aria-label="Password or app password" placeholder="Password or app password" autocomplete="off"
          value={form.password} onInput={(e) => setForm({ ...form, password: e.currentTarget.value })} />
        <button type="submit" class="btn btn-primary btn-small" disabled={busy}>
          Link
        </button>
      </form>
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
    </Sheet>
  );
}
