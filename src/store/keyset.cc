#include "store/keyset.h"

#include <algorithm>
#include <iterator>

#include "ledger/hash.h"

namespace battrace::store {
namespace {

// Tells apart findings equal in kind, party, subject, due and date: a digest of the rest.
std::string Rest(const domain::Finding& f) {
  std::string evidence;
  for (const std::string& e : f.evidence)
    evidence += e + "\n";
  const ledger::Hash h = ledger::Sha256({evidence, "\x1f", f.article, "\x1f", f.detail});
  return ledger::HashToHex(h).substr(0, 16);
}

// The key without its last field, the digest.
SortKey Fields(const domain::Finding& f, FindingSort sort) {
  const std::string due = f.due ? f.due->ToString() : "";
  if (sort == FindingSort::kKind) return {f.kind, f.party, f.subject, due};
  return {f.date ? f.date->ToString() : "", f.kind, f.party, f.subject, due};
}

}  // namespace

SortKey KeyOf(const domain::Finding& f, FindingSort sort) {
  SortKey key = Fields(f, sort);
  key.push_back(Rest(f));
  return key;
}

SortKey KeyOf(const domain::Duty& d, DutySort /*sort*/) {
  return {d.due.ToString(), d.party, d.subject, d.kind, d.duty, d.evidence};
}

SortKey KeyPrefix(const domain::Finding& f, FindingSort sort, size_t fields) {
  SortKey key = fields < KeySize(sort) ? Fields(f, sort) : KeyOf(f, sort);
  key.resize(std::min(fields, key.size()));
  return key;
}

SortKey KeyPrefix(const domain::Duty& d, DutySort sort, size_t fields) {
  SortKey key = KeyOf(d, sort);
  key.resize(std::min(fields, key.size()));
  return key;
}

size_t KeySize(FindingSort sort) {
  return sort == FindingSort::kKind ? 5 : 6;
}

size_t KeySize(DutySort /*sort*/) {
  return 6;
}

template <typename T, typename Sort>
Page<T> KeysetPage(std::vector<T> all, Sort sort, const std::optional<SortKey>& after,
                   size_t limit) {
  // Whether a precedes b in the list's order.
  const bool desc = Descending(sort);
  const auto before = [desc](const SortKey& a, const SortKey& b) { return desc ? b < a : a < b; };
  std::vector<std::pair<SortKey, size_t>> keyed;
  keyed.reserve(all.size());
  for (size_t i = 0; i < all.size(); ++i) {
    SortKey key = KeyOf(all[i], sort);
    if (!after || before(*after, key)) keyed.emplace_back(std::move(key), i);
  }
  const size_t n = std::min(limit, keyed.size());
  const auto by_key = [&](const auto& a, const auto& b) { return before(a.first, b.first); };
  std::partial_sort(keyed.begin(), keyed.begin() + static_cast<ptrdiff_t>(n), keyed.end(), by_key);
  Page<T> page;
  page.items.reserve(n);
  for (size_t i = 0; i < n; ++i)
    page.items.push_back(std::move(all[keyed[i].second]));
  if (n < keyed.size()) page.next = std::move(keyed[n - 1].first);
  return page;
}

template Page<domain::Finding> KeysetPage(std::vector<domain::Finding>, FindingSort,
                                          const std::optional<SortKey>&, size_t);
template Page<domain::Duty> KeysetPage(std::vector<domain::Duty>, DutySort,
                                       const std::optional<SortKey>&, size_t);

}  // namespace battrace::store
