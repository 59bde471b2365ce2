#include "store/keyset.h"

#include <algorithm>

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

}  // namespace battrace::store
