import { AdsManager } from './ads/AdsManager';
import { BottomNav } from './components/BottomNav';
import { PlayerBar } from './music/PlayerBar';
import { musicRoute } from './music/routes';
import { pause as pauseMusic, player } from './music/player';
import { useEffect } from 'preact/hooks';
import { FollowList } from './pages/FollowList';
import { Inbox } from './pages/Inbox';
import { Login } from './pages/Login';
import { NotFound } from './pages/Placeholders';
import { Discover, Home, SoundPage, TagPage, VideoPage } from './video/pages';
import { UploadPage } from './video/Upload';
import { Profile } from './pages/Profile';
import { RequireUser } from './pages/RequireUser';
import { Settings } from './pages/Settings';
import { Signup } from './pages/Signup';
import { shopRoute } from './shop/routes';
import { useLocation } from './router';
import { useStore } from './store';
import { toasts } from './toast';

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function route(path: string) {
  const p = path.length > 1 ? path.replace(/\/+$/, '') : path;
  switch (p) {
    case '/':
      return <Home />;
    case '/discover':
      return <Discover />;
    case '/upload':
      return <RequireUser what="the upload page">{() => <UploadPage />}</RequireUser>;
    case '/login':
      return <Login />;
    case '/signup':
      return <Signup />;
    case '/inbox':
      return <RequireUser what="your inbox">{() => <Inbox />}</RequireUser>;
    case '/settings':
      return <RequireUser what="your settings">{(user) => <Settings user={user} />}</RequireUser>;
    case '/ads':
      return <RequireUser what="the ads manager">{(user) => <AdsManager user={user} />}</RequireUser>;
  }
  if (p === '/music' || p.startsWith('/music/')) return musicRoute(p) ?? <NotFound />;
  const shop = shopRoute(p);
  if (shop) return shop;
  const v = /^\/(v|sound|tag)\/([^/]+)$/.exec(p);
  if (v) {
    const arg = decode(v[2]!);
    if (v[1] === 'v') return <VideoPage key={arg} id={arg} />;
    if (v[1] === 'sound') return <SoundPage key={arg} id={arg} />;
    return <TagPage key={arg} tag={arg.replace(/^#/, '')} />;
  }
  // /@handle, /@handle/followers, /@handle/following (also %40handle)
  const m = /^\/(?:@|%40)([^/]+)(?:\/(followers|following))?$/i.exec(p);
  if (m) {
    const handle = decode(m[1]!);
    const kind = m[2]?.toLowerCase() as 'followers' | 'following' | undefined;
    return kind ? <FollowList key={`${kind}:${handle}`} handle={handle} kind={kind} /> : <Profile key={handle} handle={handle} />;
  }
  return <NotFound />;
}

export function App() {
  const { path } = useLocation();
  const p0 = path.length > 1 ? path.replace(/\/+$/, '') : path;
  const list = useStore(toasts);
  const withPlayer = useStore(player).index >= 0;
  const immersive = p0 === '/' || /^\/v\//.test(p0);
  // Videos play their own sound: the music stops where they take the screen.
  useEffect(() => {
    if (immersive && player.get().playing) pauseMusic();
  }, [immersive]);
  return (
    <div class={`shell${immersive ? ' shell-immersive' : ''}${withPlayer && !immersive ? ' shell-player' : ''}`}>
      <main class="page" id="main">
        {route(path)}
      </main>
      <div class="toasts" role="status" aria-live="polite">
        {list.map((t) => (
          <div key={t.id} class="toast">
            {t.text}
          </div>
        ))}
      </div>
      {!immersive && <PlayerBar />}
      <BottomNav />
    </div>
  );
}
