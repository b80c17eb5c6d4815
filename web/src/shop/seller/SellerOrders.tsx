// The shop's orders, newest first, filtered by state, with shipping and
// delivery done in place.
import { useState } from 'preact/hooks';
import { LoadMore } from '../../components/LoadMore';
import { usePaged } from '../../usePaged';
import { shopApi, type Order, type OrderStatus } from '../api';
import { orderStatusText } from '../common';
import { OrderActions, OrderRow } from '../Orders';

const kFilters: Array<OrderStatus | ''> = ['', 'awaiting_shipment', 'in_transit', 'delivered', 'completed', 'unpaid', 'cancelled'];

export function SellerOrdersTab() {
  const [status, setStatus] = useState<OrderStatus | ''>('');
  const list = usePaged<Order>(`shop-orders:${status}`, (p) => shopApi.shopOrders({ ...p, status: status || undefined }), {
    limit: 20,
  });
  const replace = (o: Order) => list.setItems((items) => items.map((x) => (x.id === o.id ? o : x)));
  return (
    <section class="seller-section" aria-label="Orders">
      <div class="field inline-field">
        <label for="order-filter">Show</label>
        <select id="order-filter" value={status} onChange={(e) => setStatus(e.currentTarget.value as OrderStatus | '')}>
          {kFilters.map((f) => (
            <option key={f} value={f}>
              {f ? orderStatusText(f) : 'All orders'}
            </option>
          ))}
        </select>
      </div>
      {list.loaded && !list.error && list.items.length === 0 && <p class="muted center-pad">No orders here yet.</p>}
      <ul class="order-list" aria-label="Shop orders">
        {list.items.map((o) => (
          <li key={o.id} class="seller-order" data-testid="seller-order" data-order-id={o.id}>
            <OrderRow order={o} />
            <p class="muted-inline ship-to">
              Ship to {o.shipping_address.name}, {o.shipping_address.city} {o.shipping_address.country} · {o.shipping_option}
              {o.tracking_number ? ` · ${o.carrier} ${o.tracking_number}` : ''}
            </p>
            <OrderActions order={o} onChange={replace} />
          </li>
        ))}
      </ul>
      <LoadMore list={list} />
    </section>
  );
}
