#pragma once
// Offline downloads for premium listeners: one licence per (listener, track)
// that lets the app keep the top-tier file.
//
// - Only a listener premium right now (Subscriptions::effective_plan) gets
//   or renews a licence; a free listener never gets one, nor the top tier.
// - A licence lasts `licence_days` from its issue or last renewal, and ends
//   with the plan: once the listener is no longer premium, their licences
//   are not listed, not renewed and their downloads are refused, at once.
// - The licence document is signed (keyed BLAKE2b over its fields, a key
//   derived from the module's secret) so the app can hand it back and riff
//   can tell it made it.
//
// Thread-safe: holds no mutable state besides its dependencies.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "riff/core/clock.hpp"
#include "riff/core/ids.hpp"
#include "riff/core/status.hpp"
#include "riff/db/database.hpp"
#include "riff/music/catalog.hpp"
#include "riff/music/subscriptions.hpp"

namespace riff::music {

struct OfflineLicence {
  Id id = 0;
  Id user_id = 0;
  Id track_id = 0;
  std::int64_t issued_at = 0;
  std::int64_t expires_at = 0;
  int kbps = 0;            // the tier the download is
  std::string signed_doc;  // base64url(payload) "." base64url(mac)
};

struct OfflineLicencePage {
  std::vector<OfflineLicence> items;
  std::optional<std::string> next_cursor;
};

struct OfflineDownload {
  std::filesystem::path path;
  int kbps = 0;
};

class OfflineLicences {
 public:
  /// `secret` is the module's key material (at least 32 bytes).
  OfflineLicences(db::Database& db, IdGenerator& ids, const Clock& clock, Catalog& catalog,
                  Subscriptions& subscriptions, const std::string& secret, int licence_days);

  /// Issues (or re-issues) the listener's licence for `track_id`.
  /// kForbidden unless premium; kNotFound for an unknown track; kConflict
  /// when the track has no streaming files.
  Result<OfflineLicence> issue(Id user_id, Id track_id);

  /// Extends the listener's licence for `track_id` by the licence length
  /// from now. kNotFound without one; kForbidden unless premium.
  Result<OfflineLicence> renew(Id user_id, Id track_id);

  /// The listener's usable licences (none when not premium), newest first.
  Result<OfflineLicencePage> list(Id user_id, int limit, const std::optional<std::string>& cursor);

  /// The top-tier file behind the listener's licence for `track_id`.
  /// kNotFound without one; kForbidden when it expired or the plan ended.
  Result<OfflineDownload> download(Id user_id, Id track_id);

 private:
  Result<OfflineLicence> load(Id user_id, Id track_id);
  void sign(OfflineLicence& l) const;
  Status require_premium(Id user_id);

  db::Database& db_;
  IdGenerator& ids_;
  const Clock& clock_;
  Catalog& catalog_;
  Subscriptions& subscriptions_;
  std::string mac_key_;
  std::int64_t licence_ms_;
};

}  // namespace riff::music
