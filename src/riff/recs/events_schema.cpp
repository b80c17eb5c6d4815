#include "riff/recs/events_schema.hpp"

namespace riff::recs {

// `events` is append-only: one row per accepted event, never updated. No
// foreign keys: viewers may be anonymous (negative ids) and a deleted video's
// events stay useful for retraining; an account's own events go with the
// account (the trigger below). Ids are time-ordered like every riff id, so
// (at_ms, id) is a total order for replay.
//
// `event_batches` remembers each client batch id per viewer with the answer
// given, so a retried batch is answered the same and stored once.
std::vector<db::Migration> events_migrations() {
  return {
      {300, "events", R"sql(
CREATE TABLE events (
  id BIGINT PRIMARY KEY,
  viewer BIGINT NOT NULL,
  video BIGINT NOT NULL,
  kind INTEGER NOT NULL,
  watch_ms BIGINT NOT NULL DEFAULT 0,
  duration_ms BIGINT NOT NULL DEFAULT 0,
  at_ms BIGINT NOT NULL
);
CREATE INDEX events_at ON events (at_ms, id);
CREATE INDEX events_viewer ON events (viewer, kind, at_ms);
CREATE TABLE event_batches (
  viewer BIGINT NOT NULL,
  batch_id TEXT NOT NULL,
  response TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (viewer, batch_id)
);
CREATE INDEX event_batches_created ON event_batches (created_at))sql",
       std::nullopt},
      // Deleting an account deletes the events it made, whoever deletes it.
      {301, "events_forget_deleted_users", R"sql(
CREATE TRIGGER events_forget_user AFTER DELETE ON users BEGIN
  DELETE FROM events WHERE viewer = old.id;
  DELETE FROM event_batches WHERE viewer = old.id;
END)sql",
       R"sql(
CREATE FUNCTION events_forget_user() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM events WHERE viewer = OLD.id;
  DELETE FROM event_batches WHERE viewer = OLD.id;
  RETURN OLD;
END $$;
CREATE TRIGGER events_forget_user AFTER DELETE ON users
  FOR EACH ROW EXECUTE FUNCTION events_forget_user())sql"},
  };
}

}  // namespace riff::recs
