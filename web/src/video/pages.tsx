// Home (feeds), one video, sound, hashtag and Discover (search) pages.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, errorMessage, type UserSummary } from '../api';
import { BackIcon } from '../components/Icons';
import { PageHeader } from '../components/PageHeader';
import { UserRow } from '../components/UserRow';
import { Link, navigate, useLocation } from '../router';
import { useSession } from '../session';
import { usePaged } from '../usePaged';
import { formatCount, useTitle } from '../util';
import { Feed } from './Feed';
import { FeedItem } from './FeedItem';
import { dismissInterests, InterestsSheet, useInterestsPrompt } from './Interests';
import { soundPath, tagPath, videoApi, type Hashtag, type SearchType, type Sound, type Video } from './api';
import { Trending } from './Trending';
import { VideoGrid } from './VideoGrid';
import { AddToMusic } from '../music/AddToMusic';

function feedSession(): string {
  try {
    let s = sessionStorage.getItem('riff_feed_session');
    if (!s) {
      s = Math.random().toString(36).slice(2) + Date.now().toString(36);
      sessionStorage.setItem('riff_feed_session', s);
    }
    return s;
  } catch {
    return 'anon';
  }
}

export function Home() {
  const { user } = useSession();
  const [tab, setTab] = useState<'foryou' | 'following'>('foryou');
  useTitle(tab === 'foryou' ? 'For You' : 'Following');
  const session = useMemo(feedSession, []);
  const [askInterests, closeInterests] = useInterestsPrompt(user ? user.id : null, tab === 'foryou');
  // Saved interests start a new For You page that draws on them.
  const [round, setRound] = useState(0);
  const tabBtn = (id: 'foryou' | 'following', label: string) => (
    <button
      type="button"
      role="tab"
      id={`tab-${id}`}
      aria-selected={tab === id}
      aria-controls="feed-panel"
      class={`feed-tab${tab === id ? ' active' : ''}`}
      onClick={() => setTab(id)}
    >
      {label}
    </button>
  );
  return (
    <div class="home">
      <div class="feed-tabs" role="tablist" aria-label="Feeds">
        {tabBtn('following', 'Following')}
        {tabBtn('foryou', 'For You')}
      </div>
      <div id="feed-panel" role="tabpanel" aria-labelledby={`tab-${tab}`} class="feed-panel">
        {user === undefined ? (
          <div class="feed-message">
            <span class="spinner" role="status" aria-label="Loading" />
          </div>
        ) : tab === 'following' && user === null ? (
          <div class="feed-message">
            <p>Log in to see videos from people you follow.</p>
            <Link href="/login" class="btn btn-primary">
              Log in
            </Link>
          </div>
        ) : (
          <Feed
            feedKey={`${tab}:${user ? user.id : 'anon'}:${round}`}
            fetchPage={(p) => videoApi.feed(tab, tab === 'foryou' ? { ...p, session } : p)}
            untilEmpty={tab === 'foryou'}
            empty={
              tab === 'foryou' ? (
                <p>No videos yet. Be the first: tap + to post one.</p>
              ) : (
                <p>
                  Nothing here yet. Follow creators to see their videos. <Link href="/discover">Discover</Link>
                </p>
              )
            }
          />
        )}
      </div>
      {askInterests && user && (
        <InterestsSheet
          initial={[]}
          onDone={() => {
            dismissInterests(user.id);
            closeInterests();
            setRound((r) => r + 1);
          }}
          onSkip={() => {
            dismissInterests(user.id);
            closeInterests();
          }}
          onEmpty={closeInterests}
        />
      )}
    </div>
  );
}

function notFoundText(e: unknown, what: string): string {
  if (e instanceof ApiError && e.status === 404) return `This ${what} isn't available. It may be private or deleted.`;
  return errorMessage(e);
}

