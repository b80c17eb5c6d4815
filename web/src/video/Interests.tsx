// Interests for a cold start: a skippable sheet of trending hashtags as toggle
// chips (PUT /api/v1/me/interests), offered once on For You to a logged-in
// viewer who has none, and from Settings at any time.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, errorMessage } from '../api';
import { CloseIcon } from '../components/Icons';
import { toast } from '../toast';
import { videoApi } from './api';

const kMaxInterests = 20;

const dismissedKey = (userId: string) => `riff_interests_dismissed:${userId}`;

/** Whether this user already skipped or answered the picker on this device. */
export function interestsDismissed(userId: string): boolean {
  try {
    return localStorage.getItem(dismissedKey(userId)) === '1';
  } catch {
    return false;
  }
}

export function dismissInterests(userId: string): void {
  try {
    localStorage.setItem(dismissedKey(userId), '1');
  } catch {
    /* ignore */
  }
}

/**
 * Whether For You should offer the picker: the user has no interests and has
 * not dismissed it. A server without the interests route (404) or any other
 * failure means no picker.
 */
export function useInterestsPrompt(userId: string | null, enabled: boolean): [boolean, () => void] {
  const [ask, setAsk] = useState(false);
  useEffect(() => {
    if (!userId || !enabled || interestsDismissed(userId)) return;
    let stop = false;
    videoApi.interests().then(
      (r) => {
        if (stop) return;
        if (r.hashtags.length === 0) setAsk(true);
        else dismissInterests(userId);
      },
      () => {},
    );
    return () => {
      stop = true;
    };
  }, [userId, enabled]);
  return [ask, () => setAsk(false)];
}

export function InterestsSheet(props: {
  initial: string[];
  /** Saved: the interests as the server normalized them. */
  onDone: (hashtags: string[]) => void;
  onSkip: () => void;
  /** There is nothing to pick from (no hashtags yet). */
  onEmpty?: () => void;
}) {
  const [choices, setChoices] = useState<string[] | null>(null);
  const [picked, setPicked] = useState<string[]>(props.initial);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const dialogRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    dialogRef.current?.focus();
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && props.onSkip();
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('keydown', onKey);
      opener?.focus?.();
    };
  }, []);

  useEffect(() => {
    let stop = false;
    videoApi.trending('hashtags', kMaxInterests).then(
      (r) => {
        if (stop) return;
        const tags = r.items.map((t) => t.tag).filter((t): t is string => !!t);
        const all = [...props.initial, ...tags.filter((t) => !props.initial.includes(t))];
        setChoices(all);
        if (all.length === 0) props.onEmpty?.();
      },
      (e: unknown) => !stop && setLoadError(e),
    );
    return () => {
      stop = true;
    };
  }, []);

  const toggle = (tag: string) => {
    setError(null);
    setPicked((p) => (p.includes(tag) ? p.filter((t) => t !== tag) : p.length < kMaxInterests ? [...p, tag] : p));
  };

  const save = async () => {
    if (saving) return;
    setSaving(true);
    setError(null);
    try {
      const r = await videoApi.setInterests(picked);
      toast(r.hashtags.length ? 'Interests saved' : 'Interests cleared');
      props.onDone(r.hashtags);
    } catch (e) {
      if (e instanceof ApiError && e.status === 400 && e.errors.length) {
        const m = /^\/hashtags\/(\d+)/.exec(e.errors[0]!.pointer);
        const tag = m ? picked[Number(m[1])] : undefined;
        setError(tag ? `#${tag}: ${e.errors[0]!.detail}` : e.errors[0]!.detail);
      } else if (e instanceof ApiError && e.status === 404) {
        setError("Interests aren't available on this server yet.");
      } else {
        setError(errorMessage(e));
      }
    } finally {
      setSaving(false);
    }
  };

  return (
    <div class="sheet-backdrop" onClick={(e) => e.target === e.currentTarget && props.onSkip()}>
      <div class="sheet interests-sheet" ref={dialogRef} tabIndex={-1} role="dialog" aria-modal="true" aria-labelledby="interests-title">
        <header class="sheet-head">
          <h2 id="interests-title">What are you into?</h2>
          <button type="button" class="icon-button" aria-label="Close" onClick={props.onSkip}>
            <CloseIcon width={22} height={22} />
          </button>
        </header>
        <div class="sheet-body">
          <p class="muted">Pick a few hashtags to start your For You with. You can change them in Settings.</p>
          {loadError ? (
            <p class="form-error" role="alert">
              {errorMessage(loadError)}
            </p>
          ) : !choices ? (
            <div class="center-pad">
              <span class="spinner" role="status" aria-label="Loading" />
            </div>
          ) : choices.length === 0 ? (
            <p class="muted center-pad">No hashtags to pick from yet.</p>
          ) : (
            <div class="interest-chips" role="group" aria-label="Hashtags">
              {choices.map((tag) => (
                <button
                  key={tag}
                  type="button"
                  class={`interest-chip${picked.includes(tag) ? ' on' : ''}`}
                  aria-pressed={picked.includes(tag)}
                  onClick={() => toggle(tag)}
                >
                  #{tag}
                </button>
              ))}
            </div>
          )}
          {error && (
            <p class="form-error" role="alert">
              {error}
            </p>
          )}
        </div>
        <footer class="sheet-foot interests-actions">
          <button type="button" class="btn btn-secondary" onClick={props.onSkip}>
            Skip
          </button>
          <button type="button" class="btn btn-primary" disabled={saving} onClick={save}>
            Done
          </button>
        </footer>
      </div>
    </div>
  );
}

/** Settings: the current interests and a way to change them. */
export function InterestsSection({ userId }: { userId: string }) {
  const [tags, setTags] = useState<string[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [open, setOpen] = useState(false);
  useEffect(() => {
    videoApi.interests().then((r) => setTags(r.hashtags), setError);
  }, []);
  const missing = error instanceof ApiError && error.status === 404;
  return (
    <section class="card" aria-labelledby="interests-heading">
      <h2 id="interests-heading">Interests</h2>
      {error ? (
        <p class={missing ? 'muted' : 'form-error'} role={missing ? undefined : 'alert'}>
          {missing ? "Interests aren't available on this server yet." : errorMessage(error)}
        </p>
      ) : !tags ? (
        <span class="spinner" role="status" aria-label="Loading" />
      ) : (
        <>
          <p class="field-hint" data-testid="interests-current">
            {tags.length ? tags.map((t) => `#${t}`).join(' ') : 'None yet: For You learns from what you watch.'}
          </p>
          <button type="button" class="btn btn-secondary" onClick={() => setOpen(true)}>
            Change interests
          </button>
        </>
      )}
      {open && tags && (
        <InterestsSheet
          initial={tags}
          onDone={(next) => {
            setTags(next);
            dismissInterests(userId);
            setOpen(false);
          }}
          onSkip={() => setOpen(false)}
        />
      )}
    </section>
  );
}
