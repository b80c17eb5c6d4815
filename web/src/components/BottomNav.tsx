import type { ComponentChild } from 'preact';
import { Link, profilePath, useLocation } from '../router';
import { useSession } from '../session';
import { useStore } from '../store';
import { unread } from '../live';
import { DiscoverIcon, HomeIcon, InboxIcon, MusicIcon, PlusIcon, ProfileIcon } from './Icons';

export function BottomNav() {
  const { path } = useLocation();
  const { user } = useSession();
  const count = useStore(unread);
  const profileHref = user ? profilePath(user.handle) : '/login';
  const onOwnProfile = !!user && decodeURIComponent(path).toLowerCase().startsWith(`/@${user.handle.toLowerCase()}`);
  const isProfile = onOwnProfile || path === '/settings' || (!user && (path === '/login' || path === '/signup'));

  const item = (href: string, label: string, active: boolean, icon: ComponentChild, extra?: ComponentChild) => (
    <Link href={href} class={`nav-item${active ? ' active' : ''}`} aria-current={active ? 'page' : undefined}>
      <span class="nav-icon">
        {icon}
        {extra}
      </span>
      <span class="nav-label">{label}</span>
    </Link>
  );

  return (
    <nav class="bottom-nav" aria-label="Main">
      {item('/', 'Home', path === '/', <HomeIcon filled={path === '/'} />)}
      {item('/discover', 'Discover', path === '/discover', <DiscoverIcon filled={path === '/discover'} />)}
      <Link href="/upload" class="nav-upload" aria-label="Upload" aria-current={path === '/upload' ? 'page' : undefined}>
        <span class="nav-upload-pill">
          <PlusIcon />
        </span>
      </Link>
      {item('/music', 'Music', path === '/music' || path.startsWith('/music/'), <MusicIcon />)}
      {item(
        '/inbox',
        'Inbox',
        path === '/inbox',
        <InboxIcon filled={path === '/inbox'} />,
        count > 0 ? (
          <span class="badge" data-testid="unread-badge" aria-label={`${count} unread`}>
            {count > 99 ? '99+' : count}
          </span>
        ) : null,
      )}
      {item(profileHref, 'Profile', isProfile, <ProfileIcon filled={isProfile} />)}
    </nav>
  );
}
