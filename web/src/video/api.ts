// Short-video endpoints (videos, feeds, comments, sounds, hashtags, search).
import { csrfHeaders, request, type Page, type PageParams, type UserSummary } from '../api';
import type { Sponsored } from '../ads/api';
import type { ProductCard } from '../shop/api';
import { viewerKey } from './events';

export interface Author {
  id: string;
  handle: string;
  display_name: string;
  avatar_url: string | null;
}

export type VideoStatus = 'processing' | 'ready' | 'failed';
export type Visibility = 'public' | 'followers' | 'private';
export type CommentPolicy = 'everyone' | 'followers' | 'no_one';
export type SoundMode = 'replace' | 'mix';

export interface SoundRef {
  id: string;
  title: string;
  creator_handle: string;
}

export interface Video {
  id: string;
  author: Author;
  caption: string;
  hashtags: string[];
  mentions: string[];
  status: VideoStatus;
  progress: number;
  failure: { reason: string; message: string } | null;
  visibility: Visibility | string;
  comments: CommentPolicy;
  allow_duet: boolean;
  sound: SoundRef | null;
  duet_of: string | null;
  duration_ms: number;
  width: number;
  height: number;
  hls_url: string | null;
  mp4_url: string | null;
  poster_url: string | null;
  preview_url: string | null;
  like_count: number;
  comment_count: number;
  share_count: number;
  view_count: number;
  created_at: string;
  share_url: string;
  viewer?: { liked: boolean };
  /** Products linked to the video: its product cards. */
  products?: ProductCard[];
  /** Only on a brand's ad in For You: label it, report when shown and tapped. */
  sponsored?: Sponsored;
}

export interface Comment {
  id: string;
  video_id?: string;
  parent_id?: string | null;
  author: Author;
  body: string;
  like_count: number;
  reply_count: number;
  created_at: string;
  viewer?: { liked: boolean };
}

export interface Sound {
  id: string;
  title: string;
  creator_handle?: string;
  creator?: Author | null;
  duration_ms?: number;
  /** Videos published with this sound. */
  use_count?: number;
  audio_url?: string | null;
  /** A catalog sound: the riff Music song it is. */
  catalog_track_id?: string | null;
  song?: { track_id: string; title: string; artists: Array<{ id: string; name: string }>; cover_url: string | null } | null;
}

export interface Hashtag {
  tag?: string;
  name?: string;
  video_count?: number;
}

export interface TrendingItem {
  kind: 'hashtag' | 'sound';
  /** For a hashtag. */
  tag?: string;
  /** For a sound. */
  id?: string;
  title?: string;
  creator_handle?: string | null;
  score: number;
  uses: number;
  views: number;
  /** Rising only: recent / baseline. */
  ratio?: number;
}

export type WhySource = 'following' | 'taste' | 'similar' | 'sound' | 'hashtag' | 'interest' | 'fresh' | 'popular';

export interface WhyReason {
  video_id: string;
  source: WhySource;
  text: string;
}

export type SearchType = 'videos' | 'users' | 'sounds' | 'hashtags';

export interface NewVideo {
  upload_id: string;
  caption: string;
  visibility: Visibility;
  comments: CommentPolicy;
  allow_duet: boolean;
  sound_id?: string;
  sound_mode?: SoundMode;
}

const enc = encodeURIComponent;
const pq = (p?: PageParams) => ({ cursor: p?.cursor ?? undefined, limit: p?.limit ?? undefined });

export const videoApi = {
  feed: (kind: 'foryou' | 'following', p: PageParams & { session?: string }) =>
    request<Page<Video>>('GET', `/feed/${kind}`, { query: { ...pq(p), session: p.session } }),
  video: (id: string, signal?: AbortSignal) => request<Video>('GET', `/videos/${enc(id)}`, { signal }),
  create: (b: NewVideo) => request<Video>('POST', '/videos', { json: b }),
  remove: (id: string) => request<void>('DELETE', `/videos/${enc(id)}`),
  like: (id: string) => request<{ liked: boolean; like_count: number }>('POST', `/videos/${enc(id)}/like`),
  unlike: (id: string) => request<{ liked: boolean; like_count: number }>('DELETE', `/videos/${enc(id)}/like`),
  share: (id: string) => request<{ share_url: string; share_count?: number }>('POST', `/videos/${enc(id)}/share`),
  comments: (id: string, p?: PageParams) => request<Page<Comment>>('GET', `/videos/${enc(id)}/comments`, { query: pq(p) }),
  addComment: (id: string, b: { body: string; parent_id?: string }) =>
    request<Comment>('POST', `/videos/${enc(id)}/comments`, { json: b }),
  replies: (commentId: string, p?: PageParams) =>
    request<Page<Comment>>('GET', `/comments/${enc(commentId)}/replies`, { query: pq(p) }),
  deleteComment: (commentId: string) => request<void>('DELETE', `/comments/${enc(commentId)}`),
  likeComment: (commentId: string) =>
    request<{ liked: boolean; like_count: number }>('POST', `/comments/${enc(commentId)}/like`),
  unlikeComment: (commentId: string) =>
    request<{ liked: boolean; like_count: number }>('DELETE', `/comments/${enc(commentId)}/like`),
  sound: (id: string) => request<Sound>('GET', `/sounds/${enc(id)}`),
  soundVideos: (id: string, p?: PageParams) => request<Page<Video>>('GET', `/sounds/${enc(id)}/videos`, { query: pq(p) }),
  hashtag: (tag: string) => request<Hashtag>('GET', `/hashtags/${enc(tag)}`),
  hashtagVideos: (tag: string, p?: PageParams) =>
    request<Page<Video>>('GET', `/hashtags/${enc(tag)}/videos`, { query: pq(p) }),
  userVideos: (handle: string, p?: PageParams) =>
    request<Page<Video>>('GET', `/users/${enc(handle)}/videos`, { query: pq(p) }),
  why: (id: string) => request<WhyReason>('GET', `/videos/${enc(id)}/why`),
  trending: (what: 'hashtags' | 'sounds' | 'rising', limit = 20) =>
    request<{ items: TrendingItem[] }>('GET', `/trending/${what}`, { query: { limit } }),
  interests: () => request<{ hashtags: string[] }>('GET', '/me/interests'),
  setInterests: (hashtags: string[]) => request<{ hashtags: string[] }>('PUT', '/me/interests', { json: { hashtags } }),
  search: <T = Video | UserSummary | Sound | Hashtag>(q: string, type: SearchType, p?: PageParams) =>
    request<Page<T>>('GET', '/search', { query: { q, type, ...pq(p) } }),
};

/**
 * Fire-and-forget view report that survives navigation (fetch keepalive).
 * An anonymous viewer is known by the riff_vk cookie, set by viewerKey().
 */
export function reportView(id: string, watchMs: number, completed: boolean): void {
  viewerKey();
  try {
    void fetch(`/api/v1/videos/${enc(id)}/view`, {
      method: 'POST',
      keepalive: true,
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', ...csrfHeaders() },
      body: JSON.stringify({ watch_ms: Math.max(0, Math.round(watchMs)), completed }),
    }).catch(() => {});
  } catch {
    /* ignore */
  }
}

/** Path of a video page. */
export const videoPath = (id: string) => `/v/${enc(id)}`;
export const soundPath = (id: string) => `/sound/${enc(id)}`;
export const tagPath = (tag: string) => `/tag/${enc(tag.replace(/^#/, ''))}`;
