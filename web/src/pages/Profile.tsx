import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, errorMessage, type FollowState, type Profile as ProfileT, type Viewer } from '../api';
import { Avatar } from '../components/Avatar';
import { LockIcon, MoreIcon, SettingsIcon, VideoIcon } from '../components/Icons';
import { PageHeader } from '../components/PageHeader';
import { Link, navigate, profilePath } from '../router';
import { setUser, useSession } from '../session';
import { toast } from '../toast';
import { formatCount, useTitle } from '../util';
import { usePaged } from '../usePaged';
import { videoApi, type Video } from '../video/api';
import { VideoGrid } from '../video/VideoGrid';
import { shopPaths } from '../shop/api';
import { BagIcon } from '../shop/icons';
import { Showcase } from '../shop/Showcase';

const noViewer: Viewer = { is_self: false, following: false, requested: false, followed_by: false, blocking: false };

/** Loads a profile by handle and reloads it when the signed-in user changes. */
export function useProfile(handle: string) {
  const { user } = useSession();
  const [profile, setProfile] = useState<ProfileT | null>(null);
  const [error, setError] = useState<unknown>(null);
  const gen = useRef(0);
  const userKey = user === undefined ? 'loading' : user ? user.id : 'anon';

  const reload = () => {
    const my = ++gen.current;
    return api
      .user(handle)
      .then((p) => {
        if (my !== gen.current) return;
        setProfile(p);
        setError(null);
      })
      .catch((e: unknown) => {
        if (my !== gen.current) return;
        setError(e);
      });
  };

  useEffect(() => {
    if (userKey === 'loading') return;
    setProfile((p) => (p && p.handle.toLowerCase() === handle.toLowerCase() ? p : null));
    setError(null);
    void reload();
  }, [handle, userKey]);

  return { profile, setProfile, error, reload };
}

export function Profile({ handle }: { handle: string }) {
  const { user } = useSession();
  const { profile, setProfile, error, reload } = useProfile(handle);
  useTitle(profile ? `${profile.display_name || profile.handle} (@${profile.handle})` : `@${handle}`);

  if (error) return <ProfileError handle={handle} error={error} onRetry={reload} />;
  if (!profile) {
    return (
      <>
        <PageHeader title={`@${handle}`} back />
        <div class="center-pad">
          <span class="spinner" role="status" aria-label="Loading" />
        </div>
      </>
    );
  }

  const viewer = profile.viewer ?? noViewer;
  const isSelf = viewer.is_self || (!!user && user.id === profile.id);
  const locked = profile.is_private && !isSelf && !viewer.following;
  const hidden = locked || viewer.blocking;

  const patchViewer = (v: Partial<Viewer>) =>
    setProfile((p) => (p ? { ...p, viewer: { ...(p.viewer ?? noViewer), ...v } } : p));

  const run = async (fn: () => Promise<unknown>) => {
    try {
      await fn();
    } catch (e) {
      toast(errorMessage(e));
    }
    await reload();
    if (user) void api.me().then(setUser, () => {});
  };

  const applyState = (s: FollowState) =>
    patchViewer({ following: s === 'following', requested: s === 'requested' });

  const actions = {
    follow: () => run(async () => applyState((await api.follow(profile.handle)).state)),
    unfollow: () => run(async () => applyState((await api.unfollow(profile.handle)).state)),
    block: () =>
      run(async () => {
        await api.block(profile.handle);
        patchViewer({ blocking: true, following: false, requested: false, followed_by: false });
        toast(`You blocked @${profile.handle}.`);
      }),
    unblock: () =>
      run(async () => {
        await api.unblock(profile.handle);
        patchViewer({ blocking: false });
        toast(`You unblocked @${profile.handle}.`);
      }),
  };

  const right = isSelf ? (
    <>
      <Link href={shopPaths.hub} class="icon-button" aria-label="Shopping">
        <BagIcon />
      </Link>
      <Link href="/settings" class="icon-button" aria-label="Settings">
        <SettingsIcon />
      </Link>
    </>
  ) : user ? (
    <ProfileMenu blocking={viewer.blocking} onBlock={actions.block} onUnblock={actions.unblock} handle={profile.handle} />
  ) : null;

  const countLink = (suffix: 'following' | 'followers', n: number, label: string, testid: string) => {
    const inner = (
      <>
        <strong data-testid={testid}>{formatCount(n)}</strong>
        <span>{label}</span>
      </>
    );
    return hidden ? (
      <span class="stat">{inner}</span>
    ) : (
      <Link class="stat" href={profilePath(profile.handle, `/${suffix}`)}>
        {inner}
      </Link>
    );
  };

  return (
    <>
      <PageHeader title={profile.display_name || profile.handle} back={!isSelf} right={right} />
      <section class="profile" aria-label="Profile">
        <Avatar user={profile} size={96} />
        <p class="profile-handle">
          <span data-testid="profile-handle">@{profile.handle}</span>
          {profile.is_private && (<><LockIcon class="inline-icon" width={16} height={16} /><span class="visually-hidden"> (private)</span></>)}
        </p>
        {profile.display_name && <h2 class="profile-name">{profile.display_name}</h2>}
        <div class="stats">
          {countLink('following', profile.following_count, 'Following', 'following-count')}
          <span class="stat-divider" aria-hidden="true" />
          {countLink('followers', profile.follower_count, profile.follower_count === 1 ? 'Follower' : 'Followers', 'follower-count')}
        </div>
        <div class="profile-actions">
          {isSelf ? (
            <Link href="/settings" class="btn btn-secondary">
              Edit profile
            </Link>
          ) : !user ? (
            <button type="button" class="btn btn-primary btn-wide" onClick={() => navigate('/login')}>
              Follow
            </button>
          ) : viewer.blocking ? (
            <button type="button" class="btn btn-secondary btn-wide" onClick={actions.unblock}>
              Unblock
            </button>
          ) : (
            <FollowButton viewer={viewer} handle={profile.handle} isPrivate={profile.is_private} onFollow={actions.follow} onUnfollow={actions.unfollow} />
          )}
        </div>
        {!isSelf && viewer.followed_by && !viewer.blocking && <p class="chip">Follows you</p>}
        {profile.bio && !viewer.blocking && <p class="profile-bio">{profile.bio}</p>}
      </section>
      {viewer.blocking ? (
        <section class="empty">
          <h2>You blocked this account</h2>
          <p class="muted">You won't see each other's videos, and they can't follow you. Unblock to change that.</p>
        </section>
      ) : locked ? (
        <section class="empty" data-testid="private-account">
          <LockIcon width={40} height={40} />
          <h2>This account is private</h2>
          <p class="muted">Follow this account to see their videos and who they follow.</p>
        </section>
      ) : (
        <ProfileTabs key={`${profile.handle}:${user ? user.id : ''}`} handle={profile.handle} userId={profile.id} isSelf={isSelf} />
      )}
    </>
  );
}

