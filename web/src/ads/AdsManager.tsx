// /ads: the ads manager. The advertiser's ad budget (Funds), their campaigns
// with spend and results, pause / resume / end, and "New campaign".
import { useState } from 'preact/hooks';
import { errorMessage, type UserMe } from '../api';
import { PageHeader } from '../components/PageHeader';
import { useLoad } from '../music/useLoad';
import { LoadError, Section, Spinner, dateTime } from '../shop/common';
import { formatMoney } from '../shop/money';
import { toast } from '../toast';
import { useTitle } from '../util';
import { adsApi, type Campaign } from './api';
import { Funds } from './Funds';
import { NewCampaign } from './NewCampaign';

/** Currencies an ad budget may be kept in (the server accepts any ISO 4217 code). */
const kCurrencies = 'USD EUR GBP CAD AUD JPY CHF SEK NOK DKK PLN BRL MXN INR KRW SGD NZD ZAR'.split(' ');

const kStatusText: Record<string, string> = {
  active: 'Active',
  paused: 'Paused',
  ended: 'Ended',
  exhausted: 'Budget spent',
};

function CampaignRow({ c, onChange }: { c: Campaign; onChange: (c: Campaign) => void }) {
  const [busy, setBusy] = useState(false);
  const set = async (status: 'active' | 'paused' | 'ended') => {
    setBusy(true);
    try {
      onChange(await adsApi.setStatus(c.id, status));
    } catch (e) {
      toast(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  const m = (n: number) => formatMoney(n, c.currency);
  const targeting = [c.countries.join(', '), c.hashtags.map((h) => `#${h}`).join(' ')].filter(Boolean).join(' · ');
  return (
    <li class="seller-row campaign-row" data-testid="campaign" data-campaign-id={c.id} data-status={c.status}>
      <span class="seller-row-main">
        <span class="strong">
          {c.name} <span class={`chip campaign-status status-${c.status}`} data-testid="campaign-status">{kStatusText[c.status] ?? c.status}</span>
        </span>
        <dl class="campaign-stats">
          <div>
            <dt>Budget</dt>
            <dd>{m(c.budget)}</dd>
          </div>
          <div>
            <dt>Spent</dt>
            <dd data-testid="campaign-spent" data-amount={c.spent}>
              {m(c.spent)}
            </dd>
          </div>
          <div>
            <dt>Remaining</dt>
            <dd data-testid="campaign-remaining">{m(c.remaining)}</dd>
          </div>
          <div>
            <dt>Impressions</dt>
            <dd data-testid="campaign-impressions">{c.impressions}</dd>
          </div>
          <div>
            <dt>Taps</dt>
            <dd data-testid="campaign-taps">{c.taps}</dd>
          </div>
        </dl>
        <span class="muted-inline">
          CPM {m(c.cpm_bid)}
          {c.cpc_bid > 0 ? ` · per tap ${m(c.cpc_bid)}` : ''} · {targeting || 'everyone, everywhere'}
          {c.ends_at ? ` · ends ${dateTime(c.ends_at)}` : ''}
        </span>
      </span>
      <span class="campaign-actions">
        {c.status === 'active' && (
          <button type="button" class="btn btn-secondary btn-small" disabled={busy} aria-label={`Pause ${c.name}`} onClick={() => set('paused')}>
            Pause
          </button>
        )}
        {c.status === 'paused' && (
          <button type="button" class="btn btn-secondary btn-small" disabled={busy} aria-label={`Resume ${c.name}`} onClick={() => set('active')}>
            Resume
          </button>
        )}
        {(c.status === 'active' || c.status === 'paused') && (
          <button type="button" class="btn btn-ghost btn-small" disabled={busy} aria-label={`End ${c.name}`} onClick={() => set('ended')}>
            End
          </button>
        )}
      </span>
    </li>
  );
}

export function AdsManager({ user }: { user: UserMe }) {
  useTitle('Ads manager');
  const [currency, setCurrency] = useState('USD');
  const [creating, setCreating] = useState(false);
  const campaigns = useLoad(`ad-campaigns:${user.id}`, () => adsApi.campaigns());
  const replace = (c: Campaign) => campaigns.set({ items: (campaigns.data?.items ?? []).map((x) => (x.id === c.id ? c : x)) });
  const list = campaigns.data?.items ?? [];
  return (
    <div class="shop-page">
      <PageHeader
        title="Ads manager"
        back
        right={
          <button type="button" class="btn btn-ghost btn-small" onClick={campaigns.reload}>
            Refresh
          </button>
        }
      />
      <div class="settings">
        <p class="muted">Promote your videos in For You. Impressions and taps are paid from your ad budget, never more than a campaign's budget.</p>
        <div class="field">
          <label for="ads-currency">Currency</label>
          <select id="ads-currency" value={currency} onChange={(e) => setCurrency(e.currentTarget.value)}>
            {kCurrencies.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </div>
        <Funds key={currency} currency={currency} />
        {creating ? (
          <NewCampaign
            user={user}
            currency={currency}
            onCancel={() => setCreating(false)}
            onCreated={(c) => {
              campaigns.set({ items: [c, ...list] });
              setCreating(false);
            }}
          />
        ) : (
          <button type="button" class="btn btn-primary" onClick={() => setCreating(true)}>
            New campaign
          </button>
        )}
        <Section title="Campaigns">
          {campaigns.loading && !campaigns.data ? (
            <Spinner />
          ) : !campaigns.data ? (
            <LoadError error={campaigns.error} what="campaigns" retry={campaigns.reload} />
          ) : list.length === 0 ? (
            <p class="muted">No campaigns yet.</p>
          ) : (
            <ul class="seller-list" aria-label="Campaigns">
              {list.map((c) => (
                <CampaignRow key={c.id} c={c} onChange={replace} />
              ))}
            </ul>
          )}
        </Section>
      </div>
    </div>
  );
}
