// Checkout: the shipping address, a shipping option per shop, coupons and
// the totals, all priced by the server's quote; then placing the order with
// an Idempotency-Key, waiting for the payment to be confirmed, and the result.
//
// One key per attempt. When an attempt ends without a definite answer (a
// network error or a 5xx: the server may have taken it), the next "Place
// order" resends that same attempt - same body, same key - whatever the form
// says now, so it can never make a second order; the server answers with the
// first checkout if there was one. A definite answer (paid, declined, out of
// stock, invalid) ends the attempt, and the next one gets a new key.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, errorMessage } from '../api';
import { FormError } from '../components/Field';
import { PageHeader } from '../components/PageHeader';
import { Link, useLocation } from '../router';
import type { UserMe } from '../api';
import { useTitle } from '../util';
import {
  newIdempotencyKey,
  shopApi,
  shopPaths,
  type Checkout,
  type CheckoutRequest,
  type Quote,
  type ShippingAddress,
} from './api';
import { refreshCart } from './cart';
import { OrderStatusChip, Spinner } from './common';
import { formatMoney } from './money';

/** The simulated gateway's test tokens, as a buyer chooses them. */
const kTestCards = [
  { token: 'tok_visa', label: 'Test Visa (payment succeeds)' },
  { token: 'tok_chargeDeclined', label: 'Test card that is declined' },
] as const;

const kAddressFields: Array<{ key: keyof ShippingAddress; label: string; required: boolean; autocomplete: string }> = [
  { key: 'name', label: 'Full name', required: true, autocomplete: 'name' },
  { key: 'line1', label: 'Address line 1', required: true, autocomplete: 'address-line1' },
  { key: 'line2', label: 'Address line 2', required: false, autocomplete: 'address-line2' },
  { key: 'city', label: 'City', required: true, autocomplete: 'address-level2' },
  { key: 'region', label: 'State or region', required: false, autocomplete: 'address-level1' },
  { key: 'postal_code', label: 'Postal code', required: true, autocomplete: 'postal-code' },
  { key: 'country', label: 'Country', required: true, autocomplete: 'country' },
  { key: 'phone', label: 'Phone', required: false, autocomplete: 'tel' },
];

const emptyAddress: ShippingAddress = { name: '', line1: '', line2: '', city: '', region: '', postal_code: '', country: '', phone: '' };

function savedAddress(userId: string): ShippingAddress {
  try {
    const s = localStorage.getItem(`riff_ship_address:${userId}`);
    if (s) return { ...emptyAddress, ...(JSON.parse(s) as ShippingAddress) };
  } catch {
    /* nothing saved */
  }
  return emptyAddress;
}

function complete(a: ShippingAddress): boolean {
  return !!(a.name.trim() && a.line1.trim() && a.city.trim() && a.postal_code.trim() && /^[A-Za-z]{2}$/.test(a.country.trim()));
}

function clean(a: ShippingAddress): ShippingAddress {
  const out = { ...a };
  for (const k of Object.keys(out) as Array<keyof ShippingAddress>) out[k] = (out[k] ?? '').trim();
  out.country = out.country.toUpperCase();
  return out;
}

