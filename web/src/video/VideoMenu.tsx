// The sheet behind a long press or the "…" button on a video: "Not
// interested" (tells the For You engine and drops the video from the feed)
// and "Why this video" (the engine's reason, from GET /videos/{id}/why); for
// the video's author also "Products on this video" (the product cards).
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, errorMessage } from '../api';
import { CloseIcon } from '../components/Icons';
import { toast } from '../toast';
import { videoApi, type Video } from './api';
import { flushEventsSoon, trackEvent } from './events';

export function VideoMenu(props: {
  video: Video;
  onClose: () => void;
  onNotInterested?: () => void;
  /** The author's way to link products; absent for everyone else. */
  onProducts?: () => void;
}) {
  const { video } = props;
  const [why, setWhy] = useState<string | null>(null);
  const [whyError, setWhyError] = useState<string | null>(null);
  const [loadingWhy, setLoadingWhy] = useState(false);
  const dialogRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    // Move focus into the dialog; give it back to the opener on close.
    const opener = document.activeElement as HTMLElement | null;
    dialogRef.current?.focus();
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && props.onClose();
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('keydown', onKey);
      opener?.focus?.();
    };
  }, []);

  const notInterested = () => {
    trackEvent('not_interested', video.id);
    flushEventsSoon();
    toast("Got it. You'll see fewer videos like this.");
    props.onClose();
    props.onNotInterested?.();
  };

  const explain = async () => {
    if (loadingWhy) return;
    setLoadingWhy(true);
    setWhyError(null);
    try {
      setWhy((await videoApi.why(video.id)).text);
    } catch (e) {
      setWhyError(e instanceof ApiError && e.status === 404 ? "There's no reason to show for this video." : errorMessage(e));
    } finally {
      setLoadingWhy(false);
    }
  };

  return (
    <div class="sheet-backdrop" onClick={(e) => e.target === e.currentTarget && props.onClose()}>
      <div class="sheet video-menu" ref={dialogRef} tabIndex={-1} role="dialog" aria-modal="true" aria-labelledby={`menu-title-${video.id}`}>
        <header class="sheet-head">
          <h2 id={`menu-title-${video.id}`}>Video by @{video.author.handle}</h2>
          <button type="button" class="icon-button" aria-label="Close" onClick={props.onClose}>
            <CloseIcon width={22} height={22} />
          </button>
        </header>
        <div class="sheet-body menu-actions">
          <button type="button" class="menu-action" onClick={notInterested}>
            Not interested
          </button>
          <button type="button" class="menu-action" aria-expanded={why !== null} onClick={explain}>
            Why this video
          </button>
          {props.onProducts && (
            <button
              type="button"
              class="menu-action"
              aria-haspopup="dialog"
              onClick={() => {
                props.onClose();
                props.onProducts?.();
              }}
            >
              Products on this video
            </button>
          )}
          {loadingWhy && <span class="spinner" role="status" aria-label="Loading" />}
          {why !== null && (
            <p class="why-text" data-testid="why-text">
              {why}
            </p>
          )}
          {whyError && (
            <p class="form-error" role="alert">
              {whyError}
            </p>
          )}
        </div>
      </div>
    </div>
  );
}
