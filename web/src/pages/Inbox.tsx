import { useEffect, useRef, useState } from 'preact/hooks';
import { api, type FollowRequest, type Notification, type NotificationPage } from '../api';
import { Avatar } from '../components/Avatar';
import { InboxIcon } from '../components/Icons';
import { LoadMore } from '../components/LoadMore';
import { PageHeader } from '../components/PageHeader';
import { onNotification, refreshUnread, setUnread } from '../live';
import { Link, profilePath } from '../router';
import { shopPaths } from '../shop/api';
import { BagIcon } from '../shop/icons';
import { usePaged } from '../usePaged';
import { timeAgo, useTitle } from '../util';

const TEXT: Record<Notification['kind'], string> = {
  follow: 'started following you.',
  follow_request: 'requested to follow you.',
  follow_accepted: 'accepted your follow request.',
  order_placed: 'You have a new order.',
  order_to_ship: 'An order is paid and ready to ship.',
  order_paid: 'Your payment was confirmed. The seller will ship your order soon.',
  order_shipped: 'Your order is on its way.',
  order_delivered: 'An order was delivered.',
  order_cancelled: 'An order was cancelled.',
  return_requested: 'A buyer asked for a return.',
  return_approved: 'Your return was approved and refunded.',
  return_rejected: 'Your return request was declined.',
  commission_earned: 'You earned a commission on a sale.',
  commission_reversed: 'A commission was reversed after a refund.',
};

/** Kinds whose subject is an order the recipient may open (creators cannot). */
const kOrderLinks = new Set<string>([
  'order_placed',
  'order_to_ship',
  'order_paid',
  'order_shipped',
  'order_delivered',
  'order_cancelled',
  'return_requested',
  'return_approved',
  'return_rejected',
]);

/** The person behind a social notice; order notices read as the shop's own. */
function actorOf(n: Notification) {
  return n.kind === 'follow' || n.kind === 'follow_request' || n.kind === 'follow_accepted' ? n.actor : null;
}

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
        const actor = n.actor;
        if (n.kind === 'follow_request' && actor) {
          setRequests((r) => (r && !r.some((x) => x.user.id === actor.id) ? [{ user: actor, created_at: n.created_at }, ...r] : r));
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
        {list.items.map((n) => {
          const actor = actorOf(n);
          return (
            <li
              key={n.id}
              class={`notification${n.read ? '' : ' unread'}`}
              data-testid="notification"
              data-kind={n.kind}
              data-read={n.read ? 'true' : 'false'}
            >
              {actor ? (
                <Link href={profilePath(actor.handle)} class="notification-avatar" tabIndex={-1} aria-hidden="true">
                  <Avatar user={actor} size={44} />
                </Link>
              ) : (
                <span class="notification-avatar notification-icon" aria-hidden="true">
                  <BagIcon />
                </span>
              )}
              <p class="notification-text">
                {actor && (
                  <>
                    <Link href={profilePath(actor.handle)} class="strong">
                      {actor.display_name || actor.handle}
                    </Link>{' '}
                    <span class="muted-inline">@{actor.handle}</span>{' '}
                  </>
                )}
                {TEXT[n.kind] ?? 'You have a new notification.'}{' '}
                <time class="muted" dateTime={n.created_at} title={new Date(n.created_at).toLocaleString()}>
                  {timeAgo(n.created_at)}
                </time>
              </p>
              {n.subject_id && kOrderLinks.has(n.kind) && (
                <Link href={shopPaths.order(n.subject_id)} class="btn btn-secondary btn-small">
                  View order
                </Link>
              )}
              {n.kind === 'follow_request' && (
                <Link href="/settings#follow-requests" class="btn btn-secondary btn-small">
                  Review
                </Link>
              )}
              {!n.read && <span class="unread-dot" aria-label="New" />}
            </li>
          );
        })}
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
