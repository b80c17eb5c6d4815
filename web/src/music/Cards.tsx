import { Link } from '../router';
import { musicPaths, type Album, type Artist, type Playlist } from './api';
import { Cover } from './Cover';

export function AlbumCard({ album }: { album: Album }) {
  return (
    <Link href={musicPaths.album(album.id)} class="card-tile" data-testid="album-card">
      <Cover url={album.cover_url} size={136} alt="" />
      <span class="tile-title">{album.title}</span>
      <span class="tile-sub">
        {album.artist.name}
        {album.year ? ` · ${album.year}` : ''}
      </span>
    </Link>
  );
}

export function ArtistRow({ artist }: { artist: Artist }) {
  return (
    <li>
      <Link href={musicPaths.artist(artist.id)} class="artist-row" data-testid="artist-row">
        <Cover url={null} size={44} round />
        <span class="track-text">
          <span class="track-title">{artist.name}</span>
          <span class="track-sub">
            {artist.album_count} {artist.album_count === 1 ? 'album' : 'albums'} · {artist.track_count}{' '}
            {artist.track_count === 1 ? 'song' : 'songs'}
          </span>
        </span>
      </Link>
    </li>
  );
}

export function PlaylistCard({ playlist }: { playlist: Playlist }) {
  return (
    <Link href={musicPaths.playlist(playlist.id)} class="card-tile" data-testid="playlist-card">
      <Cover url={playlist.cover_url ?? playlist.tracks?.[0]?.cover_url} size={136} alt="" />
      <span class="tile-title">{playlist.name}</span>
      <span class="tile-sub">
        {playlist.track_count} {playlist.track_count === 1 ? 'song' : 'songs'}
      </span>
    </Link>
  );
}

/** A horizontally scrolling row of tiles. */
export function Shelf(props: { label: string; children: preact.ComponentChildren }) {
  return (
    <div class="shelf" role="list" aria-label={props.label}>
      {props.children}
    </div>
  );
}
