#include "riff/payments/module.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

namespace riff::payments {

namespace fs = std::filesystem;

Result<std::string> load_or_create_secret(const fs::path& file) {
  std::error_code ec;
  if (fs::exists(file, ec)) {
    std::ifstream in(file, std::ios::binary);
    std::string secret((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    while (!secret.empty() && (secret.back() == '\n' || secret.back() == ' ')) secret.pop_back();
    if (secret.size() < 16) {
      return Status::unavailable("bad key file " + file.string() + ": too short a secret");
    }
    return secret;
  }
  fs::create_directories(file.parent_path(), ec);
  if (ec) return Status::unavailable("create " + file.parent_path().string() + ": " + ec.message());
  unsigned char raw[32];
  randombytes_buf(raw, sizeof raw);
  char hex[sizeof raw * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
  const std::string secret = std::string("whsec_") + hex;
  // O_EXCL: when two processes start at once, one writes and the other reads its secret.
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return load_or_create_secret(file);
    return Status::unavailable("create " + file.string() + ": " + std::strerror(errno));
  }
  const std::string line = secret + "\n";
  const bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  ::close(fd);
  if (!ok) return Status::unavailable("write " + file.string());
  return secret;
}

PaymentsModule::PaymentsModule(db::Database& db, IdGenerator& ids, const Clock& clock,
                               jobs::JobQueue& queue, jobs::Worker& worker,
                               const std::string& secret, std::int64_t tolerance_s)
    : gateway_(db, ids, clock, queue, secret, [&worker] { worker.wake(); }),
      receiver_(db, clock, secret, tolerance_s) {}

Result<std::unique_ptr<PaymentsModule>> PaymentsModule::create(
    db::Database& db, IdGenerator& ids, const Clock& clock, jobs::JobQueue& queue,
    jobs::Worker& worker, ledger::LedgerModule& ledger, const PaymentsOptions& options) {
  std::string secret = options.webhook_secret;
  if (secret.empty()) {
    RIFF_ASSIGN_OR_RETURN(secret, load_or_create_secret(options.key_file));
  }
  auto m = std::unique_ptr<PaymentsModule>(new PaymentsModule(
      db, ids, clock, queue, worker, secret, options.webhook_tolerance_seconds));
  post_gateway_events_to_ledger(m->receiver_, ledger.ledger());
  ledger.add_check(gateway_match_check());
  // The simulated gateway delivers to this process's receiver, through the
  // same verification an HTTP delivery gets. A replay means riff has it.
  PaymentsModule* self = m.get();
  worker.handle(std::string(SimulatedGateway::kDeliveryJob), [self](jobs::JobContext& ctx) {
    return self->gateway_.deliver(ctx, [self](const std::string& header, const std::string& body) {
      auto result = self->receiver_.receive(header, body);
      if (!result) return result.status();
      switch (result->outcome) {
        case WebhookOutcome::kProcessed:
        case WebhookOutcome::kReplayed:
          return Status::ok();
        case WebhookOutcome::kStale:
          return Status::retry(result->detail);  // signed afresh on the next attempt
        default:
          return Status::invalid("", result->detail);
      }
    });
  });
  return m;
}

}  // namespace riff::payments
