// A buyer's orders, and one order (for its buyer or its seller): items,
// totals, address, tracking, the history timeline, and what each side may do
// next (cancel before shipping, ship, mark delivered).
import { useEffect, useRef, useState } from 'preact/hooks';
import { errorMessage } from '../api';
import { FormError } from '../components/Field';
import { LoadMore } from '../components/LoadMore';
import { onNotification } from '../live';
import { PageHeader } from '../components/PageHeader';
import { useLoad } from '../music/useLoad';
import { Link } from '../router';
import { toast } from '../toast';
import { usePaged } from '../usePaged';
import { useTitle } from '../util';
import { newIdempotencyKey, shopApi, shopPaths, type Order } from './api';
import { dateTime, LoadError, OrderStatusChip, orderStatusText, Spinner } from './common';
import { formatMoney } from './money';
import { OrderReturns } from './Returns';

/** One line per order: shop, what, total, status. */
export function OrderRow({ order }: { order: Order }) {
  const count = order.items.reduce((n, it) => n + it.quantity, 0);
  return (
    <Link href={shopPaths.order(order.id)} class="order-row" data-testid="order-row" data-order-id={order.id}>
      <span class="order-row-main">
        <span class="strong">{order.shop.name}</span>
        <span class="muted-inline">
          {order.items[0]?.title}
          {order.items.length > 1 ? ` and ${order.items.length - 1} more` : ''} · {count} {count === 1 ? 'item' : 'items'} ·{' '}
          {formatMoney(order.total, order.currency)}
        </span>
        <span class="muted-inline">{dateTime(order.created_at)}</span>
      </span>
      <OrderStatusChip status={order.status} />
    </Link>
  );
}

export function OrdersPage() {
  useTitle('Your orders');
  const list = usePaged<Order>('my-orders', (p) => shopApi.myOrders(p), { limit: 20 });
  return (
    <div class="shop-page">
      <PageHeader title="Your orders" back />
      {list.loaded && !list.error && list.items.length === 0 && (
        <section class="empty">
          <h2>No orders yet</h2>
          <p class="muted">What you buy shows up here, with its shipping and tracking.</p>
          <Link href={shopPaths.hub} class="btn btn-primary">
            Browse products
          </Link>
        </section>
      )}
      <ul class="order-list" aria-label="Orders">
        {list.items.map((o) => (
          <li key={o.id}>
            <OrderRow order={o} />
          </li>
        ))}
      </ul>
      <LoadMore list={list} />
    </div>
  );
}

