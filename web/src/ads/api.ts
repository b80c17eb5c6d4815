// Brand ads (tag "ads"): the advertiser's ad budget and campaigns, and the
// reports a viewer's client sends for a sponsored For You card. Every amount
// is an integer in minor units of `currency`.
import { request } from '../api';

const enc = encodeURIComponent;

export type FundingStatus = 'pending' | 'paid' | 'declined';

export interface AdFunding {
  id: string;
  amount: number;
  currency: string;
  status: FundingStatus;
  decline_code: string | null;
  created_at: string;
}

export interface AdFunds {
  items: AdFunding[];
  currency: string;
  balance: number;
}

export type CampaignStatus = 'active' | 'paused' | 'ended' | 'exhausted';

export interface Campaign {
  id: string;
  name: string;
  video_id: string;
  product_id: string | null;
  currency: string;
  budget: number;
  cpm_bid: number;
  cpc_bid: number;
  countries: string[];
  hashtags: string[];
  status: CampaignStatus;
  starts_at: string;
  ends_at: string | null;
  spent: number;
  remaining: number;
  impressions: number;
  taps: number;
  created_at: string;
}

export interface NewCampaign {
  name: string;
  video_id: string;
  product_id?: string;
  currency: string;
  budget: number;
  cpm_bid: number;
  cpc_bid?: number;
  countries?: string[];
  hashtags?: string[];
  ends_at?: string;
}

export interface FundBody {
  amount: number;
  currency: string;
  payment_method: string;
}

/** `sponsored` on a For You card that is a brand's ad. */
export interface Sponsored {
  label: string;
  campaign_id: string;
  token: string;
  product_id: string | null;
}

export const adsApi = {
  funds: (currency: string) => request<AdFunds>('GET', '/me/ads/funds', { query: { currency } }),
  fund: (body: FundBody, idempotencyKey: string) =>
    request<AdFunding>('POST', '/me/ads/funds', { json: body, headers: { 'Idempotency-Key': idempotencyKey } }),
  campaigns: () => request<{ items: Campaign[] }>('GET', '/me/ads/campaigns'),
  createCampaign: (body: NewCampaign) => request<Campaign>('POST', '/me/ads/campaigns', { json: body }),
  setStatus: (id: string, status: 'active' | 'paused' | 'ended') =>
    request<Campaign>('PATCH', `/me/ads/campaigns/${enc(id)}`, { json: { status } }),
};

// Each token is charged once by the server; the client also sends each report
// once, so that re-showing a card (scrolling back) costs no requests.
const reported = { impression: new Set<string>(), tap: new Set<string>() };

/**
 * Reports that a sponsored card was shown or tapped, once per token and kind.
 * Fire and forget: playback never waits for it and a failure is ignored (the
 * advertiser is at worst not charged).
 */
export function reportAd(kind: 'impression' | 'tap', ad: Sponsored | undefined | null): void {
  if (!ad?.token || reported[kind].has(ad.token)) return;
  reported[kind].add(ad.token);
  const path = kind === 'impression' ? '/ads/impressions' : '/ads/taps';
  request('POST', path, { json: { token: ad.token } }).catch(() => {});
}
