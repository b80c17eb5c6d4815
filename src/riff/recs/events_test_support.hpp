#pragma once
// Shared set-up for the event and trending tests: a migrated SQLite database
// in a temp directory and a VideoCatalog whose videos the test defines.
// Included by *_test.cpp only.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <random>

#include "riff/accounts/schema.hpp"
#include "riff/db/database.hpp"
#include "riff/recs/event_catalog.hpp"
#include "riff/recs/events_schema.hpp"

namespace riff::recs::testing_support {

/// A temp-dir SQLite database with the accounts and events tables.
class TempDb {
 public:
  TempDb() {
    dir_ = std::filesystem::temp_directory_path() /
           ("riff-events-test-" + std::to_string(std::random_device{}()));
    auto db = db::open_sqlite({(dir_ / "riff.db").string()});
    if (!db) throw std::runtime_error(db.status().message());
    db_ = std::move(db).value();
    std::vector<db::Migration> m = accounts::migrations();
    for (auto& x : events_migrations()) m.push_back(std::move(x));
    auto st = db_->migrate(m);
    if (!st) throw std::runtime_error(st.message());
  }
  ~TempDb() {
    db_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  db::Database& operator*() { return *db_; }
  db::Database* operator->() { return db_.get(); }

 private:
  std::filesystem::path dir_;
  std::unique_ptr<db::Database> db_;
};

/// Videos defined by the test. `hidden_from` makes one invisible to a viewer;
/// `is_public` false keeps it out of trending.
class FakeCatalog final : public VideoCatalog {
 public:
  struct Video {
    std::int64_t duration_ms = 10'000;
    bool is_public = true;
    std::optional<Id> sound;
    std::vector<std::string> tags;
    std::int64_t created_at = 0;
    std::optional<Id> hidden_from;
  };
  void put(Id id, Video v) {
    std::lock_guard lock(mu_);
    videos_[id] = std::move(v);
  }
  void remove(Id id) {
    std::lock_guard lock(mu_);
    videos_.erase(id);
  }

  Result<std::vector<VideoFacts>> visible(db::Conn&, std::optional<Id> viewer,
                                          std::span<const Id> ids) override {
    std::lock_guard lock(mu_);
    std::vector<VideoFacts> out;
    for (Id id : ids) {
      auto it = videos_.find(id);
      if (it == videos_.end()) continue;
      if (it->second.hidden_from && viewer == it->second.hidden_from) continue;
      out.push_back({id, 1, it->second.duration_ms});
    }
    return out;
  }
  Result<std::vector<VideoTopics>> public_topics(db::Conn&, std::span<const Id> ids) override {
    std::lock_guard lock(mu_);
    std::vector<VideoTopics> out;
    for (Id id : ids) {
      auto it = videos_.find(id);
      if (it != videos_.end() && it->second.is_public) out.push_back(topics(id, it->second));
    }
    return out;
  }
  Result<std::vector<VideoTopics>> public_videos_since(db::Conn&, std::int64_t since_ms,
                                                       int limit) override {
    std::lock_guard lock(mu_);
    std::vector<VideoTopics> out;
    for (const auto& [id, v] : videos_) {
      if (v.is_public && v.created_at >= since_ms) out.push_back(topics(id, v));
    }
    if (static_cast<int>(out.size()) > limit) out.resize(static_cast<std::size_t>(limit));
    return out;
  }
  Result<std::vector<std::string>> public_hashtags(db::Conn&,
                                                   std::span<const std::string> tags) override {
    std::lock_guard lock(mu_);
    std::vector<std::string> out;
    for (const auto& t : tags) {
      for (const auto& [id, v] : videos_) {
        if (v.is_public && std::find(v.tags.begin(), v.tags.end(), t) != v.tags.end()) {
          out.push_back(t);
          break;
        }
      }
    }
    return out;
  }
  Result<std::vector<SoundFacts>> public_sounds(db::Conn&, std::span<const Id> ids) override {
    std::vector<SoundFacts> out;
    for (Id id : ids) out.push_back({id, "sound " + std::to_string(id), std::nullopt});
    return out;
  }

 private:
  static VideoTopics topics(Id id, const Video& v) { return {id, v.created_at, v.sound, v.tags}; }
  std::mutex mu_;
  std::map<Id, Video> videos_;
};

}  // namespace riff::recs::testing_support