/** The seller's ship / deliver / cancel controls and the buyer's cancel and confirm receipt. */
export function OrderActions({ order, onChange }: { order: Order; onChange: (o: Order) => void }) {
  const seller = order.seller_share !== undefined;
  const [shipping, setShipping] = useState(false);
  const [carrier, setCarrier] = useState('');
  const [tracking, setTracking] = useState('');
  const [cancelling, setCancelling] = useState(false);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // One key per cancellation attempt, reused if that attempt is retried.
  const cancelKey = useRef<string | null>(null);

  const run = async (fn: () => Promise<Order>, done: string) => {
    setBusy(true);
    setError(null);
    try {
      const o = await fn();
      onChange(o);
      setShipping(false);
      setCancelling(false);
      toast(done);
      return true;
    } catch (e) {
      setError(errorMessage(e));
      return false;
    } finally {
      setBusy(false);
    }
  };

  const ship = (e: Event) => {
    e.preventDefault();
    if (!carrier.trim() || !tracking.trim()) {
      setError('Enter the carrier and the tracking number.');
      return;
    }
    void run(() => shopApi.ship(order.id, { carrier: carrier.trim(), tracking_number: tracking.trim() }), 'Marked as shipped');
  };

  const cancel = async (e: Event) => {
    e.preventDefault();
    cancelKey.current ??= newIdempotencyKey();
    if (await run(() => shopApi.cancel(order.id, reason.trim(), cancelKey.current!), 'Order cancelled')) cancelKey.current = null;
  };

  const canCancel = order.status === 'awaiting_shipment' || (!seller && order.status === 'unpaid');
  const canShip = seller && order.status === 'awaiting_shipment';
  const canDeliver = order.status === 'in_transit';
  if (!canCancel && !canShip && !canDeliver) return null;

  return (
    <div class="order-actions">
      <div class="buy-actions">
        {canShip && !shipping && (
          <button type="button" class="btn btn-primary" onClick={() => setShipping(true)}>
            Ship
          </button>
        )}
        {canDeliver && (
          <button
            type="button"
            class="btn btn-primary"
            disabled={busy}
            onClick={() => run(() => shopApi.deliver(order.id), 'Marked as delivered')}
          >
            {seller ? 'Mark delivered' : 'I received it'}
          </button>
        )}
        {canCancel && !cancelling && (
          <button type="button" class="btn btn-danger" onClick={() => setCancelling(true)}>
            Cancel order
          </button>
        )}
      </div>
      {shipping && (
        <form class="form card" onSubmit={ship} aria-label="Ship this order">
          <div class="field">
            <label for={`carrier-${order.id}`}>Carrier</label>
            <input id={`carrier-${order.id}`} value={carrier} maxLength={60} onInput={(e) => setCarrier(e.currentTarget.value)} />
          </div>
          <div class="field">
            <label for={`tracking-${order.id}`}>Tracking number</label>
            <input
              id={`tracking-${order.id}`}
              value={tracking}
              maxLength={64}
              pattern="[A-Za-z0-9-]+"
              onInput={(e) => setTracking(e.currentTarget.value)}
            />
          </div>
          <div class="buy-actions">
            <button type="button" class="btn btn-ghost" onClick={() => setShipping(false)}>
              Back
            </button>
            <button type="submit" class="btn btn-primary" disabled={busy}>
              Mark shipped
            </button>
          </div>
        </form>
      )}
      {cancelling && (
        <form class="form card" onSubmit={cancel} aria-label="Cancel this order">
          <p>
            {order.status === 'unpaid'
              ? 'Cancel this order? Nothing has been charged.'
              : `Cancel this order? ${seller ? 'The buyer' : 'You'} will be refunded ${formatMoney(order.total, order.currency)} in full.`}
          </p>
          <div class="field">
            <label for={`reason-${order.id}`}>Reason (optional)</label>
            <input id={`reason-${order.id}`} value={reason} maxLength={500} onInput={(e) => setReason(e.currentTarget.value)} />
          </div>
          <div class="buy-actions">
            <button type="button" class="btn btn-ghost" onClick={() => setCancelling(false)}>
              Keep order
            </button>
            <button type="submit" class="btn btn-danger" disabled={busy}>
              Confirm cancellation
            </button>
          </div>
        </form>
      )}
      <FormError message={error} />
    </div>
  );
}

function Timeline({ order }: { order: Order }) {
  return (
    <ol class="timeline" aria-label="Order history">
      {order.history.map((h, i) => (
        <li key={`${h.status}:${i}`} data-testid="history-entry" data-status={h.status}>
          <span class="timeline-dot" aria-hidden="true" />
          <span class="strong">{orderStatusText(h.status)}</span>
          <time class="muted-inline" dateTime={h.at}>
            {dateTime(h.at)}
          </time>
          {h.note && <span class="muted-inline">{h.note}</span>}
        </li>
      ))}
    </ol>
  );
}