export function VideoPage({ id }: { id: string }) {
  const { user } = useSession();
  const [video, setVideo] = useState<Video | null>(null);
  const [error, setError] = useState<unknown>(null);
  useTitle(video ? video.caption || `@${video.author.handle}` : 'Video');
  useEffect(() => {
    if (user === undefined) return;
    let stop = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = () =>
      videoApi.video(id).then(
        (v) => {
          if (stop) return;
          setVideo(v);
          setError(null);
          if (v.status === 'processing') timer = setTimeout(load, 2000);
        },
        (e: unknown) => !stop && setError(e),
      );
    void load();
    return () => {
      stop = true;
      clearTimeout(timer);
    };
  }, [id, user === undefined ? 'x' : user?.id]);

  if (error && !video) {
    return (
      <>
        <PageHeader title="Video" back />
        <p class="form-error center-pad" role="alert">
          {notFoundText(error, 'video')}
        </p>
      </>
    );
  }
  if (!video) {
    return (
      <div class="center-pad">
        <span class="spinner" role="status" aria-label="Loading" />
      </div>
    );
  }
  return (
    <div class="single-video">
      <button
        type="button"
        class="icon-button floating-back"
        aria-label="Back"
        onClick={() => (history.length > 1 ? history.back() : navigate('/'))}
      >
        <BackIcon />
      </button>
      <div class="feed">
        <FeedItem key={`${video.id}:${video.status}`} video={video} mode="active" index={0} />
      </div>
    </div>
  );
}

export function SoundPage({ id }: { id: string }) {
  const [sound, setSound] = useState<Sound | null>(null);
  const [error, setError] = useState<unknown>(null);
  const list = usePaged<Video>(`sound:${id}`, (p) => videoApi.soundVideos(id, p), { limit: 24 });
  useTitle(sound ? sound.title : 'Sound');
  useEffect(() => {
    setSound(null);
    setError(null);
    videoApi.sound(id).then(setSound, setError);
  }, [id]);
  const creator = sound?.creator_handle || sound?.creator?.handle;
  const uses = sound?.use_count;
  return (
    <>
      <PageHeader title="Sound" back />
      {error ? (
        <p class="form-error center-pad" role="alert">
          {notFoundText(error, 'sound')}
        </p>
      ) : !sound ? (
        <div class="center-pad">
          <span class="spinner" role="status" aria-label="Loading" />
        </div>
      ) : (
        <section class="entity-head">
          <span class="entity-icon" aria-hidden="true">
            ♫
          </span>
          <div>
            <h2 data-testid="sound-title">{sound.title}</h2>
            {creator && (
              <p class="muted">
                <Link href={`/@${encodeURIComponent(creator)}`}>@{creator}</Link>
              </p>
            )}
            {typeof uses === 'number' && (
              <p class="muted" data-testid="sound-video-count">
                {formatCount(uses)} {uses === 1 ? 'video' : 'videos'}
              </p>
            )}
            {sound.audio_url && <audio controls src={sound.audio_url} preload="none" aria-label="Play sound" />}
          </div>
        </section>
      )}
      {sound?.song ? (
        <AddToMusic
          soundId={id}
          song={{
            trackId: sound.song.track_id,
            title: sound.song.title,
            artist: sound.song.artists.map((a) => a.name).join(', '),
            coverUrl: sound.song.cover_url,
          }}
        />
      ) : (
        sound?.catalog_track_id && <AddToMusic soundId={id} song={{ trackId: sound.catalog_track_id, title: sound.title }} />
      )}
      {!error && (
        <div class="entity-actions">
          <button type="button" class="btn btn-primary btn-wide" onClick={() => navigate(`/upload?sound=${encodeURIComponent(id)}`)}>
            Use this sound
          </button>
        </div>
      )}
      <VideoGrid list={list} empty="No videos with this sound yet." label="Videos with this sound" />
    </>
  );
}

