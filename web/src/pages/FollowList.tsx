import { api, ApiError, type UserSummary } from '../api';
import { LoadMore } from '../components/LoadMore';
import { LockIcon } from '../components/Icons';
import { PageHeader } from '../components/PageHeader';
import { UserRow } from '../components/UserRow';
import { Link, profilePath } from '../router';
import { usePaged } from '../usePaged';
import { formatCount, useTitle } from '../util';
import { ProfileError, useProfile } from './Profile';

export type FollowKind = 'followers' | 'following';

export function FollowList({ handle, kind }: { handle: string; kind: FollowKind }) {
  const { profile, error: profileError, reload } = useProfile(handle);
  const list = usePaged<UserSummary>(`${kind}:${handle}`, (p) =>
    kind === 'followers' ? api.followers(handle, p) : api.following(handle, p),
  );
  useTitle(`${kind === 'followers' ? 'Followers' : 'Following'} · @${handle}`);

  if (profileError) return <ProfileError handle={handle} error={profileError} onRetry={reload} />;

  const forbidden = list.error instanceof ApiError && list.error.status === 403;
  const tab = (k: FollowKind, label: string, n: number | undefined) => (
    <Link
      href={profilePath(handle, `/${k}`)}
      replace
      class={`tab${k === kind ? ' active' : ''}`}
      aria-current={k === kind ? 'page' : undefined}
    >
      {label}
      {n !== undefined && <span class="tab-count">{formatCount(n)}</span>}
    </Link>
  );

  return (
    <>
      <PageHeader title={profile ? profile.display_name || `@${profile.handle}` : `@${handle}`} back />
      <nav class="tabs" aria-label="Connections">
        {tab('following', 'Following', profile?.following_count)}
        {tab('followers', 'Followers', profile?.follower_count)}
      </nav>
      {forbidden ? (
        <section class="empty" data-testid="private-account">
          <LockIcon width={40} height={40} />
          <h2>This account is private</h2>
          <p class="muted">Only approved followers can see who @{handle} follows and who follows them.</p>
        </section>
      ) : (
        <>
          <ul class="user-list" aria-label={kind === 'followers' ? 'Followers' : 'Following'}>
            {list.items.map((u) => (
              <UserRow key={u.id} user={u} />
            ))}
          </ul>
          {list.loaded && !list.error && list.items.length === 0 && (
            <section class="empty">
              <h2>{kind === 'followers' ? 'No followers yet' : 'Not following anyone yet'}</h2>
              <p class="muted">
                {kind === 'followers'
                  ? `When people follow @${handle}, they'll show up here.`
                  : `When @${handle} follows people, they'll show up here.`}
              </p>
            </section>
          )}
          <LoadMore list={list} />
        </>
      )}
    </>
  );
}
