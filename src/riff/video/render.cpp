#include "riff/video/render.hpp"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>

#include "riff/accounts/render.hpp"
#include "riff/core/clock.hpp"

namespace riff::video {
namespace {

namespace json = boost::json;

/// "$<first>, $<first+1>, ..." for an IN list of `n` parameters.
std::string placeholders(std::size_t first, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    if (i > 0) out += ", ";
    out += "$" + std::to_string(first + i);
  }
  return out;
}

template <class E>
E enum_of(std::int64_t v, E max) {
  return v < 0 || v > static_cast<std::int64_t>(max) ? E{} : static_cast<E>(v);
}

json::value opt_id(const std::optional<Id>& id) {
  return id ? json::value(id_to_string(*id)) : json::value(nullptr);
}

/// The registered card extensions, read by every card load.
struct ExtensionRegistry {
  std::shared_mutex mu;
  std::vector<std::shared_ptr<const CardExtension>> items;
};

ExtensionRegistry& registry() {
  static ExtensionRegistry r;
  return r;
}

std::vector<std::shared_ptr<const CardExtension>> registered_extensions() {
  auto& r = registry();
  std::shared_lock lock(r.mu);
  return r.items;
}

}  // namespace

CardExtensionRegistration::CardExtensionRegistration(CardExtension extension)
    : key_(extension.key) {
  auto& r = registry();
  std::unique_lock lock(r.mu);
  std::erase_if(r.items, [&](const auto& e) { return e->key == key_; });
  r.items.push_back(std::make_shared<const CardExtension>(std::move(extension)));
}

CardExtensionRegistration::~CardExtensionRegistration() {
  auto& r = registry();
  std::unique_lock lock(r.mu);
  std::erase_if(r.items, [&](const auto& e) { return e->key == key_; });
}

std::string video_columns(const std::string& a) {
  return fmt::format(
      "{a}.id, {a}.author_id, {a}.caption, {a}.status, {a}.failure_reason, {a}.failure_message,"
      " {a}.visibility, {a}.comment_policy, {a}.allow_duet, {a}.sound_id, {a}.sound_offset_ms,"
      " {a}.sound_mode, {a}.duet_of, {a}.duration_ms, {a}.width, {a}.height, {a}.progress,"
      " {a}.like_count, {a}.comment_count, {a}.share_count, {a}.view_count, {a}.duet_count,"
      " {a}.created_at, {a}.updated_at, {a}.media_dir",
      fmt::arg("a", a));
}

Video video_from_row(const db::Row& r, std::size_t f, std::string* media_dir) {
  Video v;
  v.id = r.i64(f + 0);
  v.author_id = r.i64(f + 1);
  v.caption = r.str(f + 2);
  v.status = enum_of(r.i64(f + 3), VideoStatus::kDeleted);
  v.failure_reason = r.str(f + 4);
  v.failure_message = r.str(f + 5);
  v.visibility = enum_of(r.i64(f + 6), Visibility::kPrivate);
  v.comment_policy = enum_of(r.i64(f + 7), CommentPolicy::kNoOne);
  v.allow_duet = r.boolean(f + 8);
  v.sound_id = r.opt_i64(f + 9);
  v.sound_offset_ms = r.i64(f + 10);
  v.sound_mode = enum_of(r.i64(f + 11), SoundMode::kMix);
  v.duet_of = r.opt_i64(f + 12);
  v.duration_ms = r.i64(f + 13);
  v.width = static_cast<int>(r.i64(f + 14));
  v.height = static_cast<int>(r.i64(f + 15));
  v.progress = r.f64(f + 16);
  v.like_count = r.i64(f + 17);
  v.comment_count = r.i64(f + 18);
  v.share_count = r.i64(f + 19);
  v.view_count = r.i64(f + 20);
  v.duet_count = r.i64(f + 21);
  v.created_at = r.i64(f + 22);
  v.updated_at = r.i64(f + 23);
  if (media_dir != nullptr) *media_dir = r.str(f + 24);
  return v;
}

Result<std::optional<Video>> find_video(db::Conn& c, Id id) {
  RIFF_ASSIGN_OR_RETURN(
      db::Rows rows,
      c.query("SELECT " + video_columns("v") + " FROM videos v WHERE v.id = $1", {id}));
  if (rows.empty()) return std::optional<Video>();
  return std::optional<Video>(video_from_row(rows[0]));
}

