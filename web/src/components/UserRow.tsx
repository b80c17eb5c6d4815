import type { ComponentChildren } from 'preact';
import type { UserSummary } from '../api';
import { Link, profilePath } from '../router';
import { Avatar } from './Avatar';
import { LockIcon } from './Icons';

export function UserRow({ user, children }: { user: UserSummary; children?: ComponentChildren }) {
  return (
    <li class="user-row" data-testid="user-row" data-handle={user.handle}>
      <Link href={profilePath(user.handle)} class="user-row-link">
        <Avatar user={user} size={44} />
        <span class="user-row-text">
          <span class="user-row-name">
            {user.display_name || user.handle}
            {user.is_private && (<><LockIcon class="inline-icon" width={14} height={14} /><span class="visually-hidden"> (private)</span></>)}
          </span>
          <span class="user-row-handle">@{user.handle}</span>
        </span>
      </Link>
      {children && <span class="user-row-actions">{children}</span>}
    </li>
  );
}
