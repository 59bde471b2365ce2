// The registry as the rules engine reads it: enterprises by USCC, manufacturer code and WMI,
// successors, and the regulator that handles a party (Art. 29).
//
// Built from the stored registry records; immutable once built, so a store can share one
// between readers and rebuild it after `registry import`.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/registry.h"

namespace battrace::domain {

// Who handles a finding: a department and the division of the regulator of that department
// whose jurisdiction is the most specific one holding the party (docs/findings.md, "Authority").
struct Authority {
  std::string department;  // "MIIT", "NDRC", ...
  std::string division;    // GB/T 2260 code; "000000" for a national one
  bool operator==(const Authority&) const = default;
};

class RegistryIndex {
 public:
  RegistryIndex() = default;
  explicit RegistryIndex(const std::vector<RegistryRecord>& records);

  const Enterprise* Find(std::string_view uscc) const;
  // The enterprise holding a battery manufacturer code (code positions 1-3), or a VIN's WMI.
  const Enterprise* ByManufacturerCode(std::string_view code) const;
  const Enterprise* ByWmi(std::string_view wmi) const;
  // The enterprise registered as successor of `uscc` (Art. 17), followed to the last one;
  // nullptr when `uscc` has none.
  const Enterprise* SuccessorOf(std::string_view uscc) const;
  // `uscc` and every enterprise it succeeded, directly or through others.
  std::vector<std::string> SelfAndPredecessors(std::string_view uscc) const;
  // The regulator of `department` handling the party `uscc`: the longest registered
  // jurisdiction prefix of the party's division; the party's own division when the department
  // registered none that holds it; "000000" for an unregistered party.
  Authority AuthorityFor(Department department, std::string_view uscc) const;
  // The same for a division (outlet coverage gaps are routed by the maker, but a caller may
  // need a division's regulator).
  Authority AuthorityForDivision(Department department, const std::string& division) const;

  const std::map<std::string, Enterprise, std::less<>>& enterprises() const { return enterprises_; }

 private:
  std::map<std::string, Enterprise, std::less<>> enterprises_;
  std::map<std::string, std::string, std::less<>> by_manufacturer_code_, by_wmi_, successor_;
  std::vector<Regulator> regulators_;
};

}  // namespace battrace::domain