/** Field errors by their place: "shipping_address/city", "coupons/0", ... */
function errorsByPointer(e: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (e instanceof ApiError) for (const f of e.errors) out[f.pointer.replace(/^\//, '')] ??= f.detail;
  return out;
}

type Phase =
  | { kind: 'form' }
  | { kind: 'placing' }
  | { kind: 'waiting'; checkout: Checkout }
  | { kind: 'done'; checkout: Checkout };

export function CheckoutPage({ user }: { user: UserMe }) {
  useTitle('Checkout');
  const { search } = useLocation();
  const params = new URLSearchParams(search);
  const buyVariant = params.get('variant');
  const buyQuantity = Math.max(1, Math.min(99, parseInt(params.get('quantity') ?? '1', 10) || 1));
  const items = buyVariant ? [{ variant_id: buyVariant, quantity: buyQuantity }] : undefined;

  const [address, setAddress] = useState<ShippingAddress>(() => savedAddress(user.id));
  const [shipping, setShipping] = useState<Record<string, string>>({});
  const [coupons, setCoupons] = useState<string[]>([]);
  const [couponText, setCouponText] = useState('');
  const [couponError, setCouponError] = useState<string | null>(null);
  const [payment, setPayment] = useState<string>(kTestCards[0].token);
  const [quote, setQuote] = useState<Quote | null>(null);
  const [quoteError, setQuoteError] = useState<unknown>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [phase, setPhase] = useState<Phase>({ kind: 'form' });
  /** The attempt whose outcome is unknown, to be resent as it was. */
  const pending = useRef<{ body: CheckoutRequest; key: string } | null>(null);

  const addressReady = complete(address);
  const quoteBody: CheckoutRequest = {
    items,
    shipping: Object.keys(shipping).length ? shipping : undefined,
    coupons: coupons.length ? coupons : undefined,
    shipping_address: addressReady ? clean(address) : undefined,
  };
  const quoteKey = JSON.stringify(quoteBody);

  // The server prices everything: re-quote (debounced) whenever the inputs change.
  useEffect(() => {
    if (phase.kind !== 'form') return;
    let live = true;
    const t = setTimeout(() => {
      shopApi.quote(quoteBody).then(
        (q) => {
          if (!live) return;
          setQuote(q);
          setQuoteError(null);
          setFieldErrors({});
        },
        (e: unknown) => {
          if (!live) return;
          const errs = errorsByPointer(e);
          const bad = Object.keys(errs).find((k) => k.startsWith('coupons'));
          if (bad) {
            // Drop the coupon the server refused and price without it.
            setCouponError(errs[bad]!);
            const i = Number(bad.split('/')[1]);
            setCoupons((cs) => (Number.isInteger(i) ? cs.filter((_, j) => j !== i) : []));
            return;
          }
          setFieldErrors(errs);
          setQuoteError(e);
        },
      );
    }, 250);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [quoteKey, phase.kind]);

  // Waiting for the gateway's webhook: poll the checkout until it settles.
  useEffect(() => {
    if (phase.kind !== 'waiting') return;
    let live = true;
    let timer: ReturnType<typeof setTimeout>;
    const poll = () => {
      shopApi.checkoutStatus(phase.checkout.id).then(
        (c) => {
          if (!live) return;
          if (c.status === 'processing' || c.status === 'pending') timer = setTimeout(poll, 1000);
          else setPhase({ kind: 'done', checkout: c });
        },
        () => live && (timer = setTimeout(poll, 2000)),
      );
    };
    timer = setTimeout(poll, 500);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [phase]);

  const applyCoupon = (e: Event) => {
    e.preventDefault();
    const code = couponText.trim().toUpperCase();
    setCouponError(null);
    if (!code) return;
    if (!coupons.includes(code)) setCoupons([...coupons, code]);
    setCouponText('');
  };

  const place = async (e: Event) => {
    e.preventDefault();
    setFormError(null);
    if (!addressReady) {
      const errs: Record<string, string> = {};
      for (const f of kAddressFields) {
        if (f.required && !address[f.key]?.trim()) errs[`shipping_address/${f.key}`] = `${f.label} is required`;
      }
      if (address.country.trim() && !/^[A-Za-z]{2}$/.test(address.country.trim())) {
        errs['shipping_address/country'] = 'Use the two-letter country code, like US or DE';
      }
      setFieldErrors(errs);
      return;
    }
    const attempt = pending.current ?? {
      body: { ...quoteBody, shipping_address: clean(address), payment_method: payment },
      key: newIdempotencyKey(),
    };
    pending.current = null;
    setPhase({ kind: 'placing' });
    try {
      const c = await shopApi.checkout(attempt.body, attempt.key);
      try {
        localStorage.setItem(`riff_ship_address:${user.id}`, JSON.stringify(clean(address)));
      } catch {
        /* private mode */
      }
      refreshCart().catch(() => {});
      setPhase(c.status === 'processing' || c.status === 'pending' ? { kind: 'waiting', checkout: c } : { kind: 'done', checkout: c });
    } catch (err) {
      setPhase({ kind: 'form' });
      const uncertain = !(err instanceof ApiError) || err.status === 0 || err.status >= 500;
      if (uncertain) pending.current = attempt;
      if (err instanceof ApiError && err.slug === 'payment-declined') {
        setFormError(`Your card was declined, so nothing was charged and no order was placed. Choose another card and try again.`);
      } else if (err instanceof ApiError && err.slug === 'out-of-stock') {
        setFormError(`${err.detail || 'Something in your order just sold out.'} Change your order and try again.`);
        refreshCart().catch(() => {});
      } else if (err instanceof ApiError && err.status === 400) {
        setFieldErrors(errorsByPointer(err));
        setFormError(err.detail || 'Check the highlighted fields.');
      } else if (uncertain) {
        setFormError(
          `${errorMessage(err)} We couldn't confirm your order. Placing it again sends the same order, so you will not be charged twice.`,
        );
      } else {
        setFormError(errorMessage(err));
      }
    }
  };

  if (phase.kind === 'waiting' || phase.kind === 'done') return <CheckoutResult phase={phase} />;

  const busy = phase.kind === 'placing';
  const currency = quote?.currency ?? 'USD';
  return (
    <div class="shop-page">
      <PageHeader title="Checkout" back />
      <form class="form checkout" onSubmit={place} noValidate aria-busy={busy}>
        <section class="card" aria-labelledby="co-items">
          <h2 id="co-items">{items ? 'Buy now' : 'Your cart'}</h2>
          {!quote && !quoteError && <Spinner />}
          {quoteError != null && <QuoteProblem error={quoteError} fieldErrors={fieldErrors} />}
          {quote?.shops.map((s) => (
            <div class="co-shop" key={s.shop.id}>
              <p class="strong">{s.shop.name}</p>
              <ul class="co-items">
                {s.items.map((it) => (
                  <li key={it.variant_id}>
                    <span>
                      {it.title}
                      {it.variant_title ? ` (${it.variant_title})` : ''} × {it.quantity}
                    </span>
                    <span>{formatMoney(it.amount, currency)}</span>
                  </li>
                ))}
              </ul>
              {s.shipping_options.length > 0 && (
                <fieldset class="option-list">
                  <legend>Shipping from {s.shop.name}</legend>
                  {s.shipping_options.map((o) => (
                    <label key={o.id} class="radio-row">
                      <input
                        type="radio"
                        name={`ship-${s.shop.id}`}
                        value={o.id}
                        checked={s.shipping.id === o.id}
                        onChange={() => setShipping({ ...shipping, [s.shop.id]: o.id })}
                      />
                      <span>
                        {o.name} · {formatMoney(o.price, currency)}
                        <span class="muted-inline">
                          {' '}
                          · {o.min_days === o.max_days ? o.max_days : `${o.min_days}–${o.max_days}`} days
                        </span>
                      </span>
                    </label>
                  ))}
                </fieldset>
              )}
            </div>
          ))}
        </section>

        <section class="card form" aria-labelledby="co-address">
          <h2 id="co-address">Shipping address</h2>
          {kAddressFields.map((f) => {
            const err = fieldErrors[`shipping_address/${f.key}`];
            const id = `ship-${f.key}`;
            return (
              <div class={`field${err ? ' field-invalid' : ''}`} key={f.key}>
                <label for={id}>{f.label}</label>
                <input
                  id={id}
                  value={address[f.key] ?? ''}
                  autocomplete={f.autocomplete}
                  required={f.required}
                  aria-invalid={err ? 'true' : undefined}
                  aria-describedby={err ? `${id}-error` : f.key === 'country' ? `${id}-hint` : undefined}
                  maxLength={f.key === 'country' ? 2 : 200}
                  onInput={(e) => setAddress({ ...address, [f.key]: e.currentTarget.value })}
                />
                {f.key === 'country' && !err && (
                  <p id={`${id}-hint`} class="field-hint">
                    Two letters, like US or DE. With the state it sets the tax.
                  </p>
                )}
                {err && (
                  <p id={`${id}-error`} class="field-error" role="alert">
                    {err}
                  </p>
                )}
              </div>
            );
          })}
        </section>

        <section class="card" aria-labelledby="co-coupon">
          <h2 id="co-coupon">Coupon</h2>
          <div class="coupon-row">
            <div class={`field${couponError ? ' field-invalid' : ''}`}>
              <label for="coupon-code">Coupon code</label>
              <input
                id="coupon-code"
                value={couponText}
                autocapitalize="characters"
                aria-describedby={couponError ? 'coupon-error' : undefined}
                onInput={(e) => setCouponText(e.currentTarget.value)}
                onKeyDown={(e) => e.key === 'Enter' && applyCoupon(e)}
              />
            </div>
            <button type="button" class="btn btn-secondary" onClick={applyCoupon}>
              Apply
            </button>
          </div>
          {couponError && (
            <p id="coupon-error" class="field-error" role="alert">
              {couponError}
            </p>
          )}
          {coupons.length > 0 && (
            <ul class="applied-coupons" aria-label="Applied coupons">
              {coupons.map((c) => (
                <li key={c} class="chip">
                  {c}
                  <button type="button" class="link-button" aria-label={`Remove coupon ${c}`} onClick={() => setCoupons(coupons.filter((x) => x !== c))}>
                    ×
                  </button>
                </li>
              ))}
            </ul>
          )}
        </section>

        <section class="card" aria-labelledby="co-pay">
          <h2 id="co-pay">Payment</h2>
          <fieldset class="option-list">
            <legend>Test payment method</legend>
            <p class="muted-inline test-note">
              Test payments: riff runs a simulated payment gateway here. No real card is charged and no money moves.
            </p>
            {kTestCards.map((c) => (
              <label key={c.token} class="radio-row">
                <input type="radio" name="payment" value={c.token} checked={payment === c.token} onChange={() => setPayment(c.token)} />
                <span>{c.label}</span>
              </label>
            ))}
          </fieldset>
        </section>

        {quote && (
          <section class="card" aria-labelledby="co-totals">
            <h2 id="co-totals">Summary</h2>
            <dl class="totals" data-testid="checkout-totals">
              <div>
                <dt>Subtotal</dt>
                <dd>{formatMoney(quote.subtotal, currency)}</dd>
              </div>
              <div>
                <dt>Shipping</dt>
                <dd>{quote.shipping ? formatMoney(quote.shipping, currency) : 'Free'}</dd>
              </div>
              {quote.discount > 0 && (
                <div>
                  <dt>Discount</dt>
                  <dd data-testid="checkout-discount">−{formatMoney(quote.discount, currency)}</dd>
                </div>
              )}
              <div>
                <dt>Tax</dt>
                <dd>{addressReady ? formatMoney(quote.tax, currency) : 'With your address'}</dd>
              </div>
              <div class="total">
                <dt>Total</dt>
                <dd data-testid="checkout-total">{formatMoney(quote.total, currency)}</dd>
              </div>
            </dl>
          </section>
        )}

        <FormError message={formError} />
        <button type="submit" class="btn btn-primary btn-block" disabled={busy || !quote}>
          {busy ? 'Placing order…' : quote ? `Place order · ${formatMoney(quote.total, currency)}` : 'Place order'}
        </button>
      </form>
    </div>
  );
}

/** Why the order cannot be priced: the cart is empty, a line is gone, ... (address errors sit on their fields). */
function QuoteProblem({ error, fieldErrors }: { error: unknown; fieldErrors: Record<string, string> }) {
  const messages = Object.entries(fieldErrors)
    .filter(([k]) => !k.startsWith('shipping_address'))
    .map(([, v]) => v);
  if (!messages.length && Object.keys(fieldErrors).length) return null;
  return (
    <div class="form-error" role="alert">
      {messages.length ? messages.map((m) => <p key={m}>{m}</p>) : <p>{errorMessage(error)}</p>}
      {fieldErrors.items && (
        <p>
          <Link href={shopPaths.hub}>Browse products</Link>
        </p>
      )}
    </div>
  );
}

function CheckoutResult({ phase }: { phase: Extract<Phase, { kind: 'waiting' | 'done' }> }) {
  const c = phase.checkout;
  const heading =
    phase.kind === 'waiting'
      ? 'Waiting for payment confirmation…'
      : c.status === 'paid'
        ? 'Payment confirmed'
        : c.status === 'declined'
          ? 'Payment declined'
          : 'Payment not completed';
  return (
    <div class="shop-page">
      <PageHeader title="Checkout" />
      <section class="checkout-result" data-testid="checkout-result" data-status={phase.kind === 'waiting' ? 'processing' : c.status}>
        {phase.kind === 'waiting' && <span class="spinner" aria-hidden="true" />}
        <div role="status" aria-live="polite">
          <h1>{heading}</h1>
        </div>
        <p class="muted">
          {phase.kind === 'waiting'
            ? 'Your order is placed and the items are held for you. The payment is being confirmed.'
            : c.status === 'paid'
              ? `You paid ${formatMoney(c.total, c.currency)}. The seller will ship your order soon.`
              : c.status === 'declined'
                ? 'Nothing was charged and the items are back on sale.'
                : 'The payment did not arrive in time, so the order was cancelled and nothing was charged.'}
        </p>
        <ul class="result-orders" aria-label="Orders">
          {c.orders.map((o) => (
            <li key={o.id}>
              <Link href={shopPaths.order(o.id)} class="order-row" data-testid="order-row" data-order-id={o.id}>
                <span>
                  {o.shop.name} · {formatMoney(o.total, o.currency)}
                </span>
                <OrderStatusChip status={phase.kind === 'waiting' ? 'unpaid' : o.status} />
              </Link>
            </li>
          ))}
        </ul>
        <div class="placeholder-actions">
          <Link href={shopPaths.orders} class="btn btn-secondary">
            Your orders
          </Link>
          <Link href={shopPaths.hub} class="btn btn-ghost">
            Keep shopping
          </Link>
        </div>
      </section>
    </div>
  );
}
