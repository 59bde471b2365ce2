// The registry as it stood on a day: every version of each enterprise and regulator, as the
// ledger recorded them (registry leaves, docs/ledger-format.md), each effective from a date.
//
// A report is judged against the registry of its own date (docs/findings.md, "The registry as
// it stood"): for each key, the newest version effective on or before that day (the later
// recorded one when two share a date); when none was effective yet, the earliest one. Records
// stored before registry changes were leaves have no version: they stand on every day until
// their key gets one. Pure: built by the store from its rows, and extended by a write
// transaction as it records changes.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "core/date.h"
#include "domain/registry.h"
#include "domain/registry_index.h"

namespace battrace::domain {

// One recorded version of a registry record.
struct RegistryVersion {
  Date effective;
  uint64_t leaf = 0;   // the registry leaf that recorded it
  std::string record;  // its stored JSON (RegistryRecordToJson)
  RegistryRecord parsed;
};

class RegistryHistory {
 public:
  // A record of (kind, key) stored without a ledger version.
  void AddUnversioned(const std::string& kind, const std::string& key, RegistryRecord record);
  // A version of (kind, key); versions are added in ledger order.
  void Add(const std::string& kind, const std::string& key, RegistryVersion version);
  // The version of (kind, key) recorded last, nullptr when it has none.
  const RegistryVersion* Latest(const std::string& kind, const std::string& key) const;
  // How many versions (kind, key) has.
  size_t Count(const std::string& kind, const std::string& key) const;
  // The registry as it stood on `day`. The reference stays valid until the next Add.
  const RegistryIndex& AsOf(Date day);

 private:
  struct Versions {
    std::optional<RegistryRecord> unversioned;
    std::vector<RegistryVersion> by_leaf;  // in ledger order
  };
  std::map<std::pair<std::string, std::string>, Versions> keys_;
  std::set<Date> effective_dates_;
  // Indexes built so far, by the number of effective dates on or before the day: days with the
  // same count see the same versions.
  std::map<size_t, std::unique_ptr<RegistryIndex>> built_;
};

}  // namespace battrace::domain
