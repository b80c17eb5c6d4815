import { useEffect, useRef, useState } from 'preact/hooks';
import { reportAd } from '../ads/api';
import { api, ApiError, errorMessage } from '../api';
import { Avatar } from '../components/Avatar';
import { CommentIcon, HeartIcon, MoreIcon, MusicIcon, ShareIcon } from '../components/Icons';
import { Link, navigate, profilePath } from '../router';
import { shopPaths, type ProductCard } from '../shop/api';
import { LinkProducts } from '../shop/LinkProducts';
import { ProductSheet } from '../shop/ProductSheet';
import { VideoProducts } from '../shop/VideoProducts';
import { useSession } from '../session';
import { toast } from '../toast';
import { formatCount } from '../util';
import { CommentSheet } from './CommentSheet';
import { Player, type PlayMode } from './Player';
import { soundPath, tagPath, videoApi, videoPath, type Video } from './api';
import { trackEvent } from './events';
import { VideoMenu } from './VideoMenu';

/** Holding a pointer this long on a video opens its menu. */
const kLongPressMs = 600;

/** Caption with #hashtags and @mentions as links. */
export function Caption({ text }: { text: string }) {
  const parts = text.split(/([#@][\p{L}\p{N}_.]+)/u);
  return (
    <>
      {parts.map((p, i) => {
        if (i % 2 === 0) return p;
        const word = p.replace(/\.+$/, '');
        const rest = p.slice(word.length);
        const href = word.startsWith('#') ? tagPath(word.slice(1)) : profilePath(word.slice(1));
        return (
          <>
            <Link href={href} class="caption-link">
              {word}
            </Link>
            {rest}
          </>
        );
      })}
    </>
  );
}

function requireLogin(what: string): void {
  toast(`Log in to ${what}.`);
  navigate('/login');
}

export function FeedItem(props: {
  video: Video;
  mode: PlayMode;
  index?: number;
  onChange?: (v: Video) => void;
  /** The video started over (it loops). */
  onLoop?: () => void;
  /** The viewer chose "Not interested": the feed drops the video. */
  onNotInterested?: () => void;
}) {
  const { user } = useSession();
  const [v, setV] = useState(props.video);
  const [busy, setBusy] = useState(false);
  const [sheet, setSheet] = useState(false);
  const [menu, setMenu] = useState(false);
  const [product, setProduct] = useState<ProductCard | null>(null);
  const [linking, setLinking] = useState(false);
  const [follow, setFollow] = useState<'none' | 'following' | 'requested'>('none');
  const liked = !!v.viewer?.liked;
  const isOwn = !!user && user.id === v.author.id;
  const update = (next: Video) => {
    setV(next);
    props.onChange?.(next);
  };

  const toggleLike = async () => {
    if (!user) {
      requireLogin('like videos');
      return;
    }
    if (busy) return;
    setBusy(true);
    const before = v;
    update({ ...v, viewer: { liked: !liked }, like_count: Math.max(0, v.like_count + (liked ? -1 : 1)) });
    try {
      const r = liked ? await videoApi.unlike(v.id) : await videoApi.like(v.id);
      update({ ...before, viewer: { liked: r.liked }, like_count: r.like_count });
    } catch (e) {
      update(before);
      toast(e instanceof ApiError && e.status === 404 ? "Likes aren't available yet." : errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const share = async () => {
    let url = v.share_url || new URL(videoPath(v.id), location.origin).href;
    try {
      const r = await videoApi.share(v.id);
      if (r?.share_url) url = r.share_url;
      update({ ...v, share_count: r?.share_count ?? v.share_count + 1 });
    } catch {
      /* counting the share failed; the link still works */
    }
    try {
      await navigator.clipboard.writeText(url);
      toast('Link copied');
    } catch {
      toast(url, 8000);
    }
  };

  const doFollow = async () => {
    if (!user) {
      requireLogin('follow people');
      return;
    }
    try {
      const r = await api.follow(v.author.handle);
      setFollow(r.state === 'requested' ? 'requested' : 'following');
    } catch (e) {
      toast(errorMessage(e));
    }
  };

  // A long press opens the menu; the click that ends it must not also pause.
  const press = useRef<{ timer: ReturnType<typeof setTimeout> | null; x: number; y: number; fired: boolean }>({
    timer: null,
    x: 0,
    y: 0,
    fired: false,
  });
  const cancelPress = () => {
    if (press.current.timer) clearTimeout(press.current.timer);
    press.current.timer = null;
  };
  useEffect(() => cancelPress, []);
  const onPointerDown = (e: PointerEvent) => {
    // A new press: a long press that ended without a click (touch) must not
    // swallow this one's click.
    press.current.fired = false;
    if (e.button !== 0 || (e.target as HTMLElement).closest('a, button, input, [role="dialog"]')) return;
    cancelPress();
    press.current = {
      x: e.clientX,
      y: e.clientY,
      fired: false,
      timer: setTimeout(() => {
        press.current.timer = null;
        press.current.fired = true;
        setMenu(true);
      }, kLongPressMs),
    };
  };
  const onPointerMove = (e: PointerEvent) => {
    if (press.current.timer && Math.hypot(e.clientX - press.current.x, e.clientY - press.current.y) > 10) cancelPress();
  };
  const onClickCapture = (e: MouseEvent) => {
    if (!press.current.fired) return;
    press.current.fired = false;
    e.preventDefault();
    e.stopPropagation();
  };
  // On an ad, the author links, the product cards and "Learn more" are its call to action.
  const adTap = () => reportAd('tap', v.sponsored);
  const profileVisit = () => {
    trackEvent('profile_visit', v.id);
    adTap();
  };
  const adProduct = v.sponsored?.product_id ? (v.products ?? []).find((p) => p.id === v.sponsored?.product_id) : undefined;
  const learnMore = () => {
    adTap();
    if (adProduct) setProduct(adProduct);
    else if (v.sponsored?.product_id) navigate(shopPaths.product(v.sponsored.product_id));
    else navigate(profilePath(v.author.handle));
  };

  return (
    <section
      class="feed-item"
      role="article"
      aria-label={`${v.sponsored ? 'Sponsored video' : 'Video'} by @${v.author.handle}`}
      data-testid="feed-item"
      data-video-id={v.id}
      data-index={props.index}
      data-mode={props.mode}
      data-sponsored={v.sponsored ? 'true' : undefined}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={cancelPress}
      onPointerCancel={cancelPress}
      onPointerLeave={cancelPress}
      onClickCapture={onClickCapture}
      onContextMenu={(e) => {
        if (press.current.fired || press.current.timer) e.preventDefault();
      }}
    >
      <Player video={v} mode={props.mode} onLoop={props.onLoop} />
      <div class="feed-overlay">
        <div class="feed-meta">
          {v.sponsored && (
            <p class="feed-sponsored" data-testid="sponsored-label">
              {v.sponsored.label || 'Sponsored'}
            </p>
          )}
          {v.products && v.products.length > 0 && (
            <VideoProducts
              videoId={v.id}
              cards={v.products}
              onOpen={(c) => {
                adTap();
                setProduct(c);
              }}
            />
          )}
          <Link href={profilePath(v.author.handle)} class="feed-author" onClick={profileVisit}>
            @{v.author.handle}
          </Link>
          {v.caption && (
            <p class="feed-caption">
              <Caption text={v.caption} />
            </p>
          )}
          {v.sponsored && (
            <button type="button" class="btn btn-primary btn-small feed-cta" data-testid="ad-cta" onClick={learnMore}>
              Learn more
            </button>
          )}
          {v.sound && (
            <Link href={soundPath(v.sound.id)} class="feed-sound" aria-label={`Sound: ${v.sound.title}`}>
              <MusicIcon width={13} height={13} class="inline-icon" /> {v.sound.title}
              {v.sound.creator_handle ? ` · @${v.sound.creator_handle}` : ''}
            </Link>
          )}
        </div>
        <div class="feed-rail">
          <div class="rail-author">
            <Link href={profilePath(v.author.handle)} aria-label={`@${v.author.handle}'s profile`} onClick={profileVisit}>
              <Avatar user={v.author} size={46} />
            </Link>
            {!isOwn && follow === 'none' && (
              <button type="button" class="rail-follow" aria-label="Follow" title={`Follow @${v.author.handle}`} onClick={doFollow}>
                +
              </button>
            )}
            {!isOwn && follow !== 'none' && (
              <span class="rail-follow done" aria-label={follow === 'requested' ? 'Requested' : 'Following'}>
                ✓
              </span>
            )}
          </div>
          <div class="rail-action">
            <button
              type="button"
              class={`rail-button${liked ? ' liked' : ''}`}
              aria-label={liked ? 'Unlike' : 'Like'}
              aria-pressed={liked}
              onClick={toggleLike}
            >
              <HeartIcon filled={liked} width={28} height={28} />
            </button>
            <span data-testid="like-count">{formatCount(v.like_count)}</span>
          </div>
          <div class="rail-action">
            <button type="button" class="rail-button" aria-label="Comments" aria-haspopup="dialog" onClick={() => setSheet(true)}>
              <CommentIcon width={26} height={26} />
            </button>
            <span data-testid="comment-count">{formatCount(v.comment_count)}</span>
          </div>
          <div class="rail-action">
            <button type="button" class="rail-button" aria-label="Share" onClick={share}>
              <ShareIcon width={26} height={26} />
            </button>
            <span data-testid="share-count">{formatCount(v.share_count)}</span>
          </div>
          <div class="rail-action">
            <button type="button" class="rail-button" aria-label="More options" aria-haspopup="dialog" onClick={() => setMenu(true)}>
              <MoreIcon width={24} height={24} />
            </button>
          </div>
          {v.sound && (
            <Link href={soundPath(v.sound.id)} class="rail-disc" aria-label="Open sound" title={v.sound.title}>
              <MusicIcon width={16} height={16} />
            </Link>
          )}
        </div>
      </div>
      {product && <ProductSheet productId={product.id} title={product.title} onClose={() => setProduct(null)} />}
      {menu && (
        <VideoMenu
          video={v}
          onClose={() => setMenu(false)}
          onNotInterested={props.onNotInterested}
          onProducts={isOwn ? () => setLinking(true) : undefined}
        />
      )}
      {linking && (
        <LinkProducts
          videoId={v.id}
          cards={v.products ?? []}
          onChange={(cards) => update({ ...v, products: cards })}
          onClose={() => setLinking(false)}
        />
      )}
      {sheet && (
        <CommentSheet
          video={v}
          onClose={() => setSheet(false)}
          onCount={(delta) => setV((cur) => ({ ...cur, comment_count: Math.max(0, cur.comment_count + delta) }))}
        />
      )}
    </section>
  );
}
