#include "store/cursor.h"

#include <sodium.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/str_cat.h"
#include "ledger/hash.h"

namespace battrace::store {
namespace {

constexpr size_t kCheckBytes = 12;
constexpr size_t kMaxCursor = 4096;  // characters; keys are a few identifiers and dates

std::string Check(std::string_view query, std::string_view payload) {
  const std::string q(query);
  const ledger::Hash h = ledger::Sha256({"battrace cursor 1\n", q, "\n", payload});
  return std::string(h.begin(), h.begin() + kCheckBytes);
}

Status Refused(const std::string& why) {
  return Status::Invalid("cursor", "query.cursor",
                         "cursor " + why +
                             ": send the next_cursor of the previous page of the same query "
                             "unchanged, or leave cursor out to start at the first page");
}

}  // namespace

std::string EncodeCursor(std::string_view query, const SortKey& key) {
  const std::string payload = nlohmann::json(key).dump();
  const std::string bytes = Check(query, payload) + payload;
  std::string text(
      sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(text.data(), text.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  text.resize(text.size() - 1);  // the terminating NUL
  return text;
}

Result<SortKey> DecodeCursor(std::string_view query, std::string_view cursor, size_t key_size) {
  if (cursor.empty() || cursor.size() > kMaxCursor) return Refused("is empty or too long");
  std::string bytes(cursor.size(), '\0');
  size_t length = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(bytes.data()), bytes.size(), cursor.data(),
                        cursor.size(), nullptr, &length, nullptr,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
      length <= kCheckBytes) {
    return Refused("is not base64url text of a cursor");
  }
  bytes.resize(length);
  const std::string_view payload = std::string_view(bytes).substr(kCheckBytes);
  if (Check(query, payload) != std::string_view(bytes).substr(0, kCheckBytes)) {
    return Refused("was altered or belongs to another query (list, sort or filters)");
  }
  // The check value matched: the payload is one EncodeCursor wrote for this query.
  const auto key = nlohmann::json::parse(payload, nullptr, false);
  if (!key.is_array() || key.size() != key_size ||
      !std::all_of(key.begin(), key.end(), [](const auto& k) { return k.is_string(); })) {
    return Refused("does not hold a position of this list");
  }
  return key.get<SortKey>();
}

std::string CursorQuery(std::string_view list, Date as_of,
                        const std::map<std::string, std::string>& params) {
  std::string q = StrCat(list, "\n", as_of.ToString());
  for (const auto& [name, value] : params) {
    if (name != "cursor" && name != "limit" && name != "format" && name != "as_of") {
      q += StrCat("\n", name, "=", value);
    }
  }
  return q;
}

}  // namespace battrace::store