Result<std::vector<VideoCard>> load_video_cards(db::Conn& c, const std::vector<Id>& ids,
                                                std::optional<Id> viewer) {
  std::vector<VideoCard> out;
  if (ids.empty()) return out;
  std::vector<db::Param> params;
  params.reserve(ids.size() + 1);
  params.emplace_back(viewer.value_or(0));
  for (Id id : ids) params.emplace_back(id);
  const std::string in = placeholders(2, ids.size());

  RIFF_ASSIGN_OR_RETURN(
      db::Rows rows,
      c.query(
          "SELECT " + video_columns("v") +
              ", u.handle, u.display_name, u.avatar_path,"
              " EXISTS (SELECT 1 FROM video_likes l WHERE l.video_id = v.id AND l.user_id = $1),"
              " s.id, s.title, s.creator_id, s.reusable, su.handle"
              " FROM videos v JOIN users u ON u.id = v.author_id"
              " LEFT JOIN sounds s ON s.id = v.sound_id LEFT JOIN users su ON su.id = s.creator_id"
              " WHERE v.id IN (" +
              in + ")",
          params));
  std::unordered_map<Id, VideoCard> by_id;
  for (const db::Row& r : rows) {
    VideoCard card;
    card.video = video_from_row(r, 0, &card.media_dir);
    const std::size_t k = kVideoColumnCount;
    card.author = {card.video.author_id, r.str(k), r.str(k + 1), r.opt_str(k + 2)};
    card.viewer_liked = r.boolean(k + 3);
    if (!r.is_null(k + 4)) {
      card.sound = CardSound{r.i64(k + 4), r.str(k + 5), r.opt_i64(k + 6), r.boolean(k + 7),
                             r.opt_str(k + 8)};
    }
    card.is_author = viewer && *viewer == card.video.author_id;
    by_id.emplace(card.video.id, std::move(card));
  }
  std::vector<db::Param> tag_params(params.begin() + 1, params.end());
  RIFF_ASSIGN_OR_RETURN(db::Rows tags,
                        c.query("SELECT vh.video_id, h.tag FROM video_hashtags vh"
                                " JOIN hashtags h ON h.id = vh.hashtag_id WHERE vh.video_id IN (" +
                                    placeholders(1, ids.size()) + ") ORDER BY h.tag",
                                tag_params));
  for (const db::Row& r : tags) {
    auto it = by_id.find(r.i64(0));
    if (it != by_id.end()) it->second.hashtags.push_back(r.str(1));
  }
  RIFF_ASSIGN_OR_RETURN(db::Rows mentions,
                        c.query("SELECT vm.video_id, mu.handle FROM video_mentions vm"
                                " JOIN users mu ON mu.id = vm.user_id WHERE vm.video_id IN (" +
                                    placeholders(1, ids.size()) + ") ORDER BY mu.handle",
                                tag_params));
  for (const db::Row& r : mentions) {
    auto it = by_id.find(r.i64(0));
    if (it != by_id.end()) it->second.mentions.push_back(r.str(1));
  }
  for (const auto& extension : registered_extensions()) {
    RIFF_ASSIGN_OR_RETURN(auto values, extension->load(c, ids));
    for (auto& [id, card] : by_id) {
      auto v = values.find(id);
      card.extras.emplace_back(extension->key,
                               v == values.end() ? extension->empty : std::move(v->second));
    }
  }
  out.reserve(ids.size());
  for (Id id : ids) {
    auto it = by_id.find(id);
    if (it != by_id.end()) out.push_back(std::move(it->second));
  }
  return out;
}

std::string share_url(Id video_id) {
  return "/v/" + id_to_string(video_id);
}

std::string card_media_url(Id video_id, std::string_view file) {
  return fmt::format("/api/v1/videos/{}/media/{}", id_to_string(video_id), file);
}

json::object author_json(const CardAuthor& a) {
  return {{"id", id_to_string(a.id)},
          {"handle", a.handle},
          {"display_name", a.display_name},
          {"avatar_url", accounts::avatar_url(a.avatar_path)}};
}

json::object video_json(const VideoCard& card, std::string_view public_url) {
  const Video& v = card.video;
  const bool ready = v.status == VideoStatus::kReady && !card.media_dir.empty();
  auto media = [&](std::string_view file) -> json::value {
    if (!ready) return nullptr;
    return json::value(card_media_url(v.id, file));
  };
  json::array hashtags, mentions;
  for (const auto& t : card.hashtags) hashtags.emplace_back(t);
  for (const auto& m : card.mentions) mentions.emplace_back(m);
  json::value failure = nullptr;
  if (v.status == VideoStatus::kFailed && card.is_author) {
    failure = json::object{{"reason", v.failure_reason}, {"message", v.failure_message}};
  }
  json::value sound = nullptr;
  if (card.sound) {
    sound = json::object{
        {"id", id_to_string(card.sound->id)},
        {"title", card.sound->title},
        {"creator_id", opt_id(card.sound->creator_id)},
        {"creator_handle", card.sound->creator_handle ? json::value(*card.sound->creator_handle)
                                                      : json::value(nullptr)},
        {"reusable", card.sound->reusable}};
  }
  json::object o{
      {"id", id_to_string(v.id)},
      {"author", author_json(card.author)},
      {"caption", v.caption},
      {"hashtags", std::move(hashtags)},
      {"mentions", std::move(mentions)},
      {"status", to_string(v.status)},
      {"failure", std::move(failure)},
      {"visibility", to_string(v.visibility)},
      {"comments", to_string(v.comment_policy)},
      {"allow_duet", v.allow_duet},
      {"sound", std::move(sound)},
      {"sound_mode", to_string(v.sound_mode)},
      {"sound_offset_ms", v.sound_offset_ms},
      {"duet_of", opt_id(v.duet_of)},
      {"duration_ms", v.duration_ms},
      {"width", v.width},
      {"height", v.height},
      {"hls_url", media("master.m3u8")},
      {"mp4_url", media("video.mp4")},
      {"poster_url", media("poster.jpg")},
      {"preview_url", media("preview.jpg")},
      {"progress", v.status == VideoStatus::kReady ? 1.0 : (card.is_author ? v.progress : 0.0)},
      {"duet_count", v.duet_count},
      {"like_count", v.like_count},
      {"comment_count", v.comment_count},
      {"share_count", v.share_count},
      {"view_count", v.view_count},
      {"created_at", to_rfc3339(v.created_at)},
      {"share_url", std::string(public_url) + share_url(v.id)},
      {"viewer", json::object{{"liked", card.viewer_liked}}},
  };
  for (const auto& [key, value] : card.extras) o[key] = value;
  return o;
}

}  // namespace riff::video