function FollowButton(props: {
  viewer: Viewer;
  handle: string;
  isPrivate: boolean;
  onFollow: () => Promise<void>;
  onUnfollow: () => Promise<void>;
}) {
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const act = async (fn: () => Promise<void>) => {
    setBusy(true);
    setConfirming(false);
    try {
      await fn();
    } finally {
      setBusy(false);
    }
  };
  const { viewer } = props;

  if (viewer.following) {
    return (
      <>
        <button
          type="button"
          class="btn btn-secondary btn-wide"
          disabled={busy}
          aria-expanded={confirming}
          onClick={() => setConfirming((c) => !c)}
        >
          Following
        </button>
        {confirming && (
          <div class="confirm" role="dialog" aria-label={`Unfollow @${props.handle}?`}>
            <p>
              Unfollow @{props.handle}?
              {props.isPrivate && ' Their account is private, so you would need to request again.'}
            </p>
            <div class="confirm-actions">
              <button type="button" class="btn btn-secondary" onClick={() => setConfirming(false)}>
                Cancel
              </button>
              <button type="button" class="btn btn-danger" onClick={() => act(props.onUnfollow)}>
                Unfollow
              </button>
            </div>
          </div>
        )}
      </>
    );
  }
  if (viewer.requested) {
    return (
      <button
        type="button"
        class="btn btn-secondary btn-wide"
        disabled={busy}
        title="Follow request sent. Click to cancel it."
        onClick={() => act(props.onUnfollow)}
      >
        Requested
      </button>
    );
  }
  return (
    <button type="button" class="btn btn-primary btn-wide" disabled={busy} onClick={() => act(props.onFollow)}>
      Follow
    </button>
  );
}

