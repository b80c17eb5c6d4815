// What the shop has earned: the seller's ledger accounts. Money from an
// order stays pending until it settles (some days after delivery), then
// becomes available for payout; "Pay out" sends what is available to the
// seller's bank (the ledger refuses more than that).
import { useState } from 'preact/hooks';
import { errorMessage } from '../../api';
import { useLoad } from '../../music/useLoad';
import { toast } from '../../toast';
import { LoadError, Spinner } from '../common';
import { newIdempotencyKey, shopApi, type Shop } from '../api';
import { formatMoney, minorToInput, parseMoney } from '../money';

const kLabels: Record<string, string> = {
  seller_pending: 'Pending (until orders settle)',
  seller_available: 'Available for payout',
  creator_pending: 'Commissions pending',
  creator_available: 'Commissions available',
  payouts: 'Paid out',
};

function PayoutForm({ available, currency, onDone }: { available: number; currency: string; onDone: () => void }) {
  const [amount, setAmount] = useState(minorToInput(available, currency));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // One key per attempt: a retry after a lost answer pays out once.
  const [key, setKey] = useState(newIdempotencyKey);

  const submit = async (e: Event) => {
    e.preventDefault();
    const minor = parseMoney(amount, currency);
    if (minor === null || minor <= 0) {
      setError('Enter an amount to pay out.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await shopApi.payout('seller', currency, minor, key);
      toast(`Paying out ${formatMoney(minor, currency)}`);
      setKey(newIdempotencyKey());
      onDone();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="payout-form" onSubmit={submit} aria-label="Pay out">
      <label>
        Amount ({currency})
        <input class="input" inputMode="decimal" value={amount} onInput={(e) => setAmount(e.currentTarget.value)} />
      </label>
      <button type="submit" class="btn btn-primary btn-small" disabled={busy || available <= 0}>
        Pay out
      </button>
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

export function BalanceTab({ shop }: { shop: Shop }) {
  const b = useLoad(`balances:${shop.id}`, () => shopApi.balances());
  if (!b.data) return b.loading ? <Spinner /> : <LoadError error={b.error} what="balance" retry={b.reload} />;
  const rows = b.data.items.filter((a) => a.kind in kLabels);
  const available = b.data.items.find((a) => a.kind === 'seller_available' && a.currency === shop.currency)?.balance ?? 0;
  return (
    <div class="settings">
      <section class="card" aria-labelledby="balance-title">
        <h2 id="balance-title">Balance</h2>
        {rows.length === 0 ? (
          <p class="muted">Nothing yet: paid orders show here.</p>
        ) : (
          <dl class="totals" data-testid="balances">
            {rows.map((a) => (
              <div key={a.id} data-kind={a.kind}>
                <dt>{kLabels[a.kind]}</dt>
                <dd>{formatMoney(a.balance, a.currency)}</dd>
              </div>
            ))}
          </dl>
        )}
        <p class="muted-inline">Your share of an order is the total less riff's fee, tax and creator commissions.</p>
        {available > 0 && <PayoutForm available={available} currency={shop.currency} onDone={b.reload} />}
      </section>
    </div>
  );
}
