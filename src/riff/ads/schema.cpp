#include "riff/ads/schema.hpp"

namespace riff::ads {

std::vector<db::Migration> migrations() {
  return {
      // An advertiser's card payment into their ad budget. state: 0 pending,
      // 1 paid, 2 declined.
      {650, "ads_fundings", R"sql(
CREATE TABLE ad_fundings (
  id BIGINT PRIMARY KEY,
  advertiser_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  idempotency_key TEXT NOT NULL,
  amount BIGINT NOT NULL CHECK (amount > 0),
  currency TEXT NOT NULL,
  state INTEGER NOT NULL DEFAULT 0,
  intent_id TEXT,
  decline_code TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  UNIQUE (advertiser_id, idempotency_key)
))sql",
       std::nullopt},
      // countries and hashtags: comma-separated, normalised by the service.
      // ad_events: one row per reported token and kind, so a token is charged once.
      {651, "ads_campaigns", R"sql(
CREATE TABLE ad_campaigns (
  id BIGINT PRIMARY KEY,
  advertiser_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  video_id BIGINT NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
  product_id BIGINT,
  currency TEXT NOT NULL,
  budget BIGINT NOT NULL CHECK (budget > 0),
  cpm_bid BIGINT NOT NULL CHECK (cpm_bid > 0),
  cpc_bid BIGINT NOT NULL DEFAULT 0 CHECK (cpc_bid >= 0),
  countries TEXT NOT NULL DEFAULT '',
  hashtags TEXT NOT NULL DEFAULT '',
  status INTEGER NOT NULL DEFAULT 0,
  starts_at BIGINT NOT NULL,
  ends_at BIGINT,
  spent_micros BIGINT NOT NULL DEFAULT 0,
  billed BIGINT NOT NULL DEFAULT 0,
  impressions BIGINT NOT NULL DEFAULT 0,
  taps BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  CHECK (spent_micros <= budget * 1000),
  CHECK (billed * 1000 <= spent_micros)
);
CREATE INDEX ad_campaigns_serving ON ad_campaigns (status, cpm_bid);
CREATE INDEX ad_campaigns_advertiser ON ad_campaigns (advertiser_id, id);
CREATE TABLE ad_events (
  token_hash TEXT NOT NULL,
  kind INTEGER NOT NULL,
  campaign_id BIGINT NOT NULL REFERENCES ad_campaigns(id) ON DELETE CASCADE,
  viewer_id BIGINT NOT NULL,
  charged_micros BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (token_hash, kind)
);
CREATE INDEX ad_events_viewer ON ad_events (viewer_id, campaign_id, created_at))sql",
       std::nullopt},
  };
}

}  // namespace riff::ads
