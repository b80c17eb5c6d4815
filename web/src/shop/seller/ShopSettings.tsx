// The shop's profile: name, logo, description, policies, return address and
// whether it sells (paused or closed hides every product from others).
import { useState } from 'preact/hooks';
import { ApiError, errorMessage } from '../../api';
import { Field, FormError } from '../../components/Field';
import { toast } from '../../toast';
import { shopApi, type Address, type Shop, type ShopStatus } from '../api';
import { ProductImage } from '../common';

const kAddress: Array<{ key: keyof Address; label: string }> = [
  { key: 'name', label: 'Return name' },
  { key: 'line1', label: 'Return address line 1' },
  { key: 'line2', label: 'Return address line 2' },
  { key: 'city', label: 'Return city' },
  { key: 'region', label: 'Return state or region' },
  { key: 'postal_code', label: 'Return postal code' },
  { key: 'country', label: 'Return country' },
];

export function ShopSettingsTab({ shop, onChange }: { shop: Shop; onChange: (s: Shop) => void }) {
  const [name, setName] = useState(shop.name);
  const [description, setDescription] = useState(shop.description);
  const [policies, setPolicies] = useState(shop.policies);
  const [status, setStatus] = useState<ShopStatus>(shop.status);
  const [address, setAddress] = useState<Address>(shop.return_address);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const save = async (e: Event) => {
    e.preventDefault();
    setErrors({});
    setError(null);
    setBusy(true);
    try {
      const next = await shopApi.updateShop(shop.id, {
        name: name.trim(),
        description,
        policies,
        status,
        return_address: { ...address, country: address.country.trim().toUpperCase() },
      });
      onChange(next);
      toast('Shop saved');
    } catch (err) {
      if (err instanceof ApiError && err.errors.length) {
        const by: Record<string, string> = {};
        for (const f of err.errors) by[f.pointer.replace(/^\//, '').replace('/', '.')] ??= f.detail;
        setErrors(by);
      }
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const upload = async (input: HTMLInputElement) => {
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    try {
      onChange(await shopApi.uploadLogo(file));
      toast('Logo updated');
    } catch (err) {
      toast(errorMessage(err));
    }
  };

  return (
    <form class="form settings" onSubmit={save} aria-label="Shop settings">
      <section class="card form">
        <h2>Profile</h2>
        <div class="avatar-section">
          <ProductImage url={shop.logo_url} size={64} alt={`${shop.name} logo`} />
          <label class="btn btn-secondary btn-small" for="shop-logo">
            Change logo
          </label>
          <input id="shop-logo" class="visually-hidden" type="file" accept="image/png,image/jpeg,image/webp" onChange={(e) => upload(e.currentTarget)} />
        </div>
        <Field id="name" label="Shop name" value={name} onValue={setName} error={errors.name} />
        <Field id="description" label="Description" value={description} onValue={setDescription} multiline error={errors.description} />
        <Field id="policies" label="Policies" value={policies} onValue={setPolicies} multiline rows={5} error={errors.policies}
          hint="Shipping, returns, care: shown on your shop page." />
        <div class="field">
          <label for="shop-status">Selling</label>
          <select id="shop-status" value={status} onChange={(e) => setStatus(e.currentTarget.value as ShopStatus)}>
            <option value="active">Open: products are for sale</option>
            <option value="paused">Paused: products are hidden for now</option>
            <option value="closed">Closed</option>
          </select>
        </div>
      </section>
      <section class="card form">
        <h2>Return address</h2>
        {kAddress.map((f) => (
          <Field
            key={f.key}
            id={`return-${f.key}`}
            label={f.label}
            value={address[f.key]}
            onValue={(v) => setAddress({ ...address, [f.key]: v })}
            error={errors[`return_address.${f.key}`]}
          />
        ))}
      </section>
      <FormError message={error} />
      <button type="submit" class="btn btn-primary" disabled={busy}>
        Save shop
      </button>
    </form>
  );
}
