// riff Music endpoints (catalog, streaming, plays, playlists, charts, plan).
// Fields other parts of the API add later are optional here, so the client
// works against what the server has.
import { request, type Page, type PageParams } from '../api';
import type { Video } from '../video/api';

const enc = encodeURIComponent;

export interface Ref {
  id: string;
  name: string;
}

export interface ReplayGain {
  target_lufs: number;
  track_gain_db: number | null;
  track_peak: number | null;
  album_gain_db: number | null;
  album_peak: number | null;
}

export interface Track {
  id: string;
  title: string;
  album: { id: string; title: string };
  artists: Ref[];
  artist_name: string;
  track_no: number;
  disc_no: number;
  year: number;
  genre: string;
  isrc: string;
  duration_ms: number;
  qualities: number[];
  stream_url: string;
  hls_url: string;
  cover_url: string | null;
  replay_gain: ReplayGain;
  play_count: number;
  sound_id: string | null;
  /** For a signed-in viewer, where the server says: in their library. */
  saved?: boolean;
  saved_at?: string;
}

export interface Album {
  id: string;
  title: string;
  artist: Ref;
  year: number;
  genre: string;
  track_count: number;
  duration_ms: number;
  cover_url: string | null;
  tracks?: Track[];
  saved?: boolean;
  saved_at?: string;
}

export interface Artist {
  id: string;
  name: string;
  album_count: number;
  track_count: number;
  albums?: Album[];
  saved?: boolean;
  saved_at?: string;
}

/** What a library list holds. */
export type LibraryKind = 'tracks' | 'albums' | 'artists';

export interface RadioItem {
  track: Track;
  /** Why it is in the radio: co_listening, same_artist, same_genre or popular. */
  reason: string;
}

export interface Playlist {
  id: string;
  name: string;
  description: string;
  public: boolean;
  owner: { id: string; handle: string };
  track_count: number;
  duration_ms: number;
  created_at: string;
  updated_at: string;
  tracks?: PlaylistTrack[];
  cover_url?: string | null;
  collaborative?: boolean;
  /** What the signed-in user may do: owner (everything), collaborator (tracks only), viewer. */
  role?: 'owner' | 'collaborator' | 'viewer';
  /** Bumped by every change; sent back as If-Match so a stale edit fails (412). */
  version?: number;
  custom_cover?: boolean;
}

/** A track in a playlist: its position in the stored list and who added it. */
export interface PlaylistTrack extends Track {
  position?: number;
  added_by?: { id: string; handle: string } | null;
  added_at?: string | null;
}

export interface PlaylistCollaborator {
  user: { id: string; handle: string; display_name?: string; avatar_url: string | null };
  added_at: string;
}

/** Move `count` tracks from position `from` so the first lands at `to`. */
export interface PlaylistMove {
  from: number;
  to: number;
  count?: number;
}

export interface SearchResult {
  artists: Artist[];
  albums: Album[];
  tracks: Track[];
  playlists?: Playlist[];
}

export interface ChartEntry {
  position: number;
  points: number;
  plays: number;
  videos: number;
  last_week: number | null;
  peak: number;
  weeks_on_chart: number;
  weeks_at_number_one: number;
  streak: number;
  track: Track;
}

export interface WeeklyChart {
  week: string;
  starts_at: string;
  ends_at: string;
  items: ChartEntry[];
}

export interface ChartWeek {
  week: string;
  starts_at: string;
  ends_at: string;
  entry_count: number;
}

export interface ViralEntry {
  position: number;
  videos: number;
  views: number;
  score: number;
  track: Track;
}

export interface ViralChart {
  day: string;
  complete: boolean;
  items: ViralEntry[];
}

export interface ChartHistory {
  track: Track;
  peak: number | null;
  weeks_on_chart: number;
  weeks_at_number_one: number;
  items: Array<Omit<ChartEntry, 'track'> & { week: string }>;
}

export interface MusicMe {
  plan: 'free' | 'premium' | string;
  max_quality: number;
  /** Present once subscriptions exist: when the current period ends. */
  renews_at?: string | null;
  expires_at?: string | null;
  region?: string | null;
  available?: boolean;
}

export interface Subscription {
  plan: 'free' | 'premium' | string;
  max_quality: number;
  status: 'active' | 'cancelled' | 'expired' | 'refunded' | null;
  source: 'admin' | 'app_store' | 'google_play' | null;
  current_period_end: string | null;
  auto_renew: boolean;
  product_id: string | null;
}

export interface PlayResult {
  counted: boolean;
  play_count: number;
  /** Free plan: an ad break is due before the next track. */
  ad_due?: boolean;
}

export interface Ad {
  id: string;
  title?: string;
  advertiser?: string;
  audio_url: string;
  duration_ms?: number;
  click_url?: string | null;
  /** Where to report that the ad was heard. */
  impression_url?: string;
  /** Records this serving of the ad (once). */
  token?: string;
}

export interface PlaylistEdit {
  name?: string;
  description?: string;
  public?: boolean;
  track_ids?: string[];
  add_track_ids?: string[];
  remove_positions?: number[];
  moves?: PlaylistMove[];
  collaborative?: boolean;
}

/** A music service outside riff the listener linked (it speaks the Subsonic API). */
export interface MusicLink {
  id: string;
  kind: 'subsonic';
  url: string;
  username: string;
  server: string;
  last_error: string | null;
}

export interface ExternalPlaylist {
  id: string;
  name: string;
  song_count: number;
}

export interface AddedToLink {
  external_song_id: string;
  matched_by: 'isrc' | 'title_artist';
  external_playlist_id: string | null;
}

