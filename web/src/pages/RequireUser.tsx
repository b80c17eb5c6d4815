import type { ComponentChildren } from 'preact';
import type { UserMe } from '../api';
import { Placeholder } from '../components/Placeholder';
import { ProfileIcon } from '../components/Icons';
import { Link } from '../router';
import { useSession } from '../session';

/** Renders `children(user)` when signed in, a log-in prompt otherwise. */
export function RequireUser(props: { what: string; children: (user: UserMe) => ComponentChildren }) {
  const { user } = useSession();
  if (user === undefined) {
    return (
      <div class="center-pad">
        <span class="spinner" role="status" aria-label="Loading" />
      </div>
    );
  }
  if (!user) {
    return (
      <Placeholder icon={<ProfileIcon width={44} height={44} />} title={`Log in to see ${props.what}`}>
        <p class="muted">You need a riff account for this.</p>
        <div class="placeholder-actions">
          <Link href="/login" class="btn btn-primary">
            Log in
          </Link>
          <Link href="/signup" class="btn btn-secondary">
            Sign up
          </Link>
        </div>
      </Placeholder>
    );
  }
  return <>{props.children(user)}</>;
}
