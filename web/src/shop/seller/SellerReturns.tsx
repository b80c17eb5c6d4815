// The shop's return requests, newest first, decided in place.
import { useState } from 'preact/hooks';
import { LoadMore } from '../../components/LoadMore';
import { usePaged } from '../../usePaged';
import { shopApi, type ReturnRequest, type ReturnState } from '../api';
import { ReturnCard } from '../Returns';

export function SellerReturnsTab() {
  const [state, setState] = useState<ReturnState | ''>('requested');
  const list = usePaged<ReturnRequest>(`shop-returns:${state}`, (p) => shopApi.shopReturns({ ...p, state: state || undefined }), {
    limit: 20,
  });
  const replace = (r: ReturnRequest) => list.setItems((items) => items.map((x) => (x.id === r.id ? r : x)));
  return (
    <section class="seller-section" aria-label="Returns">
      <div class="field inline-field">
        <label for="return-filter">Show</label>
        <select id="return-filter" value={state} onChange={(e) => setState(e.currentTarget.value as ReturnState | '')}>
          <option value="requested">Waiting for you</option>
          <option value="approved">Approved</option>
          <option value="rejected">Rejected</option>
          <option value="">All requests</option>
        </select>
      </div>
      {list.loaded && !list.error && list.items.length === 0 && <p class="muted center-pad">No return requests here.</p>}
      <ul class="return-list seller-returns" aria-label="Return requests">
        {list.items.map((r) => (
          <ReturnCard key={r.id} ret={r} seller showOrder onChange={replace} />
        ))}
      </ul>
      <LoadMore list={list} />
    </section>
  );
}
