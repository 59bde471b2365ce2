// The registry as it stood on a day (see registry_history.h).
#include "domain/registry_history.h"

#include <iterator>
#include <vector>

namespace battrace::domain {

void RegistryHistory::AddUnversioned(const std::string& kind, const std::string& key,
                                     RegistryRecord record) {
  keys_[{kind, key}].unversioned = std::move(record);
  built_.clear();
}

void RegistryHistory::Add(const std::string& kind, const std::string& key,
                          RegistryVersion version) {
  effective_dates_.insert(version.effective);
  keys_[{kind, key}].by_leaf.push_back(std::move(version));
  built_.clear();
}

const RegistryVersion* RegistryHistory::Latest(const std::string& kind,
                                               const std::string& key) const {
  auto it = keys_.find({kind, key});
  if (it == keys_.end() || it->second.by_leaf.empty()) return nullptr;
  return &it->second.by_leaf.back();
}

size_t RegistryHistory::Count(const std::string& kind, const std::string& key) const {
  auto it = keys_.find({kind, key});
  return it == keys_.end() ? 0 : it->second.by_leaf.size();
}

const RegistryIndex& RegistryHistory::AsOf(Date day) {
  const size_t effective = static_cast<size_t>(
      std::distance(effective_dates_.begin(), effective_dates_.upper_bound(day)));
  auto& slot = built_[effective];
  if (slot) return *slot;
  std::vector<RegistryRecord> records;
  records.reserve(keys_.size());
  for (const auto& [key, versions] : keys_) {
    if (versions.by_leaf.empty()) {
      if (versions.unversioned) records.push_back(*versions.unversioned);
      continue;
    }
    // The newest effective on or before the day (the later recorded on a tie), else the
    // earliest.
    const RegistryVersion* chosen = nullptr;
    const RegistryVersion* earliest = nullptr;
    for (const RegistryVersion& v : versions.by_leaf) {
      if (v.effective <= day && (chosen == nullptr || v.effective >= chosen->effective)) {
        chosen = &v;
      }
      if (earliest == nullptr || v.effective < earliest->effective) earliest = &v;
    }
    records.push_back(chosen != nullptr ? chosen->parsed : earliest->parsed);
  }
  slot = std::make_unique<RegistryIndex>(records);
  return *slot;
}

}  // namespace battrace::domain
