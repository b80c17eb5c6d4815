import { useState } from 'preact/hooks';
import { navigate } from '../router';
import { useSession } from '../session';
import { toast } from '../toast';
import { musicPaths, type Track } from './api';
import { AddToPlaylist } from './AddToPlaylist';
import { addToQueue, playNext } from './player';
import { startRadio } from './radio';
import { Sheet } from './Sheet';

export interface ExtraAction {
  label: string;
  run: () => void;
  danger?: boolean;
}

/** What can be done with a track: queue it, start its radio, add it to a playlist, go to its pages. */
export function TrackMenu(props: { track: Track; onClose: () => void; extra?: ExtraAction[] }) {
  const { track: t } = props;
  const { user } = useSession();
  const [picking, setPicking] = useState(false);
  if (picking) return <AddToPlaylist trackId={t.id} title={t.title} onClose={props.onClose} />;
  const go = (to: string) => {
    props.onClose();
    navigate(to);
  };
  const act = (fn: () => void, text: string) => () => {
    fn();
    toast(text);
    props.onClose();
  };
  const artist = t.artists[0];
  return (
    <Sheet title={t.title} onClose={props.onClose}>
      <div class="menu-actions">
        <button type="button" class="menu-action" onClick={act(() => playNext(t), 'Plays next')}>
          Play next
        </button>
        <button type="button" class="menu-action" onClick={act(() => addToQueue(t), 'Added to queue')}>
          Add to queue
        </button>
        <button
          type="button"
          class="menu-action"
          onClick={() => {
            props.onClose();
            void startRadio(t);
          }}
        >
          Start radio
        </button>
        {user && (
          <button type="button" class="menu-action" onClick={() => setPicking(true)}>
            Add to playlist
          </button>
        )}
        <button type="button" class="menu-action" onClick={() => go(musicPaths.song(t.id))}>
          Song details
        </button>
        <button type="button" class="menu-action" onClick={() => go(musicPaths.album(t.album.id))}>
          Go to album
        </button>
        {artist && (
          <button type="button" class="menu-action" onClick={() => go(musicPaths.artist(artist.id))}>
            Go to artist
          </button>
        )}
        {props.extra?.map((x) => (
          <button
            key={x.label}
            type="button"
            class={`menu-action${x.danger ? ' danger' : ''}`}
            onClick={() => {
              x.run();
              props.onClose();
            }}
          >
            {x.label}
          </button>
        ))}
      </div>
    </Sheet>
  );
}
