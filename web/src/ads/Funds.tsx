// The advertiser's ad budget: what is left to spend, the card payments into
// it, and "Add funds". A payment is booked when the gateway's webhook lands,
// so after a 201 the card polls until the funding leaves `pending`.
//
// One Idempotency-Key per attempt, as on the checkout page: an attempt that
// got no definite answer (network error, 5xx) is resent as it was - same
// body, same key - by the next "Add funds", so a retry never pays twice; a
// definite answer ends the attempt and the next one gets a new key. (The
// form may have changed meanwhile: the unknown payment is settled first.)
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, errorMessage } from '../api';
import { FormError } from '../components/Field';
import { useLoad } from '../music/useLoad';
import { newIdempotencyKey } from '../shop/api';
import { dateTime, LoadError, Spinner } from '../shop/common';
import { formatMoney, parseMoney } from '../shop/money';
import { adsApi, type AdFunding, type FundBody } from './api';

const kTestCards = [
  { token: 'tok_visa', label: 'Test Visa (payment succeeds)' },
  { token: 'tok_chargeDeclined', label: 'Test card that is declined' },
];

/** How long to wait for the gateway's webhook before leaving it to a reload. */
const kPollForMs = 20_000;

const kFundingStatus: Record<string, string> = { pending: 'Waiting for payment', paid: 'Paid', declined: 'Declined' };

export function Funds({ currency }: { currency: string }) {
  const funds = useLoad(`ad-funds:${currency}`, () => adsApi.funds(currency));
  const [amount, setAmount] = useState('');
  const [card, setCard] = useState(kTestCards[0]!.token);
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [waitingFor, setWaitingFor] = useState<string | null>(null);
  /** The attempt whose outcome is unknown, to be resent as it was. */
  const pending = useRef<{ body: FundBody; key: string } | null>(null);

  // Poll until the funding we made is no longer pending (the webhook landed).
  useEffect(() => {
    if (!waitingFor) return;
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const until = Date.now() + kPollForMs;
    const poll = () =>
      adsApi.funds(currency).then(
        (f) => {
          if (!live) return;
          funds.set(f);
          const mine = f.items.find((x) => x.id === waitingFor);
          if (mine?.status === 'pending' && Date.now() < until) timer = setTimeout(poll, 700);
          else setWaitingFor(null);
        },
        () => live && Date.now() < until && (timer = setTimeout(poll, 1500)),
      );
    timer = setTimeout(poll, 300);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [waitingFor, currency]);

  const submit = async (e: Event) => {
    e.preventDefault();
    setErrors({});
    setError(null);
    let attempt = pending.current;
    if (!attempt) {
      const minor = parseMoney(amount, currency);
      if (minor === null || minor <= 0) {
        setErrors({ amount: `Enter an amount in ${currency}, like 50.00` });
        return;
      }
      attempt = { body: { amount: minor, currency, payment_method: card }, key: newIdempotencyKey() };
    }
    pending.current = null;
    setBusy(true);
    try {
      const f = await adsApi.fund(attempt.body, attempt.key);
      setAmount('');
      funds.set({ ...(funds.data ?? { currency, balance: 0, items: [] }), items: [f, ...(funds.data?.items ?? []).filter((x) => x.id !== f.id)] });
      if (f.status === 'pending') setWaitingFor(f.id);
      else funds.reload();
    } catch (err) {
      const uncertain = !(err instanceof ApiError) || err.status === 0 || err.status >= 500;
      if (uncertain) pending.current = attempt;
      if (err instanceof ApiError && err.slug === 'payment-declined') {
        setError('Your card was declined, so nothing was charged and nothing was added. Choose another card and try again.');
      } else if (err instanceof ApiError && err.errors.length) {
        setErrors(err.fieldErrors());
      } else if (uncertain) {
        setError(`${errorMessage(err)} We couldn't confirm the payment. Adding funds again sends the same payment, so you will not be charged twice.`);
      } else {
        setError(errorMessage(err));
      }
    } finally {
      setBusy(false);
    }
  };

  const f = funds.data;
  return (
    <section class="card form" aria-labelledby="ad-budget">
      <h2 id="ad-budget">Ad budget</h2>
      {!f ? (
        funds.loading ? <Spinner /> : <LoadError error={funds.error} what="ad budget" retry={funds.reload} />
      ) : (
        <>
          <p class="ad-balance">
            <span class="muted-inline">Left to spend</span>{' '}
            <span class="strong" data-testid="ad-balance" data-amount={f.balance}>
              {formatMoney(f.balance, f.currency)}
            </span>
          </p>
          {waitingFor && (
            <p class="muted-inline" role="status">
              Waiting for the payment to be confirmed…
            </p>
          )}
          {f.items.length > 0 && (
            <ul class="seller-list" aria-label="Payments into the ad budget">
              {f.items.map((x: AdFunding) => (
                <li key={x.id} class="seller-row" data-testid="ad-funding" data-status={x.status}>
                  <span class="seller-row-main">
                    <span class="strong">{formatMoney(x.amount, x.currency)}</span>
                    <span class="muted-inline">
                      {kFundingStatus[x.status] ?? x.status} · {dateTime(x.created_at)}
                    </span>
                  </span>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
      <form class="form" onSubmit={submit} aria-label="Add funds">
        <div class={`field${errors.amount ? ' field-invalid' : ''}`}>
          <label for="fund-amount">Amount ({currency})</label>
          <input
            id="fund-amount"
            inputMode="decimal"
            value={amount}
            aria-invalid={errors.amount ? 'true' : undefined}
            aria-describedby={errors.amount ? 'fund-amount-error' : undefined}
            onInput={(e) => setAmount(e.currentTarget.value)}
          />
          {errors.amount && (
            <p id="fund-amount-error" class="field-error" data-testid="field-error-amount" role="alert">
              {errors.amount}
            </p>
          )}
        </div>
        <fieldset class="option-list">
          <legend>Test payment method</legend>
          <p class="muted-inline test-note">
            Test payments: riff runs a simulated payment gateway here. No real card is charged and no money moves.
          </p>
          {kTestCards.map((c) => (
            <label key={c.token} class="radio-row">
              <input
                type="radio"
                name="ad-card"
                value={c.token}
                checked={card === c.token}
                onChange={() => setCard(c.token)}
              />
              <span>{c.label}</span>
            </label>
          ))}
          {errors.payment_method && (
            <p class="field-error" role="alert">
              {errors.payment_method}
            </p>
          )}
        </fieldset>
        {errors.currency && (
          <p class="field-error" role="alert">
            {errors.currency}
          </p>
        )}
        <FormError message={error} />
        <button type="submit" class="btn btn-primary" disabled={busy}>
          Add funds
        </button>
      </form>
    </section>
  );
}
