import { BottomNav } from './components/BottomNav';
import { FollowList } from './pages/FollowList';
import { Inbox } from './pages/Inbox';
import { Login } from './pages/Login';
import { Discover, Home, NotFound, Upload } from './pages/Placeholders';
import { Profile } from './pages/Profile';
import { RequireUser } from './pages/RequireUser';
import { Settings } from './pages/Settings';
import { Signup } from './pages/Signup';
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
      return <Upload />;
    case '/login':
      return <Login />;
    case '/signup':
      return <Signup />;
    case '/inbox':
      return <RequireUser what="your inbox">{() => <Inbox />}</RequireUser>;
    case '/settings':
      return <RequireUser what="your settings">{(user) => <Settings user={user} />}</RequireUser>;
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
  const list = useStore(toasts);
  return (
    <div class="shell">
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
      <BottomNav />
    </div>
  );
}