export function TagPage({ tag }: { tag: string }) {
  const [info, setInfo] = useState<Hashtag | null>(null);
  const list = usePaged<Video>(`tag:${tag}`, (p) => videoApi.hashtagVideos(tag, p), { limit: 24 });
  useTitle(`#${tag}`);
  useEffect(() => {
    setInfo(null);
    videoApi.hashtag(tag).then(setInfo, () => setInfo(null));
  }, [tag]);
  return (
    <>
      <PageHeader title={`#${tag}`} back />
      <section class="entity-head">
        <span class="entity-icon" aria-hidden="true">
          #
        </span>
        <div>
          <h2 data-testid="hashtag-title">#{info?.tag || info?.name || tag}</h2>
          {typeof info?.video_count === 'number' && (
            <p class="muted">
              {formatCount(info.video_count)} {info.video_count === 1 ? 'video' : 'videos'}
            </p>
          )}
        </div>
      </section>
      <VideoGrid list={list} empty="No videos with this hashtag yet." label={`Videos tagged #${tag}`} />
    </>
  );
}

const TYPES: Array<[SearchType, string]> = [
  ['videos', 'Videos'],
  ['users', 'Users'],
  ['sounds', 'Sounds'],
  ['hashtags', 'Hashtags'],
];

export function Discover() {
  const { search } = useLocation();
  const params = new URLSearchParams(search);
  const q = params.get('q') ?? '';
  const type = (TYPES.find(([t]) => t === params.get('type'))?.[0] ?? 'videos') as SearchType;
  const [text, setText] = useState(q);
  useTitle(q ? `Search: ${q}` : 'Discover');
  useEffect(() => setText(q), [q]);

  const go = (nq: string, nt: SearchType) => {
    const sp = new URLSearchParams();
    if (nq) sp.set('q', nq);
    if (nt !== 'videos') sp.set('type', nt);
    const s = sp.toString();
    navigate(`/discover${s ? `?${s}` : ''}`, { replace: true });
  };

  return (
    <>
      <PageHeader title="Discover" />
      <form
        class="search-form"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          go(text.trim(), type);
        }}
      >
        <label for="search-q" class="visually-hidden">
          Search
        </label>
        <input id="search-q" type="search" placeholder="Search videos, people, sounds, #tags" value={text} onInput={(e) => setText(e.currentTarget.value)} />
        <button type="submit" class="btn btn-primary">
          Search
        </button>
      </form>
      <div class="search-types" role="tablist" aria-label="Result type">
        {TYPES.map(([t, label]) => (
          <button key={t} type="button" role="tab" aria-selected={type === t} class={`feed-tab${type === t ? ' active' : ''}`} onClick={() => go(q, t)}>
            {label}
          </button>
        ))}
      </div>
      {q ? <Results q={q} type={type} key={`${type}:${q}`} /> : <Trending />}
    </>
  );
}

function Results({ q, type }: { q: string; type: SearchType }) {
  const list = usePaged<unknown>(`${type}:${q}`, (p) => videoApi.search<unknown>(q, type, p), { limit: 24 });
  if (type === 'videos') return <VideoGrid list={list as ReturnType<typeof usePaged<Video>>} empty={`No videos for “${q}”.`} label="Video results" />;
  if (list.error && list.loaded && list.items.length === 0) {
    return (
      <p class="form-error center-pad" role="alert">
        {list.error instanceof ApiError && list.error.status === 404 ? "Search isn't available on this server yet." : errorMessage(list.error)}
      </p>
    );
  }
  return (
    <>
      {list.loaded && list.items.length === 0 && <p class="muted center-pad">No results for “{q}”.</p>}
      <ul class="user-list" aria-label="Search results">
        {type === 'users' && (list.items as UserSummary[]).map((u) => <UserRow key={u.id} user={u} />)}
        {type === 'sounds' &&
          (list.items as Sound[]).map((s) => (
            <li key={s.id} class="result-row">
              <Link href={soundPath(s.id)}>
                ♫ {s.title}
                {s.creator_handle ? <span class="muted"> · @{s.creator_handle}</span> : null}
              </Link>
            </li>
          ))}
        {type === 'hashtags' &&
          (list.items as Hashtag[]).map((h) => {
            const tag = h.tag || h.name || '';
            return (
              <li key={tag} class="result-row">
                <Link href={tagPath(tag)}>
                  #{tag}
                  {typeof h.video_count === 'number' && <span class="muted"> · {formatCount(h.video_count)} videos</span>}
                </Link>
              </li>
            );
          })}
      </ul>
    </>
  );
}
