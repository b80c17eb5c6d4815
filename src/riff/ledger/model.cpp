#include "riff/ledger/model.hpp"

#include <map>

namespace riff::ledger {

const std::vector<AccountKindInfo>& account_kinds() {
  static const std::vector<AccountKindInfo> kinds = {
      {kGatewayClearing, NormalSide::kDebit, false, false,
       "money the payment gateway captured and holds for riff"},
      {kBuyerPayments, NormalSide::kCredit, false, true,
       "a buyer's captured payments not yet allocated to an order's parties"},
      {kPlatformCash, NormalSide::kDebit, false, false, "riff's bank account"},
      {kPlatformFees, NormalSide::kCredit, false, false, "riff's commission revenue"},
      {kTaxPayable, NormalSide::kCredit, false, false,
       "sales tax collected from buyers, owed to tax authorities"},
      {kSellerPending, NormalSide::kCredit, false, true,
       "owed to a seller for orders not yet settled"},
      {kSellerAvailable, NormalSide::kCredit, true, true,
       "owed to a seller and free to pay out"},
      {kCreatorPending, NormalSide::kCredit, false, true,
       "a creator's commissions on orders not yet settled"},
      {kCreatorAvailable, NormalSide::kCredit, true, true,
       "a creator's earnings free to pay out"},
      {kAdBudget, NormalSide::kCredit, true, true, "an advertiser's prepaid, unspent budget"},
      {kAdRevenue, NormalSide::kCredit, false, false, "riff's revenue from ads"},
      {kRefunds, NormalSide::kDebit, false, false, "money given back to buyers"},
      {kPayouts, NormalSide::kCredit, false, true,
       "paid out to an owner's bank, awaiting the gateway's confirmation"},
      {kAdjustments, NormalSide::kDebit, false, false, "manual corrections by an administrator"},
  };
  return kinds;
}

const AccountKindInfo* find_kind(std::string_view name) {
  for (const auto& k : account_kinds()) {
    if (k.name == name) return &k;
  }
  return nullptr;
}

bool valid_currency(std::string_view currency) {
  if (currency.size() != 3) return false;
  for (char ch : currency) {
    if (ch < 'A' || ch > 'Z') return false;
  }
  return true;
}

std::int64_t Account::balance() const {
  const AccountKindInfo* k = find_kind(key.kind);
  return k != nullptr && k->normal == NormalSide::kCredit ? -net : net;
}

TransferSpec& TransferSpec::move(AccountKey from, AccountKey to, std::int64_t amount) {
  const AccountKindInfo* k = find_kind(from.kind);
  const bool credit_normal = k == nullptr || k->normal == NormalSide::kCredit;
  // Decreasing a credit-normal balance is a debit; increasing it a credit.
  if (credit_normal) return debit(std::move(from), amount).credit(std::move(to), amount);
  return credit(std::move(from), amount).debit(std::move(to), amount);
}

Status validate(const TransferSpec& spec) {
  std::vector<FieldError> errors;
  auto check_text = [&](const std::string& value, std::string_view field, bool required) {
    if (required && value.empty()) {
      errors.push_back({"/" + std::string(field), std::string(field) + " is required"});
    } else if (value.size() > 200) {
      errors.push_back({"/" + std::string(field), "at most 200 bytes"});
    }
  };
  check_text(spec.kind, "kind", true);
  check_text(spec.reference, "reference", false);
  check_text(spec.idempotency_key, "idempotency_key", true);
  if (spec.memo.size() > 1000) errors.push_back({"/memo", "at most 1000 bytes"});
  if (spec.entries.size() < 2) {
    errors.push_back({"/entries", "a transaction needs at least two entries"});
  } else if (spec.entries.size() > kMaxEntries) {
    errors.push_back({"/entries", "at most " + std::to_string(kMaxEntries) + " entries"});
  }
  // Sums per currency in 128 bits: a sum of int64 amounts must not wrap.
  std::map<std::string, __int128> sums;
  for (std::size_t i = 0; i < spec.entries.size(); ++i) {
    const EntrySpec& e = spec.entries[i];
    const std::string at = "/entries/" + std::to_string(i);
    const AccountKindInfo* kind = find_kind(e.account.kind);
    if (kind == nullptr) {
      errors.push_back({at + "/kind", "unknown account kind: " + e.account.kind});
    } else if (kind->per_owner && e.account.owner_id <= 0) {
      errors.push_back({at + "/owner_id", e.account.kind + " accounts belong to a user"});
    } else if (!kind->per_owner && e.account.owner_id != 0) {
      errors.push_back({at + "/owner_id", e.account.kind + " is a platform account (owner 0)"});
    }
    if (!valid_currency(e.account.currency)) {
      errors.push_back({at + "/currency", "an ISO 4217 code such as USD"});
    }
    if (e.amount == 0 || e.amount == INT64_MIN) {
      errors.push_back({at + "/amount", "a non-zero amount in minor units"});
    }
    sums[e.account.currency] += e.amount;
  }
  for (const auto& [currency, sum] : sums) {
    if (sum != 0) {
      errors.push_back({"/entries", "debits and credits differ in " + currency +
                                        " by " + std::to_string(static_cast<long long>(sum))});
    }
  }
  if (!errors.empty()) return Status::invalid(std::move(errors));
  return Status::ok();
}

}  // namespace riff::ledger
