#include "domain/registry_index.h"

#include <set>

namespace battrace::domain {

RegistryIndex::RegistryIndex(const std::vector<RegistryRecord>& records) {
  for (const RegistryRecord& r : records) {
    if (const auto* e = std::get_if<Enterprise>(&r)) {
      const std::string& uscc = e->uscc.str();
      for (const std::string& c : e->manufacturer_codes)
        by_manufacturer_code_[c] = uscc;
      for (const std::string& w : e->wmi)
        by_wmi_[w] = uscc;
      for (const Uscc& p : e->successor_of)
        successor_[p.str()] = uscc;
      enterprises_.insert_or_assign(uscc, *e);
    } else {
      regulators_.push_back(std::get<Regulator>(r));
    }
  }
}

const Enterprise* RegistryIndex::Find(std::string_view uscc) const {
  auto it = enterprises_.find(uscc);
  return it == enterprises_.end() ? nullptr : &it->second;
}

namespace {
const Enterprise* Via(const std::map<std::string, std::string, std::less<>>& index,
                      std::string_view key, const RegistryIndex& registry) {
  auto it = index.find(key);
  return it == index.end() ? nullptr : registry.Find(it->second);
}
}  // namespace

const Enterprise* RegistryIndex::ByManufacturerCode(std::string_view code) const {
  return Via(by_manufacturer_code_, code, *this);
}

const Enterprise* RegistryIndex::ByWmi(std::string_view wmi) const {
  return Via(by_wmi_, wmi, *this);
}

const Enterprise* RegistryIndex::SuccessorOf(std::string_view uscc) const {
  const Enterprise* last = nullptr;
  std::set<std::string, std::less<>> seen{std::string(uscc)};  // a cycle ends the walk
  for (auto it = successor_.find(uscc); it != successor_.end(); it = successor_.find(it->second)) {
    if (!seen.insert(it->second).second) break;
    if (const Enterprise* e = Find(it->second)) last = e;
  }
  return last;
}

std::vector<std::string> RegistryIndex::SelfAndPredecessors(std::string_view uscc) const {
  std::vector<std::string> out{std::string(uscc)};
  if (const Enterprise* e = Find(uscc); e == nullptr || e->successor_of.empty()) return out;
  std::set<std::string, std::less<>> seen{std::string(uscc)};
  for (size_t i = 0; i < out.size(); ++i) {
    const Enterprise* e = Find(out[i]);
    if (e == nullptr) continue;
    for (const Uscc& p : e->successor_of) {
      if (seen.insert(p.str()).second) out.push_back(p.str());
    }
  }
  return out;
}

Authority RegistryIndex::AuthorityForDivision(Department department,
                                              const std::string& division) const {
  const Regulator* best = nullptr;
  for (const Regulator& r : regulators_) {
    if (r.department != department || !r.division.Contains(division)) continue;
    if (best == nullptr || r.division.prefix().size() > best->division.prefix().size()) best = &r;
  }
  return {std::string(DepartmentName(department)),
          best != nullptr ? best->division.code() : division};
}

Authority RegistryIndex::AuthorityFor(Department department, std::string_view uscc) const {
  const Enterprise* e = Find(uscc);
  if (e == nullptr) return {std::string(DepartmentName(department)), "000000"};
  return AuthorityForDivision(department, e->division.code());
}

}  // namespace battrace::domain