function ProfileMenu(props: { handle: string; blocking: boolean; onBlock: () => void; onUnblock: () => void }) {
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLSpanElement>(null);

  useEffect(() => {
    if (!open) return;
    const close = (e: Event) => {
      if (ref.current && !ref.current.contains(e.target as Node)) setOpen(false);
    };
    const esc = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false);
    document.addEventListener('pointerdown', close);
    document.addEventListener('keydown', esc);
    return () => {
      document.removeEventListener('pointerdown', close);
      document.removeEventListener('keydown', esc);
    };
  }, [open]);

  const copy = async () => {
    setOpen(false);
    const url = location.origin + profilePath(props.handle);
    try {
      await navigator.clipboard.writeText(url);
      toast('Link copied');
    } catch {
      toast(url);
    }
  };

  return (
    <span class="menu-wrap" ref={ref}>
      <button
        type="button"
        class="icon-button"
        aria-label="More options"
        aria-haspopup="true"
        aria-expanded={open}
        onClick={() => setOpen((o) => !o)}
      >
        <MoreIcon />
      </button>
      {open && (
        <div class="menu" data-testid="profile-menu">
          <button type="button" class="menu-item" onClick={copy}>
            Copy profile link
          </button>
          {props.blocking ? (
            <button
              type="button"
              class="menu-item"
              onClick={() => {
                setOpen(false);
                props.onUnblock();
              }}
            >
              Unblock
            </button>
          ) : (
            <button
              type="button"
              class="menu-item danger"
              onClick={() => {
                setOpen(false);
                props.onBlock();
              }}
            >
              Block
            </button>
          )}
        </div>
      )}
    </span>
  );
}

export function ProfileError({ handle, error, onRetry }: { handle: string; error: unknown; onRetry: () => void }) {
  const notFound = error instanceof ApiError && error.status === 404;
  return (
    <>
      <PageHeader title={`@${handle}`} back />
      <section class="empty">
        <h2>{notFound ? "Couldn't find this account" : 'Something went wrong'}</h2>
        <p class="muted">{notFound ? 'Check the handle and try again.' : errorMessage(error)}</p>
        {!notFound && (
          <button type="button" class="btn btn-secondary" onClick={onRetry}>
            Try again
          </button>
        )}
      </section>
    </>
  );
}

/** Videos, and the showcase of products the account promotes. */
function ProfileTabs({ handle, userId, isSelf }: { handle: string; userId: string; isSelf: boolean }) {
  const [tab, setTab] = useState<'videos' | 'showcase'>('videos');
  const tabButton = (id: 'videos' | 'showcase', label: string) => (
    <button
      type="button"
      role="tab"
      id={`profile-tab-${id}`}
      class={`tab tab-button${tab === id ? ' active' : ''}`}
      aria-selected={tab === id}
      aria-controls="profile-tab-panel"
      onClick={() => setTab(id)}
    >
      {label}
    </button>
  );
  return (
    <>
      <div class="tabs" role="tablist" aria-label="Profile sections">
        {tabButton('videos', 'Videos')}
        {tabButton('showcase', 'Showcase')}
      </div>
      <div id="profile-tab-panel" role="tabpanel" aria-labelledby={`profile-tab-${tab}`}>
        {tab === 'videos' ? (
          <ProfileVideos handle={handle} isSelf={isSelf} />
        ) : (
          <Showcase handle={handle} creatorId={userId} isSelf={isSelf} />
        )}
      </div>
    </>
  );
}

function ProfileVideos({ handle, isSelf }: { handle: string; isSelf: boolean }) {
  const list = usePaged<Video>(`videos:${handle}`, (p) => videoApi.userVideos(handle, p), { limit: 24 });
  // The owner's processing videos update in place.
  const processing = list.items.some((v) => v.status === 'processing');
  useEffect(() => {
    if (!isSelf || !processing) return;
    const t = setTimeout(() => {
      videoApi.userVideos(handle, { limit: Math.max(24, list.items.length) }).then(
        (page) => list.setItems((items) => items.map((v) => page.items.find((n) => n.id === v.id) ?? v)),
        () => {},
      );
    }, 3000);
    return () => clearTimeout(t);
  }, [isSelf, processing, list.items]);

  if (list.loaded && !list.error && list.items.length === 0) {
    return (
      <section class="empty">
        <VideoIcon width={40} height={40} />
        <h2>{isSelf ? 'Share your first riff' : 'No videos yet'}</h2>
        <p class="muted">{isSelf ? 'Videos you post will show up here.' : `When @${handle} posts, you'll see it here.`}</p>
        {isSelf && (
          <Link href="/upload" class="btn btn-primary">
            Upload a video
          </Link>
        )}
      </section>
    );
  }
  return <VideoGrid list={list} empty="" label="Videos" />;
}
