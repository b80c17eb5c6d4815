// Money back on a delivered order: the buyer asks (refund only, or send it
// back and be refunded; all that is left or a part), the seller approves (the
// refund is made at once, with an Idempotency-Key) or rejects saying why.
// Undecided requests approve themselves when `respond_by` passes.
import { useRef, useState } from 'preact/hooks';
import { errorMessage } from '../api';
import { FormError } from '../components/Field';
import { useLoad } from '../music/useLoad';
import { Link } from '../router';
import { toast } from '../toast';
import { newIdempotencyKey, shopApi, shopPaths, type Order, type ReturnRequest } from './api';
import { dateTime } from './common';
import { formatMoney, minorToInput, parseMoney } from './money';

const kStateText: Record<ReturnRequest['state'], string> = {
  requested: 'Waiting for the seller',
  approved: 'Approved and refunded',
  rejected: 'Rejected',
};

/** One request, with the seller's Approve / Reject when it is open. */
export function ReturnCard(props: { ret: ReturnRequest; seller: boolean; onChange: (r: ReturnRequest) => void; showOrder?: boolean }) {
  const { ret } = props;
  const [rejecting, setRejecting] = useState(false);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // One key per approval attempt, reused if that attempt is retried.
  const approveKey = useRef<string | null>(null);

  const act = async (fn: () => Promise<ReturnRequest>, done: string) => {
    setBusy(true);
    setError(null);
    try {
      props.onChange(await fn());
      toast(done);
      return true;
    } catch (e) {
      setError(errorMessage(e));
      return false;
    } finally {
      setBusy(false);
    }
  };
  const approve = async () => {
    approveKey.current ??= newIdempotencyKey();
    if (await act(() => shopApi.approveReturn(ret.id, approveKey.current!), 'Refund approved')) approveKey.current = null;
  };
  const reject = (e: Event) => {
    e.preventDefault();
    if (!note.trim()) {
      setError('Say why, so the buyer knows.');
      return;
    }
    void act(() => shopApi.rejectReturn(ret.id, note.trim()), 'Return rejected');
  };

  return (
    <li class="return-card" data-testid="return-request" data-state={ret.state} data-return-id={ret.id}>
      {props.showOrder && (
        <Link href={shopPaths.order(ret.order_id)} class="muted-inline">
          Order {ret.order_id}
        </Link>
      )}
      <p>
        <span class="strong">{ret.kind === 'return_and_refund' ? 'Return and refund' : 'Refund'}</span> of{' '}
        {formatMoney(ret.amount, ret.currency)} · <span data-testid="return-state">{kStateText[ret.state]}</span>
        {ret.auto_approved && ' (the seller did not answer in time)'}
      </p>
      <p class="muted-inline">“{ret.reason}” · {dateTime(ret.created_at)}</p>
      {ret.state === 'requested' && <p class="muted-inline">The seller answers by {dateTime(ret.respond_by)}, or it is approved.</p>}
      {ret.seller_note && <p class="muted-inline">Seller: {ret.seller_note}</p>}
      {props.seller && ret.state === 'requested' && !rejecting && (
        <div class="buy-actions">
          <button type="button" class="btn btn-primary btn-small" disabled={busy} onClick={approve}>
            Approve refund
          </button>
          <button type="button" class="btn btn-danger btn-small" disabled={busy} onClick={() => setRejecting(true)}>
            Reject
          </button>
        </div>
      )}
      {rejecting && ret.state === 'requested' && (
        <form class="form" onSubmit={reject} aria-label="Reject this request">
          <div class="field">
            <label for={`reject-${ret.id}`}>Why not?</label>
            <input id={`reject-${ret.id}`} value={note} maxLength={1000} onInput={(e) => setNote(e.currentTarget.value)} />
          </div>
          <div class="buy-actions">
            <button type="button" class="btn btn-ghost btn-small" onClick={() => setRejecting(false)}>
              Back
            </button>
            <button type="submit" class="btn btn-danger btn-small" disabled={busy}>
              Reject request
            </button>
          </div>
        </form>
      )}
      <FormError message={error} />
    </li>
  );
}

function AskForRefund({ order, onAsked }: { order: Order; onAsked: (r: ReturnRequest) => void }) {
  const left = order.total - order.refunded;
  const [open, setOpen] = useState(false);
  const [kind, setKind] = useState<ReturnRequest['kind']>('refund_only');
  const [amount, setAmount] = useState(() => minorToInput(left, order.currency));
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (!open) {
    return (
      <button type="button" class="btn btn-secondary" onClick={() => setOpen(true)}>
        Ask for a refund
      </button>
    );
  }
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    const value = parseMoney(amount, order.currency);
    if (value === null || value <= 0 || value > left) {
      setError(`Enter an amount up to ${formatMoney(left, order.currency)}.`);
      return;
    }
    if (!reason.trim()) {
      setError('Tell the seller what went wrong.');
      return;
    }
    setBusy(true);
    try {
      onAsked(await shopApi.requestReturn(order.id, { kind, reason: reason.trim(), amount: value === left ? undefined : value }));
      setOpen(false);
      toast('Request sent to the seller');
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="form card" onSubmit={submit} aria-label="Ask for a refund">
      <fieldset class="option-list">
        <legend>What do you want?</legend>
        <label class="radio-row">
          <input type="radio" name="return-kind" checked={kind === 'refund_only'} onChange={() => setKind('refund_only')} />
          <span>A refund, keep the item</span>
        </label>
        <label class="radio-row">
          <input type="radio" name="return-kind" checked={kind === 'return_and_refund'} onChange={() => setKind('return_and_refund')} />
          <span>Send it back for a refund</span>
        </label>
      </fieldset>
      <div class="field">
        <label for="return-amount">Amount ({order.currency})</label>
        <input id="return-amount" inputMode="decimal" value={amount} onInput={(e) => setAmount(e.currentTarget.value)} />
      </div>
      <div class="field">
        <label for="return-reason">Reason</label>
        <textarea id="return-reason" rows={3} maxLength={1000} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
      </div>
      <FormError message={error} />
      <div class="buy-actions">
        <button type="button" class="btn btn-ghost" onClick={() => setOpen(false)}>
          Back
        </button>
        <button type="submit" class="btn btn-primary" disabled={busy}>
          Send request
        </button>
      </div>
    </form>
  );
}

/** An order's returns section: its requests, and the buyer's way to ask. */
export function OrderReturns({ order, onRefunded }: { order: Order; onRefunded: () => void }) {
  const seller = order.seller_share !== undefined;
  const list = useLoad(`returns:${order.id}`, () => shopApi.orderReturns(order.id));
  const items = list.data?.items ?? [];
  const open = items.some((r) => r.state === 'requested');
  const canAsk = !seller && (order.status === 'delivered' || order.status === 'completed') && !open && order.refunded < order.total;
  if (!items.length && !canAsk) return null;
  const replace = (r: ReturnRequest) => {
    list.set({ items: items.some((x) => x.id === r.id) ? items.map((x) => (x.id === r.id ? r : x)) : [...items, r] });
    if (r.state === 'approved') onRefunded();
  };
  return (
    <section class="card" aria-labelledby={`returns-${order.id}`}>
      <h2 id={`returns-${order.id}`}>Returns and refunds</h2>
      {items.length > 0 && (
        <ul class="return-list" aria-label="Return requests">
          {items.map((r) => (
            <ReturnCard key={r.id} ret={r} seller={seller} onChange={replace} />
          ))}
        </ul>
      )}
      {canAsk && <AskForRefund order={order} onAsked={replace} />}
    </section>
  );
}
