// Upload: tus (resumable) upload with a progress bar while the caption and
// choices are filled in, then POST /videos and poll its processing status.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, csrfHeaders, errorMessage } from '../api';
import { PageHeader } from '../components/PageHeader';
import { Link, navigate, useLocation } from '../router';
import { codePoints, useTitle } from '../util';
import {
  soundPath,
  videoApi,
  videoPath,
  type CommentPolicy,
  type Sound,
  type SoundMode,
  type Video,
  type Visibility,
} from './api';

type UploadState =
  | { kind: 'idle' }
  | { kind: 'uploading'; pct: number }
  | { kind: 'done'; uploadId: string }
  | { kind: 'error'; message: string };

const MAX_CAPTION = 2200;

function ProgressBar({ pct, label, testid }: { pct: number; label: string; testid: string }) {
  const v = Math.max(0, Math.min(100, Math.round(pct)));
  return (
    <div
      class="progress"
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={v}
      data-testid={testid}
    >
      <span class="progress-fill" style={{ width: `${v}%` }} />
    </div>
  );
}

export function UploadPage() {
  useTitle('Upload');
  const { search } = useLocation();
  const soundParam = new URLSearchParams(search).get('sound');
  const [file, setFile] = useState<File | null>(null);
  const [up, setUp] = useState<UploadState>({ kind: 'idle' });
  const [caption, setCaption] = useState('');
  const [visibility, setVisibility] = useState<Visibility>('public');
  const [comments, setComments] = useState<CommentPolicy>('everyone');
  const [allowDuet, setAllowDuet] = useState(true);
  const [sound, setSound] = useState<Sound | null>(null);
  const [soundError, setSoundError] = useState<string | null>(null);
  const [soundMode, setSoundMode] = useState<SoundMode>('replace');
  const [posting, setPosting] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [video, setVideo] = useState<Video | null>(null);
  const uploadRef = useRef<{ abort: (b?: boolean) => Promise<void> } | null>(null);

  useEffect(() => () => void uploadRef.current?.abort(), []);

  useEffect(() => {
    if (!soundParam) return;
    setSoundError(null);
    videoApi.sound(soundParam).then(setSound, (e: unknown) =>
      setSoundError(e instanceof ApiError && e.status === 404 ? "That sound isn't available." : errorMessage(e)),
    );
  }, [soundParam]);

  const startUpload = async (f: File) => {
    void uploadRef.current?.abort();
    uploadRef.current = null;
    setFile(f);
    setUp({ kind: 'uploading', pct: 0 });
    let tus: typeof import('tus-js-client');
    try {
      tus = await import('tus-js-client');
    } catch {
      setUp({ kind: 'error', message: "Couldn't load the uploader. Reload the page and try again." });
      return;
    }
    const upload = new tus.Upload(f, {
      endpoint: '/api/v1/uploads',
      metadata: { filename: f.name, filetype: f.type || 'application/octet-stream' },
      chunkSize: 8 * 1024 * 1024,
      retryDelays: [0, 1000, 3000, 5000],
      removeFingerprintOnSuccess: true,
      onBeforeRequest(req) {
        const xhr = req.getUnderlyingObject() as XMLHttpRequest | undefined;
        if (xhr && 'withCredentials' in xhr) xhr.withCredentials = true;
        // Set per request (not via the `headers` option, which XHR would
        // append to): the CSRF cookie may rotate while a long upload runs.
        for (const [k, v] of Object.entries(csrfHeaders())) req.setHeader(k, v);
      },
      onProgress(sent, total) {
        setUp({ kind: 'uploading', pct: total ? (sent / total) * 100 : 0 });
      },
      onSuccess() {
        const url = upload.url || '';
        const id = url.replace(/[?#].*$/, '').replace(/\/+$/, '').split('/').pop() || '';
        setUp(id ? { kind: 'done', uploadId: id } : { kind: 'error', message: 'The server did not return an upload id.' });
      },
      onError(err) {
        const status = (err as { originalResponse?: { getStatus(): number } | null }).originalResponse?.getStatus?.();
        let message = 'The upload failed. Check your connection and try again.';
        if (status === 404) message = "Uploading isn't available on this server yet.";
        else if (status === 401) message = 'Please log in again to upload.';
        else if (status === 413) message = 'This file is too large.';
        else if (status === 415) message = "This file type isn't supported. Choose a video.";
        else if (status === 429) message = 'Too many uploads. Please wait a moment and try again.';
        else if (status === 403) message = "You can't upload right now (the page may be stale: reload and try again).";
        setUp({ kind: 'error', message });
      },
    });
    uploadRef.current = upload;
    try {
      const previous = await upload.findPreviousUploads();
      if (previous.length > 0) upload.resumeFromPreviousUpload(previous[0]!);
    } catch {
      /* start fresh */
    }
    upload.start();
  };

  const post = async (e: Event) => {
    e.preventDefault();
    if (up.kind !== 'done' || posting) return;
    setPosting(true);
    setFormError(null);
    setFieldErrors({});
    try {
      const v = await videoApi.create({
        upload_id: up.uploadId,
        caption: caption.trim(),
        visibility,
        comments,
        allow_duet: allowDuet,
        ...(sound ? { sound_id: sound.id, sound_mode: soundMode } : {}),
      });
      setVideo(v);
    } catch (err) {
      if (err instanceof ApiError) {
        setFieldErrors(err.fieldErrors());
        setFormError(err.status === 404 ? "Posting isn't available on this server yet." : errorMessage(err));
      } else setFormError(errorMessage(err));
    } finally {
      setPosting(false);
    }
  };

  if (video) {
    const again = () => {
      setVideo(null);
      setFile(null);
      setUp({ kind: 'idle' });
      setCaption('');
      navigate('/upload', { replace: true });
    };
    return <Processing initial={video} onAnother={again} />;
  }

  const tooLong = codePoints(caption) > MAX_CAPTION;
  return (
    <>
      <PageHeader title="Post a video" back />
      <form class="upload-form" onSubmit={post} noValidate>
        <div class="field">
          <label for="video-file">Video file</label>
          <input
            id="video-file"
            type="file"
            accept="video/*"
            onChange={(e) => {
              const f = e.currentTarget.files?.[0];
              if (f) void startUpload(f);
            }}
          />
          {file && <p class="field-hint">{file.name}</p>}
        </div>
        {up.kind !== 'idle' && (
          <div class="upload-status">
            <ProgressBar pct={up.kind === 'uploading' ? up.pct : up.kind === 'done' ? 100 : 0} label="Upload progress" testid="upload-progress" />
            <p class="muted" aria-live="polite">
              {up.kind === 'uploading' && `Uploading… ${Math.round(up.pct)}%`}
              {up.kind === 'done' && 'Uploaded'}
            </p>
            {up.kind === 'error' && (
              <p class="form-error" role="alert" data-testid="upload-error">
                {up.message}{' '}
                {file && (
                  <button type="button" class="link-button" onClick={() => void startUpload(file)}>
                    Retry
                  </button>
                )}
              </p>
            )}
          </div>
        )}
        <div class={`field${fieldErrors.caption || tooLong ? ' field-invalid' : ''}`}>
          <label for="caption">Caption</label>
          <textarea
            id="caption"
            rows={3}
            value={caption}
            placeholder="Describe your video. Add #hashtags and @mentions."
            onInput={(e) => setCaption(e.currentTarget.value)}
            aria-invalid={fieldErrors.caption || tooLong ? 'true' : undefined}
          />
          <p class="field-hint">
            {codePoints(caption)}/{MAX_CAPTION}
          </p>
          {fieldErrors.caption && (
            <p class="field-error" role="alert" data-testid="field-error-caption">
              {fieldErrors.caption}
            </p>
          )}
        </div>
        <div class="field">
          <span class="field-label">Sound</span>
          {soundError && (
            <p class="form-error" role="alert">
              {soundError}
            </p>
          )}
          {sound ? (
            <div class="sound-chip">
              <Link href={soundPath(sound.id)} data-testid="upload-sound">
                ♫ {sound.title}
              </Link>
              <button type="button" class="link-button" onClick={() => setSound(null)}>
                Remove sound
              </button>
            </div>
          ) : (
            <SoundPicker onPick={setSound} />
          )}
          {sound && (
            <>
              <label for="sound-mode">Sound mode</label>
              <select id="sound-mode" value={soundMode} onChange={(e) => setSoundMode(e.currentTarget.value as SoundMode)}>
                <option value="replace">Replace the original audio</option>
                <option value="mix">Mix with the original audio</option>
              </select>
            </>
          )}
        </div>
        <div class="field">
          <label for="visibility">Who can watch</label>
          <select id="visibility" value={visibility} onChange={(e) => setVisibility(e.currentTarget.value as Visibility)}>
            <option value="public">Everyone</option>
            <option value="followers">Followers</option>
            <option value="private">Only me</option>
          </select>
        </div>
        <div class="field">
          <label for="comment-policy">Who can comment</label>
          <select id="comment-policy" value={comments} onChange={(e) => setComments(e.currentTarget.value as CommentPolicy)}>
            <option value="everyone">Everyone</option>
            <option value="followers">Followers</option>
            <option value="no_one">No one</option>
          </select>
        </div>
        <div class="field field-check">
          <input id="allow-duet" type="checkbox" checked={allowDuet} onChange={(e) => setAllowDuet(e.currentTarget.checked)} />
          <label for="allow-duet">Allow duets</label>
        </div>
        {formError && (
          <p class="form-error" role="alert" data-testid="form-error">
            {formError}
          </p>
        )}
        <button type="submit" class="btn btn-primary btn-wide" disabled={up.kind !== 'done' || posting || tooLong}>
          {posting ? 'Posting…' : 'Post'}
        </button>
        {up.kind === 'uploading' && <p class="field-hint">You can post when the upload finishes.</p>}
      </form>
    </>
  );
}

function SoundPicker({ onPick }: { onPick: (s: Sound) => void }) {
  const [q, setQ] = useState('');
  const [results, setResults] = useState<Sound[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const find = async () => {
    if (!q.trim()) return;
    setError(null);
    try {
      const page = await videoApi.search<Sound>(q.trim(), 'sounds', { limit: 10 });
      setResults(page.items);
    } catch (e) {
      setError(e instanceof ApiError && e.status === 404 ? "Sound search isn't available yet." : errorMessage(e));
    }
  };
  return (
    <div class="sound-picker">
      <div class="comment-input-row">
        <label for="sound-search" class="visually-hidden">
          Find a sound
        </label>
        <input
          id="sound-search"
          type="search"
          placeholder="Original sound (or search for one)"
          value={q}
          onInput={(e) => setQ(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              void find();
            }
          }}
        />
        <button type="button" class="btn btn-secondary" onClick={find}>
          Find
        </button>
      </div>
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      {results && results.length === 0 && <p class="muted">No sounds found.</p>}
      {results && results.length > 0 && (
        <ul class="sound-results" aria-label="Sounds">
          {results.map((s) => (
            <li key={s.id}>
              <button type="button" class="link-button" onClick={() => onPick(s)}>
                ♫ {s.title}
                {s.creator_handle ? ` · @${s.creator_handle}` : ''}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function Processing({ initial, onAnother }: { initial: Video; onAnother: () => void }) {
  const [v, setV] = useState(initial);
  const [pollError, setPollError] = useState<string | null>(null);
  useEffect(() => {
    if (v.status !== 'processing') return;
    const t = setTimeout(() => {
      videoApi.video(v.id).then(
        (nv) => {
          setPollError(null);
          setV(nv);
        },
        (e: unknown) => {
          setPollError(errorMessage(e));
          setV((cur) => ({ ...cur })); // keep polling
        },
      );
    }, 1500);
    return () => clearTimeout(t);
  }, [v]);

  return (
    <>
      <PageHeader title="Your video" />
      <section class="processing" aria-live="polite">
        <div data-testid="video-status" data-status={v.status} class={`status-${v.status}`}>
          {v.status === 'processing' && (
            <>
              <p>Processing… {Math.round((v.progress || 0) * 100)}%</p>
              <ProgressBar pct={(v.progress || 0) * 100} label="Processing progress" testid="processing-progress" />
            </>
          )}
          {v.status === 'ready' && <p class="ok">Ready</p>}
          {v.status === 'failed' && (
            <p class="form-error" role="alert">
              Failed: {v.failure?.message || 'this video could not be processed.'}
            </p>
          )}
        </div>
        {pollError && <p class="muted">{pollError} (retrying)</p>}
        <div class="placeholder-actions">
          {v.status === 'ready' && (
            <Link href={videoPath(v.id)} class="btn btn-primary">
              View video
            </Link>
          )}
          <button type="button" class="btn btn-secondary" onClick={onAnother}>
            Upload another
          </button>
        </div>
      </section>
    </>
  );
}
