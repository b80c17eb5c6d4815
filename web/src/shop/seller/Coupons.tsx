// The shop's coupons: create one (percent or amount off, with limits and an
// end date) and turn them on or off.
import { useState } from 'preact/hooks';
import { ApiError, errorMessage } from '../../api';
import { Field, FormError } from '../../components/Field';
import { useLoad } from '../../music/useLoad';
import { toast } from '../../toast';
import { shopApi, type Coupon, type CouponInput, type Shop } from '../api';
import { dateTime, LoadError, Spinner } from '../common';
import { formatMoney, parseMoney } from '../money';

function describe(c: Coupon, cur: string): string {
  const off = c.kind === 'percent' ? `${c.value}% off` : `${formatMoney(c.value, cur)} off`;
  const parts = [off];
  if (c.min_subtotal > 0) parts.push(`orders from ${formatMoney(c.min_subtotal, cur)}`);
  parts.push(c.max_uses != null ? `${c.uses} of ${c.max_uses} used` : `${c.uses} used`);
  if (c.per_buyer_limit > 0) parts.push(`${c.per_buyer_limit} per buyer`);
  if (c.ends_at) parts.push(`ends ${dateTime(c.ends_at)}`);
  return parts.join(' · ');
}

function NewCoupon({ cur, onCreated }: { cur: string; onCreated: (c: Coupon) => void }) {
  const [code, setCode] = useState('');
  const [kind, setKind] = useState<'percent' | 'amount'>('percent');
  const [value, setValue] = useState('');
  const [minSubtotal, setMinSubtotal] = useState('');
  const [maxUses, setMaxUses] = useState('');
  const [perBuyer, setPerBuyer] = useState('');
  const [ends, setEnds] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    setErrors({});
    setError(null);
    const local: Record<string, string> = {};
    const v = kind === 'percent' ? (/^\d+$/.test(value.trim()) ? Number(value) : null) : parseMoney(value, cur);
    if (v === null || v <= 0) local.value = kind === 'percent' ? 'A whole percent from 1 to 100' : `An amount in ${cur}`;
    const min = minSubtotal.trim() ? parseMoney(minSubtotal, cur) : 0;
    if (min === null) local.min_subtotal = `An amount in ${cur}`;
    const whole = (s: string, k: string) => {
      if (!s.trim()) return undefined;
      if (!/^\d+$/.test(s.trim())) local[k] = 'A whole number';
      return Number(s);
    };
    const body: CouponInput = {
      code: code.trim(),
      kind,
      value: v ?? 0,
      min_subtotal: min ?? 0,
      max_uses: whole(maxUses, 'max_uses'),
      per_buyer_limit: whole(perBuyer, 'per_buyer_limit'),
      ends_at: ends ? new Date(ends).toISOString() : undefined,
    };
    if (Object.keys(local).length) {
      setErrors(local);
      return;
    }
    setBusy(true);
    try {
      onCreated(await shopApi.createCoupon(body));
      setCode('');
      setValue('');
      toast('Coupon created');
    } catch (err) {
      if (err instanceof ApiError && err.errors.length) setErrors(err.fieldErrors());
      else setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="card form" onSubmit={submit} aria-labelledby="new-coupon">
      <h2 id="new-coupon">New coupon</h2>
      <Field id="code" label="Code" value={code} onValue={setCode} error={errors.code} hint="3–32 letters, digits, - or _" autocapitalize="characters" />
      <div class="field">
        <label for="coupon-kind">Discount</label>
        <select id="coupon-kind" value={kind} onChange={(e) => setKind(e.currentTarget.value as 'percent' | 'amount')}>
          <option value="percent">Percent off</option>
          <option value="amount">Amount off ({cur})</option>
        </select>
      </div>
      <Field id="value" label={kind === 'percent' ? 'Percent' : `Amount (${cur})`} value={value} onValue={setValue} error={errors.value} />
      <Field id="min_subtotal" label={`Minimum subtotal (${cur})`} value={minSubtotal} onValue={setMinSubtotal} error={errors.min_subtotal} />
      <Field id="max_uses" label="Total uses (empty for no limit)" value={maxUses} onValue={setMaxUses} error={errors.max_uses} />
      <Field id="per_buyer_limit" label="Uses per buyer (empty for no limit)" value={perBuyer} onValue={setPerBuyer} error={errors.per_buyer_limit} />
      <div class="field">
        <label for="coupon-ends">Ends (optional)</label>
        <input id="coupon-ends" type="datetime-local" value={ends} onInput={(e) => setEnds(e.currentTarget.value)} />
      </div>
      <FormError message={error} />
      <button type="submit" class="btn btn-primary" disabled={busy}>
        Create coupon
      </button>
    </form>
  );
}

export function CouponsTab({ shop }: { shop: Shop }) {
  const list = useLoad(`coupons:${shop.id}`, () => shopApi.coupons());
  const toggle = async (c: Coupon) => {
    try {
      const next = await shopApi.setCouponActive(c.id, !c.active);
      list.set({ items: (list.data?.items ?? []).map((x) => (x.id === c.id ? next : x)) });
    } catch (e) {
      toast(errorMessage(e));
    }
  };
  return (
    <div class="settings">
      <NewCoupon cur={shop.currency} onCreated={(c) => list.set({ items: [c, ...(list.data?.items ?? [])] })} />
      {list.loading && !list.data ? (
        <Spinner />
      ) : !list.data ? (
        <LoadError error={list.error} what="coupon list" retry={list.reload} />
      ) : list.data.items.length === 0 ? (
        <p class="muted">No coupons yet.</p>
      ) : (
        <ul class="seller-list" aria-label="Coupons">
          {list.data.items.map((c) => (
            <li key={c.id} class="seller-row" data-testid="coupon">
              <span class="seller-row-main">
                <span class="strong">{c.code}</span>
                <span class="muted-inline">{describe(c, shop.currency)}</span>
              </span>
              <span class="switch-row">
                <label for={`coupon-on-${c.id}`} class="visually-hidden">
                  {c.code} active
                </label>
                <input id={`coupon-on-${c.id}`} type="checkbox" role="switch" class="switch" checked={c.active} onChange={() => toggle(c)} />
              </span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
