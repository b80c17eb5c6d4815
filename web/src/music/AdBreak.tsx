// Ad breaks for free listeners: when a reported play says an ad is due, the
// next track waits for an audio ad, shown in the player bar as "Ad". The
// ad source is plugged in by installAdBreaks (premium listeners get none:
// the server never says one is due for them).
import { createStore, useStore } from '../store';
import { musicApi, type Ad } from './api';
import { onPlayReported, playInterstitial, setBeforeNext } from './player';

const current = createStore<Ad | null>(null);

export function useAdBreak(): Ad | null {
  return useStore(current);
}

export interface AdSource {
  /** The ad to play now (null when there is none to serve). */
  fetch: () => Promise<Ad | null>;
  /** Records that `ad` was heard to the end. */
  impression: (ad: Ad) => Promise<void>;
}

/** The server's ads: GET /music/ads/next, and the impression with the served token. */
export const serverAdSource: AdSource = {
  fetch: async () => (await musicApi.nextAd()) ?? null,
  impression: async (ad) => {
    if (ad.token) await musicApi.adImpression(ad.token);
  },
};

let due = false;

/** Plays an ad before the next track whenever the last reported play said one is due. */
export function installAdBreaks(source: AdSource): void {
  onPlayReported((_t, r) => {
    if (r.ad_due) due = true;
  });
  setBeforeNext(async () => {
    if (!due) return;
    due = false;
    let ad: Ad | null = null;
    try {
      ad = await source.fetch();
    } catch {
      return; // no ad to serve: the music goes on
    }
    if (!ad) return;
    current.set(ad);
    try {
      const { heard } = await playInterstitial(ad.audio_url);
      if (heard) await source.impression(ad).catch(() => {});
    } finally {
      current.set(null);
    }
  });
}

export function AdBanner(props: { ad: Ad }) {
  return (
    <div class="player-bar player-ad" data-testid="ad-break" role="status">
      <span class="ad-badge">Ad</span>
      <span class="track-text">
        <span class="track-title">{props.ad.title || 'Advertisement'}</span>
        <span class="track-sub">{props.ad.advertiser ? `${props.ad.advertiser} · ` : ''}Your music continues after this</span>
      </span>
    </div>
  );
}