export const musicApi = {
  track: (id: string) => request<Track>('GET', `/tracks/${enc(id)}`),
  album: (id: string) => request<Album>('GET', `/albums/${enc(id)}`),
  artist: (id: string) => request<Artist>('GET', `/artists/${enc(id)}`),
  search: (q: string, limit = 20, signal?: AbortSignal) =>
    request<SearchResult>('GET', '/music/search', { query: { q, limit }, signal }),

  me: () => request<MusicMe>('GET', '/me/music'),
  subscription: () => request<Subscription>('GET', '/me/subscription'),
  reportPlay: (trackId: string, msPlayed: number) =>
    request<PlayResult>('POST', '/plays', { json: { track_id: trackId, ms_played: Math.round(msPlayed) } }),

  /** The ad due now for a free listener; undefined (204) when there is none. */
  nextAd: () => request<Ad | undefined>('GET', '/music/ads/next'),
  adImpression: (token: string) =>
    request<{ counted: boolean; ad_id: string }>('POST', '/music/ads/impressions', { json: { token } }),

  library: <T,>(kind: LibraryKind, p?: PageParams) =>
    request<Page<T>>('GET', `/me/library/${kind}`, { query: { cursor: p?.cursor, limit: p?.limit } }),
  save: (kind: LibraryKind, id: string) => request<void>('PUT', `/me/library/${kind}/${enc(id)}`),
  unsave: (kind: LibraryKind, id: string) => request<void>('DELETE', `/me/library/${kind}/${enc(id)}`),
  radio: (trackId: string, limit = 25) => request<{ items: RadioItem[] }>('GET', `/tracks/${enc(trackId)}/radio`, { query: { limit } }),

  myPlaylists: () => request<{ items: Playlist[] }>('GET', '/me/playlists'),
  playlist: (id: string) => request<Playlist>('GET', `/playlists/${enc(id)}`),
  createPlaylist: (b: { name: string; track_ids?: string[]; public?: boolean }) =>
    request<Playlist>('POST', '/playlists', { json: b }),
  /** With `version`, the edit fails with 412 when someone changed the playlist since. */
  editPlaylist: (id: string, b: PlaylistEdit, version?: number) =>
    request<Playlist>('PATCH', `/playlists/${enc(id)}`, {
      json: b,
      headers: version !== undefined ? { 'If-Match': `"${version}"` } : undefined,
    }),
  deletePlaylist: (id: string) => request<void>('DELETE', `/playlists/${enc(id)}`),
  collaborators: (id: string) => request<{ items: PlaylistCollaborator[] }>('GET', `/playlists/${enc(id)}/collaborators`),
  inviteCollaborator: (id: string, handle: string) =>
    request<PlaylistCollaborator>('POST', `/playlists/${enc(id)}/collaborators`, { json: { handle } }),
  removeCollaborator: (id: string, handle: string) =>
    request<void>('DELETE', `/playlists/${enc(id)}/collaborators/${enc(handle)}`),
  uploadPlaylistCover: (id: string, file: File) =>
    request<Playlist>('PUT', `/playlists/${enc(id)}/cover`, { body: file, contentType: file.type || 'application/octet-stream' }),
  deletePlaylistCover: (id: string) => request<Playlist>('DELETE', `/playlists/${enc(id)}/cover`),

  weeklyChart: (week?: string) => request<WeeklyChart>('GET', '/charts/weekly', { query: { week } }),
  chartWeeks: (p?: PageParams) =>
    request<Page<ChartWeek>>('GET', '/charts/weeks', { query: { cursor: p?.cursor, limit: p?.limit } }),
  viralChart: (limit = 50) => request<ViralChart>('GET', '/charts/viral', { query: { limit } }),
  trackVideos: (trackId: string, p?: PageParams) =>
    request<Page<Video> & { sound_id: string | null }>('GET', `/tracks/${enc(trackId)}/videos`, {
      query: { cursor: p?.cursor, limit: p?.limit },
    }),
  chartHistory: (trackId: string) => request<ChartHistory>('GET', `/tracks/${enc(trackId)}/chart-history`),

  links: () => request<{ items: MusicLink[] }>('GET', '/me/music-links'),
  link: (b: { url: string; username: string; password: string }) => request<MusicLink>('POST', '/me/music-links', { json: b }),
  unlink: (id: string) => request<void>('DELETE', `/me/music-links/${enc(id)}`),
  linkPlaylists: (id: string) => request<{ items: ExternalPlaylist[] }>('GET', `/me/music-links/${enc(id)}/playlists`),
  addSoundToLink: (soundId: string, linkId: string, playlistId?: string) =>
    request<AddedToLink>('POST', `/sounds/${enc(soundId)}/add-to-music`, {
      json: { target: 'link', link_id: linkId, ...(playlistId ? { external_playlist_id: playlistId } : {}) },
    }),
};

// ---------- paths ----------

export const musicPaths = {
  home: '/music',
  search: (q = '') => (q ? `/music/search?q=${enc(q)}` : '/music/search'),
  album: (id: string) => `/music/album/${enc(id)}`,
  artist: (id: string) => `/music/artist/${enc(id)}`,
  playlist: (id: string) => `/music/playlist/${enc(id)}`,
  song: (id: string) => `/music/song/${enc(id)}`,
  charts: '/music/charts',
  viral: '/music/charts/viral',
  premium: '/music/premium',
  library: (tab: LibraryKind = 'tracks') => (tab === 'tracks' ? '/music/library' : `/music/library?tab=${tab}`),
};

/** "3:07" from milliseconds. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const m = Math.floor(s / 60);
  return `${m}:${String(s % 60).padStart(2, '0')}`;
}

/** "1 hr 4 min" / "12 min" for a list's total length. */
export function formatTotal(ms: number): string {
  const min = Math.round(ms / 60000);
  if (min < 60) return `${min} min`;
  return `${Math.floor(min / 60)} hr ${min % 60} min`;
}
