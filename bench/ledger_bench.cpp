// Ledger transactions per second: THREADS threads post sales (four entries:
// gateway clearing debited; a seller, the platform's fees and a creator
// credited) through Ledger::post, each in its own database transaction, on a
// fresh SQLite file or PostgreSQL schema.
//
//   ledger_bench [--db postgres://...] [--threads 8] [--transactions 20000]
//                [--sellers 1000] [--hot]
//
// --hot sends every sale to one seller (one hot account row); otherwise
// sellers are spread over --sellers accounts. Prints transactions/s, p50 and
// p99 latency of a post, then runs the ledger's verify and prints its time.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "riff/core/clock.hpp"
#include "riff/db/database.hpp"
#include "riff/ledger/ledger.hpp"
#include "riff/ledger/schema.hpp"
#include "riff/ledger/verify.hpp"

namespace {

using Steady = std::chrono::steady_clock;

struct Args {
  std::string db;
  int threads = 8;
  int transactions = 20'000;
  int sellers = 1000;
  bool hot = false;
};

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string k = argv[i];
    auto next = [&] { return i + 1 < argc ? std::string(argv[++i]) : std::string(); };
    if (k == "--db") a.db = next();
    else if (k == "--threads") a.threads = std::stoi(next());
    else if (k == "--transactions") a.transactions = std::stoi(next());
    else if (k == "--sellers") a.sellers = std::stoi(next());
    else if (k == "--hot") a.hot = true;
    else {
      std::fprintf(stderr, "unknown argument %s\n", k.c_str());
      std::exit(2);
    }
  }
  return a;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace riff;
  const Args args = parse(argc, argv);
  const auto dir = std::filesystem::temp_directory_path() /
                   ("riff-ledger-bench-" + std::to_string(std::random_device{}()));
  std::unique_ptr<db::Database> database;
  std::string schema;
  if (args.db.empty()) {
    auto opened = db::open_sqlite({.path = (dir / "riff.db").string()});
    if (!opened) return std::fprintf(stderr, "%s\n", opened.status().message().c_str()), 1;
    database = std::move(opened).value();
  } else {
    schema = "riff_ledger_bench_" + std::to_string(std::random_device{}());
    auto admin = db::open_postgres({.url = args.db, .pool_size = 1});
    if (!admin || !(*admin)->exec("CREATE SCHEMA " + schema).is_ok()) {
      return std::fprintf(stderr, "cannot create a schema in %s\n", args.db.c_str()), 1;
    }
    std::string url = args.db + (args.db.find('?') == std::string::npos ? "?" : "&") +
                      "options=-csearch_path%3D" + schema;
    auto opened = db::open_postgres({.url = url, .pool_size = args.threads});
    if (!opened) return std::fprintf(stderr, "%s\n", opened.status().message().c_str()), 1;
    database = std::move(opened).value();
  }
  if (auto st = database->migrate(ledger::migrations()); !st) {
    return std::fprintf(stderr, "%s\n", st.message().c_str()), 1;
  }
  SystemClock clock;
  IdGenerator ids(clock);
  ledger::Ledger ledger(*database, ids, clock);

  std::atomic<int> next{0};
  std::atomic<int> failed{0};
  std::vector<std::vector<double>> latencies(static_cast<std::size_t>(args.threads));
  const auto start = Steady::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < args.threads; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 rng(static_cast<unsigned>(t));
      for (int n; (n = next++) < args.transactions;) {
        const Id seller = args.hot ? 1 : 1 + static_cast<Id>(rng() % args.sellers);
        const std::int64_t amount = 1000 + static_cast<std::int64_t>(rng() % 9000);
        ledger::TransferSpec spec;
        spec.kind = "sale";
        spec.reference = "bench:" + std::to_string(n);
        spec.idempotency_key = spec.reference;
        spec.debit({"gateway_clearing", 0, "USD"}, amount)
            .credit({"seller_pending", seller, "USD"}, amount - amount / 10 - amount / 20)
            .credit({"platform_fees", 0, "USD"}, amount / 10)
            .credit({"creator_pending", 1'000'000 + seller, "USD"}, amount / 20);
        const auto t0 = Steady::now();
        if (!ledger.post(spec)) ++failed;
        latencies[static_cast<std::size_t>(t)].push_back(
            std::chrono::duration<double, std::milli>(Steady::now() - t0).count());
      }
    });
  }
  for (auto& th : threads) th.join();
  const double seconds = std::chrono::duration<double>(Steady::now() - start).count();
  std::vector<double> all;
  for (const auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  auto pct = [&](double p) { return all.empty() ? 0 : all[static_cast<std::size_t>(p * (all.size() - 1))]; };
  std::printf("%s, %d threads, %d transactions, %s: %.0f transactions/s, p50 %.2f ms, p99 %.2f ms, "
              "%d failed\n",
              args.db.empty() ? "SQLite" : "PostgreSQL", args.threads, args.transactions,
              args.hot ? "one hot seller" : (std::to_string(args.sellers) + " sellers").c_str(),
              args.transactions / seconds, pct(0.5), pct(0.99), failed.load());
  const auto v0 = Steady::now();
  auto report = ledger::verify(*database);
  std::printf("verify: %s in %.2f s\n", report && report->ok() ? "OK" : "FAILED",
              std::chrono::duration<double>(Steady::now() - v0).count());

  database.reset();
  if (!schema.empty()) {
    if (auto admin = db::open_postgres({.url = args.db, .pool_size = 1})) {
      (void)(*admin)->exec("DROP SCHEMA " + schema + " CASCADE");
    }
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  return report && report->ok() && failed == 0 ? 0 : 1;
}
