// The shop's shipping options, in the order buyers see them. A shop without
// any ships free.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, errorMessage } from '../../api';
import { FormError } from '../../components/Field';
import { useLoad } from '../../music/useLoad';
import { toast } from '../../toast';
import { shopApi, type Shop, type ShippingOption } from '../api';
import { LoadError, Spinner } from '../common';
import { minorToInput, parseMoney } from '../money';

interface Row {
  key: number;
  name: string;
  price: string;
  min: string;
  max: string;
}
let nextKey = 1;

export function ShippingTab({ shop }: { shop: Shop }) {
  const cur = shop.currency;
  const stored = useLoad(`shipping:${shop.id}`, () => shopApi.shippingOptions());
  const [rows, setRows] = useState<Row[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const toRows = (items: ShippingOption[]) =>
    items.map((o) => ({ key: nextKey++, name: o.name, price: minorToInput(o.price, cur), min: String(o.min_days), max: String(o.max_days) }));
  useEffect(() => {
    if (stored.data) setRows(toRows(stored.data.items));
  }, [stored.data]);

  if (!rows) return stored.error ? <LoadError error={stored.error} what="shipping options" retry={stored.reload} /> : <Spinner />;
  const set = (key: number, patch: Partial<Row>) => setRows(rows.map((r) => (r.key === key ? { ...r, ...patch } : r)));

  const save = async (e: Event) => {
    e.preventDefault();
    setError(null);
    const items = [];
    for (const r of rows) {
      const price = parseMoney(r.price, cur);
      if (!r.name.trim() || price === null || !/^\d+$/.test(r.min) || !/^\d+$/.test(r.max)) {
        setError(`Every option needs a name, a price in ${cur} (0 for free) and whole days.`);
        return;
      }
      items.push({ name: r.name.trim(), price, min_days: Number(r.min), max_days: Number(r.max) });
    }
    setBusy(true);
    try {
      const saved = await shopApi.setShippingOptions(items);
      setRows(toRows(saved.items));
      toast('Shipping options saved');
    } catch (err) {
      setError(err instanceof ApiError && err.errors.length ? err.errors.map((x) => x.detail).join('; ') : errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="form settings" onSubmit={save} aria-label="Shipping options">
      {rows.length === 0 && <p class="muted">No shipping options: orders ship free.</p>}
      {rows.map((r, i) => (
        <fieldset class="card variant-row" key={r.key} data-testid="shipping-option">
          <legend>Shipping option {i + 1}</legend>
          <div class="field">
            <label for={`so-${r.key}-name`}>Name</label>
            <input id={`so-${r.key}-name`} value={r.name} maxLength={60} onInput={(e) => set(r.key, { name: e.currentTarget.value })} />
          </div>
          <div class="field">
            <label for={`so-${r.key}-price`}>Price ({cur})</label>
            <input id={`so-${r.key}-price`} inputMode="decimal" value={r.price} onInput={(e) => set(r.key, { price: e.currentTarget.value })} />
          </div>
          <div class="form-row">
            <div class="field">
              <label for={`so-${r.key}-min`}>Min days</label>
              <input id={`so-${r.key}-min`} inputMode="numeric" value={r.min} onInput={(e) => set(r.key, { min: e.currentTarget.value })} />
            </div>
            <div class="field">
              <label for={`so-${r.key}-max`}>Max days</label>
              <input id={`so-${r.key}-max`} inputMode="numeric" value={r.max} onInput={(e) => set(r.key, { max: e.currentTarget.value })} />
            </div>
          </div>
          <button type="button" class="link-button" onClick={() => setRows(rows.filter((x) => x.key !== r.key))}>
            Remove shipping option {i + 1}
          </button>
        </fieldset>
      ))}
      {rows.length < 10 && (
        <button
          type="button"
          class="btn btn-ghost btn-small"
          onClick={() => setRows([...rows, { key: nextKey++, name: '', price: '', min: '3', max: '7' }])}
        >
          Add shipping option
        </button>
      )}
      <FormError message={error} />
      <button type="submit" class="btn btn-primary" disabled={busy}>
        Save shipping options
      </button>
    </form>
  );
}
