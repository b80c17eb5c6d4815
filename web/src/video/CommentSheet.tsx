import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, errorMessage } from '../api';
import { Avatar } from '../components/Avatar';
import { CloseIcon, HeartIcon } from '../components/Icons';
import { LoadMore } from '../components/LoadMore';
import { Link, profilePath } from '../router';
import { useSession } from '../session';
import { toast } from '../toast';
import { usePaged } from '../usePaged';
import { formatCount, timeAgo } from '../util';
import { Caption } from './FeedItem';
import { videoApi, type Comment, type Video } from './api';

function missing(e: unknown, what: string): string {
  return e instanceof ApiError && e.status === 404 ? `${what} aren't available yet.` : errorMessage(e);
}

interface RowProps {
  c: Comment;
  video: Video;
  onReply: (c: Comment) => void;
  onDeleted: (c: Comment) => void;
}

function CommentRow({ c: initial, video, onReply, onDeleted }: RowProps) {
  const { user } = useSession();
  const [c, setC] = useState(initial);
  const liked = !!c.viewer?.liked;
  const canDelete = !!user && (user.id === c.author.id || user.id === video.author.id);

  const like = async () => {
    if (!user) return toast('Log in to like comments.');
    const before = c;
    setC({ ...c, viewer: { liked: !liked }, like_count: Math.max(0, c.like_count + (liked ? -1 : 1)) });
    try {
      const r = liked ? await videoApi.unlikeComment(c.id) : await videoApi.likeComment(c.id);
      setC({ ...before, viewer: { liked: r.liked }, like_count: r.like_count });
    } catch (e) {
      setC(before);
      toast(missing(e, 'Comment likes'));
    }
  };

  const remove = async () => {
    if (!confirm('Delete this comment?')) return;
    try {
      await videoApi.deleteComment(c.id);
      onDeleted(c);
    } catch (e) {
      toast(missing(e, 'Deleting comments'));
    }
  };

  return (
    <div class="comment" data-testid="comment" data-comment-id={c.id} data-parent-id={c.parent_id ?? undefined}>
      <Link href={profilePath(c.author.handle)} aria-label={`@${c.author.handle}`}>
        <Avatar user={c.author} size={32} />
      </Link>
      <div class="comment-main">
        <p class="comment-head">
          <Link href={profilePath(c.author.handle)} class="comment-author">
            {c.author.display_name || c.author.handle}
          </Link>
          {c.author.id === video.author.id && <span class="chip chip-small">Creator</span>}
          <span class="muted"> · {timeAgo(c.created_at)}</span>
        </p>
        <p class="comment-body">
          <Caption text={c.body} />
        </p>
        <div class="comment-actions">
          <button type="button" class="link-button" onClick={() => onReply(c)}>
            Reply
          </button>
          {canDelete && (
            <button type="button" class="link-button" onClick={remove}>
              Delete
            </button>
          )}
        </div>
      </div>
      <div class="comment-like">
        <button
          type="button"
          class={`icon-button${liked ? ' liked' : ''}`}
          aria-label={liked ? 'Unlike comment' : 'Like comment'}
          aria-pressed={liked}
          onClick={like}
        >
          <HeartIcon filled={liked} width={18} height={18} />
        </button>
        <span class="muted" data-testid="comment-like-count">
          {formatCount(c.like_count)}
        </span>
      </div>
    </div>
  );
}

/** A top-level comment with its (lazily loaded) replies. */
function Thread(props: {
  c: Comment;
  video: Video;
  added: Comment[];
  onReply: (c: Comment) => void;
  onDeleted: (c: Comment, removed: number) => void;
}) {
  const { c, video } = props;
  const [open, setOpen] = useState(false);
  const replies = usePaged<Comment>(`replies:${c.id}`, (p) => videoApi.replies(c.id, p), { enabled: open });
  const [gone, setGone] = useState<Set<string>>(new Set());
  const shown = [...replies.items, ...props.added.filter((a) => !replies.items.some((r) => r.id === a.id))].filter(
    (r) => !gone.has(r.id),
  );
  const hidden = Math.max(0, c.reply_count - (open ? replies.items.length : 0) - (open ? 0 : props.added.length));

  return (
    <li class="thread">
      <CommentRow c={c} video={video} onReply={props.onReply} onDeleted={(x) => props.onDeleted(x, 1 + c.reply_count)} />
      {(open || props.added.length > 0) && shown.length > 0 && (
        <ul class="replies" aria-label="Replies">
          {shown.map((r) => (
            <li key={r.id}>
            <CommentRow
              c={r}
              video={video}
              onReply={() => props.onReply(c)}
              onDeleted={(x) => {
                setGone((g) => new Set(g).add(x.id));
                props.onDeleted(x, 1);
              }}
            />
            </li>
          ))}
        </ul>
      )}
      {open && <LoadMore list={replies} />}
      {!open && hidden > 0 && (
        <button type="button" class="link-button muted" onClick={() => setOpen(true)}>
          View {hidden} {hidden === 1 ? 'reply' : 'replies'}
        </button>
      )}
    </li>
  );
}

