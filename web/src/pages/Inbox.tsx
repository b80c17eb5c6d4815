import { useEffect, useRef, useState } from 'preact/hooks';
import { api, type FollowRequest, type Notification, type NotificationPage } from '../api';
import { Avatar } from '../components/Avatar';
import { InboxIcon } from '../components/Icons';
import { LoadMore } from '../components/LoadMore';
import { PageHeader } from '../components/PageHeader';
import { onNotification, refreshUnread, setUnread } from '../live';
import { Link, profilePath } from '../router';
import { usePaged } from '../usePaged';
import { timeAgo, useTitle } from '../util';

const TEXT: Record<Notification['kind'], string> = {
  follow: 'started following you.',
  follow_request: 'requested to follow you.',
  follow_accepted: 'accepted your follow request.',
};

/** Marks everything up to `id` read, then re-syncs the badge. */
async function markReadUpTo(id: string) {
  setUnread(0);
  try {
    await api.markRead(id);
  } catch {
    /* the badge re-syncs below either way */
  }
  await refreshUnread();
}

export function Inbox() {
  useTitle('Inbox');
  const marked = useRef<string | null>(null);
  const list = usePaged<Notification, NotificationPage>('notifications', (p) => api.notifications(p), {
    onPage: (page, first) => {
      const newest = page.items[0];
      if (first && newest && (page.unread_count > 0 || page.items.some((n) => !n.read))) {
        marked.current = newest.id;
        void markReadUpTo(newest.id);
      }
    },
  });
  const [requests, setRequests] = useState<FollowRequest[] | null>(null);

  useEffect(() => {
    api.followRequests({ limit: 3 }).then(
      (p) => setRequests(p.items),
      () => setRequests([]),
    );
  }, []);

  useEffect(
    () =>
      onNotification((n) => {
        list.setItems((items) => (items.some((x) => x.id === n.id) ? items : [n, ...items]));
        if (n.kind === 'follow_request') {
          setRequests((r) => (r && !r.some((x) => x.user.id === n.actor.id) ? [{ user: n.actor, created_at: n.created_at }, ...r] : r));
        }
        // The inbox is open, so whatever arrives is seen.
        void markReadUpTo(n.id);
      }),
    [],
  );

  return (
    <>
      <PageHeader title="Inbox" />
      {requests && requests.length > 0 && (
        <Link href="/settings#follow-requests" class="requests-entry" data-testid="follow-requests-entry">
          <span class="stacked-avatars" aria-hidden="true">
            {requests.slice(0, 2).map((r) => (
              <Avatar key={r.user.id} user={r.user} size={36} />
            ))}
          </span>
          <span class="requests-entry-text">
            <strong>Follow requests</strong>
            <span class="muted">
              @{requests[0]!.user.handle}
              {requests.length > 1 ? ' and others' : ''} want to follow you
            </span>
          </span>
        </Link>
      )}
      <ul class="notification-list" aria-label="Notifications">
        {list.items.map((n) => (
          <li
            key={n.id}
            class={`notification${n.read ? '' : ' unread'}`}
            data-testid="notification"
            data-kind={n.kind}
            data-read={n.read ? 'true' : 'false'}
          >
            <Link href={profilePath(n.actor.handle)} class="notification-avatar" tabIndex={-1} aria-hidden="true">
              <Avatar user={n.actor} size={44} />
            </Link>
            <p class="notification-text">
              <Link href={profilePath(n.actor.handle)} class="strong">
                {n.actor.display_name || n.actor.handle}
              </Link>{' '}
              <span class="muted-inline">@{n.actor.handle}</span> {TEXT[n.kind]}{' '}
              <time class="muted" dateTime={n.created_at} title={new Date(n.created_at).toLocaleString()}>
                {timeAgo(n.created_at)}
              </time>
            </p>
            {n.kind === 'follow_request' && (
              <Link href="/settings#follow-requests" class="btn btn-secondary btn-small">
                Review
              </Link>
            )}
            {!n.read && <span class="unread-dot" aria-label="New" />}
          </li>
        ))}
      </ul>
      {list.loaded && !list.error && list.items.length === 0 && (
        <section class="empty">
          <InboxIcon width={40} height={40} />
          <h2>No notifications yet</h2>
          <p class="muted">New followers and follow requests will show up here.</p>
        </section>
      )}
      <LoadMore list={list} />
    </>
  );
}
