// "Add to Music App" on a sound page whose sound is a catalog song: the
// song (linked to its page), a button that puts it in a riff playlist,
// and one for a music app outside riff the listener linked (AddToOtherApp).
import { useState } from 'preact/hooks';
import { Link, navigate } from '../router';
import { useSession } from '../session';
import { musicPaths } from './api';
import { AddToOtherApp } from './AddToOtherApp';
import { AddToPlaylist } from './AddToPlaylist';
import { Cover } from './Cover';

export interface SongRef {
  trackId: string;
  title: string;
  artist?: string;
  coverUrl?: string | null;
}

export function AddToMusic({ song, soundId }: { song: SongRef; soundId?: string }) {
  const { user } = useSession();
  const [open, setOpen] = useState(false);
  const [other, setOther] = useState(false);
  return (
    <div class="add-to-music" data-testid="add-to-music">
      <Link href={musicPaths.song(song.trackId)} class="song-card" aria-label={`Full song on riff Music: ${song.title}`}>
        <Cover url={song.coverUrl} size={48} />
        <span class="track-text">
          <span class="track-title">{song.title}</span>
          <span class="song-link">{song.artist ? `${song.artist} · ` : ''}on riff Music</span>
        </span>
      </Link>
      <button type="button" class="btn btn-primary play-all btn-small" onClick={() => (user ? setOpen(true) : navigate('/login'))}>
        Add to Music App
      </button>
      {soundId && (
        <button type="button" class="btn btn-small" onClick={() => (user ? setOther(true) : navigate('/login'))}>
          Other app
        </button>
      )}
      {open && <AddToPlaylist trackId={song.trackId} title={song.title} onClose={() => setOpen(false)} />}
      {other && soundId && <AddToOtherApp soundId={soundId} title={song.title} onClose={() => setOther(false)} />}
    </div>
  );
}
