// RFC 9162 leaf and node hashing, and the hash text encodings.
//
// SHA-256 is OpenSSL's: it uses the CPU's SHA extensions where they exist, which makes hashing
// a 400-byte report about five times faster than libsodium's portable code on this project's
// machines (the ingest pipeline hashes every report twice). Base64 is libsodium's.
#include "ledger/hash.h"

#include <openssl/evp.h>
#include <sodium.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <initializer_list>

namespace battrace::ledger {
namespace {

// OpenSSL fails here only when it is broken (out of memory, no SHA-256 provider): nothing to
// recover, and no hash may be made up.
[[noreturn]] void Die(const char* what) {
  std::fprintf(stderr, "battrace: OpenSSL SHA-256 failed in %s\n", what);
  std::abort();
}

std::string_view Bytes(const Hash& h) {
  return {reinterpret_cast<const char*>(h.data()), h.size()};
}

}  // namespace

// One digest context per thread, reused.
Hash Sha256(std::initializer_list<std::string_view> parts) {
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  struct Ctx {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    ~Ctx() { EVP_MD_CTX_free(ctx); }
  };
  thread_local Ctx c;
  if (md == nullptr || c.ctx == nullptr) Die("setup");
  if (EVP_DigestInit_ex2(c.ctx, md, nullptr) != 1) Die("init");
  for (std::string_view p : parts) {
    if (EVP_DigestUpdate(c.ctx, p.data(), p.size()) != 1) Die("update");
  }
  Hash out;
  unsigned len = 0;
  if (EVP_DigestFinal_ex(c.ctx, out.data(), &len) != 1 || len != out.size()) Die("final");
  return out;
}

Hash LeafHash(std::string_view data) {
  return Sha256({std::string_view("\x00", 1), data});
}

Hash NodeHash(const Hash& left, const Hash& right) {
  return Sha256({std::string_view("\x01", 1), Bytes(left), Bytes(right)});
}

const Hash& EmptyRootHash() {
  static const Hash kEmpty = Sha256({});
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
