#pragma once
// The ledger's plain types: account kinds and keys, the spec of a transfer,
// and posted transactions, entries and accounts as read back.
//
// Double entry: every transaction is a set of entries whose amounts sum to
// zero in each currency. An entry's amount is signed: positive debits the
// account, negative credits it. An account's `net` is the sum of its entries
// (debits minus credits); its `balance` is that sum seen from its normal side
// (net for debit-normal accounts such as cash, minus net for credit-normal
// ones such as what riff owes a seller), so a healthy balance is positive.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "riff/core/ids.hpp"
#include "riff/core/status.hpp"

namespace riff::ledger {

enum class NormalSide { kDebit, kCredit };

/// What riff knows about a kind of account.
struct AccountKindInfo {
  std::string_view name;
  NormalSide normal;
  bool never_negative;  // a transfer that would take the balance below zero is refused
  bool per_owner;       // owned by a user (seller, creator, advertiser); else owner 0 (platform)
  std::string_view about;
};

/// Every kind riff posts to, in a fixed order (docs/ARCHITECTURE.md explains each).
const std::vector<AccountKindInfo>& account_kinds();
/// nullptr for a kind riff does not know.
const AccountKindInfo* find_kind(std::string_view name);

// The kinds by name, for callers that post.
inline constexpr std::string_view kGatewayClearing = "gateway_clearing";
inline constexpr std::string_view kBuyerPayments = "buyer_payments";
inline constexpr std::string_view kPlatformCash = "platform_cash";
inline constexpr std::string_view kPlatformFees = "platform_fees";
inline constexpr std::string_view kTaxPayable = "tax_payable";
inline constexpr std::string_view kSellerPending = "seller_pending";
inline constexpr std::string_view kSellerAvailable = "seller_available";
inline constexpr std::string_view kCreatorPending = "creator_pending";
inline constexpr std::string_view kCreatorAvailable = "creator_available";
inline constexpr std::string_view kAdBudget = "ad_budget";
inline constexpr std::string_view kAdRevenue = "ad_revenue";
inline constexpr std::string_view kRefunds = "refunds";
inline constexpr std::string_view kPayouts = "payouts";
inline constexpr std::string_view kAdjustments = "adjustments";

/// Names one account: created on first use.
struct AccountKey {
  std::string kind;
  Id owner_id = 0;  // 0 for the platform's own accounts
  std::string currency;  // ISO 4217, upper case

  friend bool operator==(const AccountKey&, const AccountKey&) = default;
  friend auto operator<=>(const AccountKey&, const AccountKey&) = default;
};

struct EntrySpec {
  AccountKey account;
  std::int64_t amount = 0;  // minor units; positive = debit, negative = credit
};

/// What a caller asks the ledger to post. The idempotency key is unique
/// across the ledger: posting a spec whose key was already posted returns the
/// first transaction and posts nothing (and fails with kConflict when the
/// entries differ, which means the key was reused for another movement).
struct TransferSpec {
  std::string kind;             // what happened: "payment_captured", "payout", "manual", ...
  std::string reference;        // the caller's thing: an order id, a payment intent, ...
  std::string idempotency_key;  // e.g. "order:123:capture"
  std::string memo;
  std::vector<EntrySpec> entries;

  TransferSpec& debit(AccountKey account, std::int64_t amount) {
    entries.push_back({std::move(account), amount});
    return *this;
  }
  TransferSpec& credit(AccountKey account, std::int64_t amount) {
    entries.push_back({std::move(account), -amount});
    return *this;
  }
  /// Moves `amount` of value from `from` to `to` when both share a normal
  /// side (seller_pending -> seller_available): decreases one balance and
  /// increases the other.
  TransferSpec& move(AccountKey from, AccountKey to, std::int64_t amount);
};

/// Checks a spec on its own: key, kinds, currencies, non-zero amounts,
/// at most kMaxEntries entries, and a zero sum in each currency. Field
/// pointers name the offending entry ("/entries/2/amount").
Status validate(const TransferSpec& spec);
inline constexpr std::size_t kMaxEntries = 100;
bool valid_currency(std::string_view currency);

struct Account {
  Id id = 0;
  AccountKey key;
  std::int64_t net = 0;  // debits minus credits (cached; verify checks it)
  std::int64_t created_at = 0;
  std::int64_t balance() const;  // on the kind's normal side
};

struct Entry {
  Id id = 0;
  Id account_id = 0;
  AccountKey account;
  std::int64_t amount = 0;
};

struct Transaction {
  Id id = 0;
  std::string kind;
  std::string reference;
  std::string idempotency_key;
  std::string memo;
  std::int64_t created_at = 0;
  std::vector<Entry> entries;
  bool replayed = false;  // true when post() found the key already posted
};

}  // namespace riff::ledger
