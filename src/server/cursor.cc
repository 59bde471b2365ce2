#include "server/cursor.h"

#include <sodium.h>

namespace battrace::server {
namespace {

constexpr char kSeparator = '|';
constexpr size_t kMaxCursorChars = 1024;

Status Bad(const std::string& why) {
  return Status::Invalid("cursor", "query.cursor",
                         "the cursor " + why + ": pass next_cursor as a previous page gave it");
}

}  // namespace

std::string EncodeCursor(const std::vector<std::string>& parts) {
  std::string joined;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) joined += kSeparator;
    joined += parts[i];
  }
  std::string out(
      sodium_base64_ENCODED_LEN(joined.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(joined.data()),
                    joined.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(out.find('\0'));
  return out;
}

Result<std::vector<std::string>> DecodeCursor(std::string_view cursor) {
  if (cursor.empty() || cursor.size() > kMaxCursorChars) return Bad("is empty or too long");
  std::string bytes(cursor.size(), '\0');
  size_t length = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(bytes.data()), bytes.size(), cursor.data(),
                        cursor.size(), nullptr, &length, &end,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
      end != cursor.data() + cursor.size()) {
    return Bad("is not base64url");
  }
  bytes.resize(length);
  std::vector<std::string> parts(1);
  for (char c : bytes) {
    if (c == kSeparator) {
      if (parts.size() == kMaxCursorParts) return Bad("has too many parts");
      parts.emplace_back();
    } else if (c < 0x20 || c > 0x7E) {
      return Bad("holds a byte that is not printable ASCII");
    } else {
      parts.back() += c;
    }
  }
  return parts;
}

}  // namespace battrace::server
