// The heart that saves a track, album or artist to the listener's library.
// Signed-out visitors see none.
import { useState } from 'preact/hooks';
import { HeartIcon } from '../components/Icons';
import { errorMessage } from '../api';
import { useSession } from '../session';
import { useStore } from '../store';
import { toast } from '../toast';
import type { LibraryKind } from './api';
import { isSaved, savedItems, setSaved } from './library';

export function SaveButton(props: { kind: LibraryKind; id: string; name: string; saved?: boolean; size?: number; class?: string }) {
  const { user } = useSession();
  const all = useStore(savedItems);
  const [busy, setBusy] = useState(false);
  if (!user) return null;
  const saved = isSaved(all, props.kind, props.id, props.saved);
  const size = props.size ?? 20;
  const toggle = async () => {
    setBusy(true);
    try {
      await setSaved(props.kind, props.id, !saved);
      toast(saved ? 'Removed from your library' : 'Saved to your library');
    } catch (e) {
      toast(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <button
      type="button"
      class={`icon-button save-button${saved ? ' saved' : ''}${props.class ? ` ${props.class}` : ''}`}
      aria-label={saved ? `Remove ${props.name} from your library` : `Save ${props.name} to your library`}
      aria-pressed={saved}
      disabled={busy}
      data-testid="save-button"
      onClick={(e) => {
        e.stopPropagation();
        void toggle();
      }}
    >
      <HeartIcon width={size} height={size} filled={saved} />
    </button>
  );
}
