// Pieces the shop pages share: product pictures, money, order states, the
// cart link, and loading / error states.
import type { ComponentChildren } from 'preact';
import { useEffect } from 'preact/hooks';
import { ApiError, errorMessage } from '../api';
import { Link } from '../router';
import { useSession } from '../session';
import type { OrderStatus } from './api';
import { shopPaths } from './api';
import { refreshCart, useCart } from './cart';
import { BagIcon } from './icons';
import { formatMoney } from './money';

export function Spinner() {
  return (
    <div class="center-pad">
      <span class="spinner" role="status" aria-label="Loading" />
    </div>
  );
}

export function LoadError(props: { error: unknown; what: string; retry?: () => void }) {
  const notFound = props.error instanceof ApiError && props.error.status === 404;
  return (
    <div class="center-pad column" role="alert">
      <p class="form-error" data-testid="shop-error">
        {notFound ? `This ${props.what} doesn't exist or isn't for sale.` : errorMessage(props.error)}
      </p>
      {props.retry && !notFound && (
        <button type="button" class="btn btn-secondary btn-small" onClick={props.retry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function Money(props: { amount: number; currency: string; testid?: string; class?: string }) {
  return (
    <span class={props.class} data-testid={props.testid}>
      {formatMoney(props.amount, props.currency)}
    </span>
  );
}

/** A product's first picture, or a tinted bag when it has none. */
export function ProductImage(props: { url: string | null | undefined; size?: number; alt?: string }) {
  const size = props.size ?? 64;
  if (!props.url) {
    return (
      <span class="product-image product-image-empty" style={{ width: size, height: size }} aria-hidden="true">
        <BagIcon width={size * 0.45} height={size * 0.45} />
      </span>
    );
  }
  return <img class="product-image" src={props.url} width={size} height={size} alt={props.alt ?? ''} loading="lazy" />;
}

const statusText: Record<OrderStatus, string> = {
  unpaid: 'Waiting for payment',
  awaiting_shipment: 'Paid · awaiting shipment',
  in_transit: 'In transit',
  delivered: 'Delivered',
  completed: 'Completed',
  cancelled: 'Cancelled',
};

export function orderStatusText(s: string): string {
  return statusText[s as OrderStatus] ?? s;
}

export function OrderStatusChip({ status }: { status: string }) {
  return (
    <span class={`order-status order-status-${status}`} data-testid="order-status" data-status={status}>
      {orderStatusText(status)}
    </span>
  );
}

/** The cart link with its item count, for page headers. */
export function CartLink() {
  const { user } = useSession();
  const c = useCart();
  useEffect(() => {
    if (user && !c) refreshCart().catch(() => {});
  }, [user?.id]);
  if (!user) return null;
  const n = c?.item_count ?? 0;
  return (
    <Link href={shopPaths.cart} class="icon-button cart-link" aria-label={n ? `Cart, ${n} ${n === 1 ? 'item' : 'items'}` : 'Cart'}>
      <BagIcon />
      {n > 0 && (
        <span class="badge" aria-hidden="true">
          {n > 99 ? '99+' : n}
        </span>
      )}
    </Link>
  );
}

export function Section(props: { title: string; children: ComponentChildren; testid?: string; right?: ComponentChildren }) {
  return (
    <section class="shop-section" data-testid={props.testid} aria-label={props.title}>
      <header class="shop-section-head">
        <h2>{props.title}</h2>
        {props.right}
      </header>
      {props.children}
    </section>
  );
}

export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '';
  return new Date(t).toLocaleString(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' });
}
