#include "store/party.h"

#include <nlohmann/json.hpp>

namespace battrace::store {

std::optional<domain::PartyInfo> PartyInfoOf(Store& store, const std::string& uscc) {
  auto row = store.GetRegistry("enterprise", uscc);
  if (!row.ok() || !*row) return std::nullopt;
  const auto record = nlohmann::json::parse((*row)->record, nullptr, false);
  if (!record.is_object()) return std::nullopt;
  const auto name = record.find("name");
  if (name == record.end() || !name->is_string()) return std::nullopt;
  return domain::PartyInfo{name->get<std::string>(), (*row)->division};
}

}  // namespace battrace::store
