#include "store/rows.h"

#include <cstring>
#include <nlohmann/json.hpp>

namespace battrace::store::common {

ledger::Hash HashFromBytes(std::string_view bytes) {
  ledger::Hash h{};
  if (bytes.size() == h.size()) std::memcpy(h.data(), bytes.data(), h.size());
  return h;
}

std::string JoinPacks(const std::vector<std::string>& packs) {
  std::string out;
  for (const std::string& p : packs) {
    if (!out.empty()) out += ' ';
    out += p;
  }
  return out;
}

std::vector<std::string> SplitPacks(std::string_view packs) {
  std::vector<std::string> out;
  for (size_t at = 0; at < packs.size();) {
    size_t end = packs.find(' ', at);
    if (end == std::string_view::npos) end = packs.size();
    out.emplace_back(packs.substr(at, end - at));
    at = end + 1;
  }
  return out;
}

Result<Date> StoredDate(std::string_view text) {
  auto d = Date::Parse(std::string(text));
  if (!d.ok()) return Status::Corruption("a stored date is not a date: " + d.status().message());
  return *d;
}

std::string EvidenceJson(const std::vector<std::string>& evidence) {
  return nlohmann::json(evidence).dump();
}

Result<std::vector<std::string>> ParseEvidence(std::string_view json) {
  const auto evidence = nlohmann::json::parse(json, nullptr, false);
  if (!evidence.is_array()) return Status::Corruption("a finding's evidence is not a JSON array");
  std::vector<std::string> out;
  for (const auto& e : evidence) {
    if (!e.is_string()) return Status::Corruption("a finding's evidence holds a non-string");
    out.push_back(e.get<std::string>());
  }
  return out;
}

}  // namespace battrace::store::common