export function OrderDetail({ id }: { id: string }) {
  const o = useLoad(`order:${id}`, () => shopApi.order(id));
  const order = o.data;
  // Shipped, delivered, cancelled by the other side: the notice about this
  // order arrives on the live socket, and the page follows it.
  const reload = useRef(o.reload);
  reload.current = o.reload;
  useEffect(() => onNotification((n) => n.subject_id === id && reload.current()), [id]);
  useTitle(order ? `Order from ${order.shop.name}` : 'Order');
  const a = order?.shipping_address;
  return (
    <div class="shop-page">
      <PageHeader title="Order" back />
      {o.loading && !order ? (
        <Spinner />
      ) : !order ? (
        <LoadError error={o.error} what="order" retry={o.reload} />
      ) : (
        <article class="order-detail" aria-label={`Order ${order.id}`}>
          <header class="order-head">
            <div>
              <h1>
                <Link href={shopPaths.shop(order.shop.handle)}>{order.shop.name}</Link>
              </h1>
              <p class="muted-inline">
                Order {order.id} · {dateTime(order.created_at)}
              </p>
            </div>
            <OrderStatusChip status={order.status} />
          </header>
          {order.status === 'in_transit' && order.carrier && (
            <p class="tracking" data-testid="tracking">
              Shipped with {order.carrier}, tracking number <strong>{order.tracking_number}</strong>
            </p>
          )}
          {order.status === 'cancelled' && (
            <p class="muted">
              Cancelled{order.cancel_reason ? `: ${order.cancel_reason}` : ''}.
              {order.refunded > 0 && ` ${formatMoney(order.refunded, order.currency)} refunded.`}
            </p>
          )}
          <OrderActions order={order} onChange={o.set} />
          <OrderReturns order={order} onRefunded={o.reload} />
          <section class="card">
            <h2>Items</h2>
            <ul class="co-items">
              {order.items.map((it) => (
                <li key={it.variant_id}>
                  <Link href={shopPaths.product(it.product_id)}>
                    {it.title}
                    {it.variant_title ? ` (${it.variant_title})` : ''}
                  </Link>
                  <span>
                    {it.quantity} × {formatMoney(it.unit_price, order.currency)}
                  </span>
                </li>
              ))}
            </ul>
            <dl class="totals">
              <div>
                <dt>Subtotal</dt>
                <dd>{formatMoney(order.subtotal, order.currency)}</dd>
              </div>
              <div>
                <dt>Shipping ({order.shipping_option})</dt>
                <dd>{formatMoney(order.shipping, order.currency)}</dd>
              </div>
              {order.discount > 0 && (
                <div>
                  <dt>Discount{order.coupon_code ? ` (${order.coupon_code})` : ''}</dt>
                  <dd>−{formatMoney(order.discount, order.currency)}</dd>
                </div>
              )}
              <div>
                <dt>Tax</dt>
                <dd>{formatMoney(order.tax, order.currency)}</dd>
              </div>
              <div class="total">
                <dt>Total</dt>
                <dd data-testid="order-total">{formatMoney(order.total, order.currency)}</dd>
              </div>
              {order.refunded > 0 && (
                <div>
                  <dt>Refunded</dt>
                  <dd data-testid="order-refunded">{formatMoney(order.refunded, order.currency)}</dd>
                </div>
              )}
              {order.seller_share !== undefined && (
                <>
                  <div>
                    <dt>riff's fee</dt>
                    <dd>−{formatMoney(order.platform_fee ?? 0, order.currency)}</dd>
                  </div>
                  {(order.commission_total ?? 0) > 0 && (
                    <div>
                      <dt>Creator commissions</dt>
                      <dd>−{formatMoney(order.commission_total ?? 0, order.currency)}</dd>
                    </div>
                  )}
                  <div class="total">
                    <dt>Your share</dt>
                    <dd>{formatMoney(order.seller_share, order.currency)}</dd>
                  </div>
                </>
              )}
            </dl>
          </section>
          {a && (
            <section class="card">
              <h2>Ship to</h2>
              <address class="address">
                {[a.name, a.line1, a.line2, [a.postal_code, a.city].filter(Boolean).join(' '), [a.region, a.country].filter(Boolean).join(', '), a.phone]
                  .filter(Boolean)
                  .map((line, i) => (
                    <span key={i}>{line}</span>
                  ))}
              </address>
            </section>
          )}
          <section class="card">
            <h2>History</h2>
            <Timeline order={order} />
          </section>
        </article>
      )}
    </div>
  );
}
