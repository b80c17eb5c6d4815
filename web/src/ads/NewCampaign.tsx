// "New campaign": promote one of the advertiser's public videos (and
// optionally a product of their shop) with a budget, a CPM bid, an optional
// per-tap bid, targeting and an end date. Amounts are typed as money and sent
// in minor units; the server's field errors show beside their fields.
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { ApiError, errorMessage, type UserMe } from '../api';
import { Field, FormError } from '../components/Field';
import { useLoad } from '../music/useLoad';
import { shopApi } from '../shop/api';
import { parseMoney } from '../shop/money';
import { toast } from '../toast';
import { videoApi } from '../video/api';
import { adsApi, type Campaign, type NewCampaign as NewCampaignBody } from './api';

/** "US, ca de" -> ["US", "CA", "DE"]. */
function splitCountries(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((c) => c.toUpperCase());
}

/** "#cats, dogs" -> ["cats", "dogs"]. */
function splitHashtags(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((t) => t.replace(/^#+/, ''))
    .filter(Boolean);
}

function SelectField(props: {
  id: string;
  label: string;
  value: string;
  onValue: (v: string) => void;
  error?: string;
  children: ComponentChildren;
}) {
  return (
    <div class={`field${props.error ? ' field-invalid' : ''}`}>
      <label for={props.id}>{props.label}</label>
      <select
        id={props.id}
        value={props.value}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={props.error ? `${props.id}-error` : undefined}
        onChange={(e) => props.onValue(e.currentTarget.value)}
      >
        {props.children}
      </select>
      {props.error && (
        <p id={`${props.id}-error`} class="field-error" data-testid={`field-error-${props.id}`} role="alert">
          {props.error}
        </p>
      )}
    </div>
  );
}

export function NewCampaign(props: { user: UserMe; currency: string; onCreated: (c: Campaign) => void; onCancel: () => void }) {
  const { currency } = props;
  const videos = useLoad(`ad-videos:${props.user.handle}`, () => videoApi.userVideos(props.user.handle, { limit: 50 }));
  // No shop (404) simply means no products to offer.
  const products = useLoad(`ad-products:${props.user.id}`, () => shopApi.myProducts({ limit: 100 }).catch(() => ({ items: [], next_cursor: null })));
  const [name, setName] = useState('');
  const [videoId, setVideoId] = useState('');
  const [productId, setProductId] = useState('');
  const [budget, setBudget] = useState('');
  const [cpm, setCpm] = useState('');
  const [cpc, setCpc] = useState('');
  const [countries, setCountries] = useState('');
  const [hashtags, setHashtags] = useState('');
  const [ends, setEnds] = useState('');
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);

  const eligible = (videos.data?.items ?? []).filter((v) => v.status === 'ready' && v.visibility === 'public');
  const shopProducts = (products.data?.items ?? []).filter((p) => p.status === 'active');

  const submit = async (e: Event) => {
    e.preventDefault();
    const errs: Record<string, string> = {};
    const money = (key: string, text: string, required: boolean): number | undefined => {
      if (!text.trim()) {
        if (required) errs[key] = `Enter an amount in ${currency}`;
        return undefined;
      }
      const v = parseMoney(text, currency);
      if (v === null) errs[key] = `Enter an amount in ${currency}, like 20.00`;
      return v ?? undefined;
    };
    const body: NewCampaignBody = {
      name: name.trim(),
      video_id: videoId,
      currency,
      budget: money('budget', budget, true) ?? 0,
      cpm_bid: money('cpm_bid', cpm, true) ?? 0,
    };
    const tap = money('cpc_bid', cpc, false);
    if (tap !== undefined) body.cpc_bid = tap;
    if (productId) body.product_id = productId;
    if (countries.trim()) body.countries = splitCountries(countries);
    if (hashtags.trim()) body.hashtags = splitHashtags(hashtags);
    if (ends) {
      const t = new Date(ends);
      if (Number.isNaN(t.getTime())) errs.ends_at = 'Choose a date and time';
      else body.ends_at = t.toISOString();
    }
    if (!videoId) errs.video_id = 'Choose a video to promote';
    setErrors(errs);
    setError(null);
    if (Object.keys(errs).length) return;
    setBusy(true);
    try {
      const c = await adsApi.createCampaign(body);
      toast('Campaign started');
      props.onCreated(c);
    } catch (err) {
      if (err instanceof ApiError && err.errors.length) {
        setErrors(err.fieldErrors());
        setError(err.detail || 'Check the highlighted fields.');
      } else setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="card form" onSubmit={submit} aria-labelledby="new-campaign">
      <h2 id="new-campaign">New campaign</h2>
      <Field id="name" label="Campaign name" value={name} onValue={setName} error={errors.name} />
      <SelectField id="video_id" label="Video to promote" value={videoId} onValue={setVideoId} error={errors.video_id}>
        <option value="">{videos.loading ? 'Loading your videos…' : eligible.length ? 'Choose a video' : 'No public videos yet'}</option>
        {eligible.map((v) => (
          <option key={v.id} value={v.id}>
            {v.caption.trim() || `Video from ${new Date(v.created_at).toLocaleDateString()}`}
          </option>
        ))}
      </SelectField>
      {shopProducts.length > 0 && (
        <SelectField id="product_id" label="Product (optional)" value={productId} onValue={setProductId} error={errors.product_id}>
          <option value="">No product</option>
          {shopProducts.map((p) => (
            <option key={p.id} value={p.id}>
              {p.title}
            </option>
          ))}
        </SelectField>
      )}
      <div class="form-row">
        <div class="grow">
          <Field id="budget" label={`Budget (${currency})`} value={budget} onValue={setBudget} error={errors.budget} hint="The most it may ever spend." />
        </div>
        <div class="grow">
          <Field id="cpm_bid" label={`CPM bid (${currency})`} value={cpm} onValue={setCpm} error={errors.cpm_bid} hint="Per 1,000 impressions." />
        </div>
      </div>
      <Field id="cpc_bid" label={`Per-tap bid (${currency}, optional)`} value={cpc} onValue={setCpc} error={errors.cpc_bid} />
      <Field
        id="countries"
        label="Countries (optional)"
        value={countries}
        onValue={setCountries}
        error={errors.countries}
        hint="Two-letter codes like US, DE; empty: everywhere."
        autocapitalize="characters"
        spellcheck={false}
      />
      <Field
        id="hashtags"
        label="Hashtags (optional)"
        value={hashtags}
        onValue={setHashtags}
        error={errors.hashtags}
        hint="Shown to viewers into these, like #cats #coffee; empty: everyone."
        autocapitalize="none"
        spellcheck={false}
      />
      <div class={`field${errors.ends_at ? ' field-invalid' : ''}`}>
        <label for="ends_at">End date (optional)</label>
        <input id="ends_at" type="datetime-local" value={ends} onInput={(e) => setEnds(e.currentTarget.value)} />
        {errors.ends_at && (
          <p class="field-error" data-testid="field-error-ends_at" role="alert">
            {errors.ends_at}
          </p>
        )}
      </div>
      {errors.currency && (
        <p class="field-error" role="alert">
          {errors.currency}
        </p>
      )}
      <FormError message={error} />
      <div class="form-row">
        <button type="submit" class="btn btn-primary" disabled={busy}>
          Start campaign
        </button>
        <button type="button" class="btn btn-ghost" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