export function CommentSheet(props: { video: Video; onClose: () => void; onCount: (delta: number) => void }) {
  const { video } = props;
  const { user } = useSession();
  const list = usePaged<Comment>(`comments:${video.id}`, (p) => videoApi.comments(video.id, p));
  const [body, setBody] = useState('');
  const [replyTo, setReplyTo] = useState<Comment | null>(null);
  const [sending, setSending] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const [added, setAdded] = useState<Record<string, Comment[]>>({});
  const inputRef = useRef<HTMLInputElement>(null);
  const isAuthor = !!user && user.id === video.author.id;
  const closed = video.comments === 'no_one' && !isAuthor;

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

  const reply = (c: Comment) => {
    setReplyTo(c);
    setBody((b) => (b.trim() ? b : `@${c.author.handle} `));
    inputRef.current?.focus();
  };

  const send = async (e: Event) => {
    e.preventDefault();
    const text = body.trim();
    if (!text || sending) return;
    setSending(true);
    setFormError(null);
    try {
      const parent = replyTo ? replyTo.parent_id || replyTo.id : undefined;
      const c = await videoApi.addComment(video.id, parent ? { body: text, parent_id: parent } : { body: text });
      if (parent) {
        setAdded((a) => ({ ...a, [parent]: [...(a[parent] ?? []), c] }));
      } else {
        list.setItems((items) => [c, ...items]);
      }
      props.onCount(1);
      setBody('');
      setReplyTo(null);
    } catch (err) {
      setFormError(missing(err, 'Comments'));
    } finally {
      setSending(false);
    }
  };

  return (
    <div class="sheet-backdrop" onClick={(e) => e.target === e.currentTarget && props.onClose()}>
      <div class="sheet" ref={dialogRef} tabIndex={-1} role="dialog" aria-modal="true" aria-labelledby={`sheet-title-${video.id}`}>
        <header class="sheet-head">
          <h2 id={`sheet-title-${video.id}`}>
            {formatCount(video.comment_count)} {video.comment_count === 1 ? 'comment' : 'comments'}
          </h2>
          <button type="button" class="icon-button" aria-label="Close" onClick={props.onClose}>
            <CloseIcon width={22} height={22} />
          </button>
        </header>
        <div class="sheet-body">
          {list.loaded && !list.error && list.items.length === 0 && <p class="muted center-pad">No comments yet.</p>}
          {list.error && list.loaded ? (
            <p class="form-error center-pad" role="alert">
              {missing(list.error, 'Comments')}
            </p>
          ) : (
            <ul class="comments" aria-label="Comments list">
              {list.items.map((c) => (
                <Thread
                  key={c.id}
                  c={c}
                  video={video}
                  added={added[c.id] ?? []}
                  onReply={reply}
                  onDeleted={(x, n) => {
                    if (x.id === c.id) list.setItems((items) => items.filter((i) => i.id !== c.id));
                    props.onCount(-n);
                  }}
                />
              ))}
            </ul>
          )}
          {!(list.error && list.loaded) && <LoadMore list={list} />}
        </div>
        {closed ? (
          <p class="sheet-foot muted">Comments are turned off for this video.</p>
        ) : user === null ? (
          <p class="sheet-foot">
            <Link href="/login">Log in</Link> to comment.
          </p>
        ) : (
          <form class="sheet-foot comment-form" onSubmit={send}>
            {replyTo && (
              <p class="replying muted">
                Replying to @{replyTo.author.handle}{' '}
                <button type="button" class="link-button" onClick={() => setReplyTo(null)}>
                  Cancel reply
                </button>
              </p>
            )}
            {formError && (
              <p class="form-error" role="alert" data-testid="form-error">
                {formError}
              </p>
            )}
            <div class="comment-input-row">
              <label for={`comment-input-${video.id}`} class="visually-hidden">
                Add a comment
              </label>
              <input
                ref={inputRef}
                id={`comment-input-${video.id}`}
                placeholder="Add a comment…"
                maxLength={500}
                value={body}
                onInput={(e) => setBody(e.currentTarget.value)}
                autocomplete="off"
              />
              <button type="submit" class="btn btn-primary" disabled={!body.trim() || sending}>
                Send
              </button>
            </div>
          </form>
        )}
      </div>
    </div>
  );
}
