// Receipt JSON conversion.
#include "ledger/receipt.h"

namespace battrace::ledger {

nlohmann::json Receipt::ToJson() const {
  return {{"reporter", reporter},
          {"id", id},
          {"leaf_index", leaf_index},
          {"leaf_hash", HashToBase64(leaf_hash)}};
}

Result<Receipt> Receipt::FromJson(const nlohmann::json& json) {
  if (!json.is_object()) return Status::Invalid("", "receipt.type", "a receipt is an object");
  const auto string_member = [&](const char* name) -> const std::string* {
    const auto it = json.find(name);
    return it != json.end() && it->is_string() ? &it->get_ref<const std::string&>() : nullptr;
  };
  Receipt r;
  const std::string* reporter = string_member("reporter");
  if (reporter == nullptr) return Status::Invalid("/reporter", "receipt.member", "string required");
  r.reporter = *reporter;
  const std::string* id = string_member("id");
  if (id == nullptr) return Status::Invalid("/id", "receipt.member", "string required");
  r.id = *id;
  const auto index = json.find("leaf_index");
  if (index == json.end() || !index->is_number_unsigned()) {
    return Status::Invalid("/leaf_index", "receipt.member", "non-negative integer required");
  }
  r.leaf_index = index->get<uint64_t>();
  const std::string* hash = string_member("leaf_hash");
  if (hash == nullptr) return Status::Invalid("/leaf_hash", "receipt.member", "string required");
  auto leaf_hash = HashFromBase64(*hash, "/leaf_hash");
  if (!leaf_hash.ok()) return leaf_hash.status();
  r.leaf_hash = *leaf_hash;
  return r;
}

}  // namespace battrace::ledger
