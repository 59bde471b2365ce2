// RFC 9162 leaf and node hashing over libsodium's SHA-256, and the hash text encodings.
#include "ledger/hash.h"

#include <sodium.h>

#include <cstring>

namespace battrace::ledger {

Hash LeafHash(std::string_view data) {
  static constexpr uint8_t kLeafPrefix = 0x00;
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  crypto_hash_sha256_update(&state, &kLeafPrefix, 1);
  crypto_hash_sha256_update(&state, reinterpret_cast<const uint8_t*>(data.data()), data.size());
  Hash out;
  crypto_hash_sha256_final(&state, out.data());
  return out;
}

Hash NodeHash(const Hash& left, const Hash& right) {
  uint8_t buf[1 + 2 * sizeof(Hash)];
  buf[0] = 0x01;
  std::memcpy(buf + 1, left.data(), left.size());
  std::memcpy(buf + 1 + left.size(), right.data(), right.size());
  Hash out;
  crypto_hash_sha256(out.data(), buf, sizeof(buf));
  return out;
}

const Hash& EmptyRootHash() {
  static const Hash kEmpty = [] {
    Hash h;
    crypto_hash_sha256(h.data(), nullptr, 0);
    return h;
  }();
  return kEmpty;
}

std::string Base64Encode(std::span<const uint8_t> bytes) {
  const size_t encoded_len =
      sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  std::string out(encoded_len, '\0');  // includes the terminating NUL libsodium writes
  sodium_bin2base64(out.data(), out.size(), bytes.data(), bytes.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  out.pop_back();
  return out;
}

Result<std::vector<uint8_t>> Base64Decode(std::string_view text, const std::string& field) {
  std::vector<uint8_t> out(text.size() / 4 * 3 + 3);
  size_t len = 0;
  const char* end = nullptr;
  if (text.size() % 4 != 0 ||
      sodium_base642bin(out.data(), out.size(), text.data(), text.size(), nullptr, &len, &end,
                        sodium_base64_VARIANT_ORIGINAL) != 0 ||
      end != text.data() + text.size()) {
    return Status::Invalid(field, "base64", "not standard padded base64");
  }
  out.resize(len);
  // Unused low bits of the last symbol must be zero: the re-encoding must give the input back.
  if (Base64Encode(out) != text) {
    return Status::Invalid(field, "base64", "non-canonical base64");
  }
  return out;
}

std::string HashToBase64(const Hash& hash) {
  return Base64Encode(hash);
}

Result<Hash> HashFromBase64(std::string_view text, const std::string& field) {
  auto bytes = Base64Decode(text, field);
  if (!bytes.ok()) return bytes.status();
  if (bytes->size() != sizeof(Hash)) {
    return Status::Invalid(field, "hash.length", "a hash is 32 bytes");
  }
  Hash out;
  std::memcpy(out.data(), bytes->data(), out.size());
  return out;
}

std::string HashToHex(const Hash& hash) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(2 * hash.size(), '\0');
  for (size_t i = 0; i < hash.size(); ++i) {
    out[2 * i] = kDigits[hash[i] >> 4];
    out[2 * i + 1] = kDigits[hash[i] & 0xf];
  }
  return out;
}

Result<Hash> HashFromHex(std::string_view text, const std::string& field) {
  if (text.size() != 2 * sizeof(Hash)) {
    return Status::Invalid(field, "hash.length", "a hex hash is 64 digits");
  }
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  Hash out;
  for (size_t i = 0; i < out.size(); ++i) {
    const int hi = nibble(text[2 * i]);
    const int lo = nibble(text[2 * i + 1]);
    if (hi < 0 || lo < 0) return Status::Invalid(field, "hex", "not a hex digit");
    out[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return out;
}

}  // namespace battrace::ledger
