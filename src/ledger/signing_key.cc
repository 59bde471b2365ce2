// Ed25519 keys over libsodium, with C2SP signed-note key ids and key texts, and the key file.
#include "ledger/signing_key.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cassert>
#include <cerrno>
#include <cstring>
#include <vector>

#include "ledger/hash.h"
#include "ledger/utf8.h"

namespace battrace::ledger {
namespace {

constexpr std::string_view kPrivateKeyPrefix = "PRIVATE+KEY+";
constexpr size_t kMaxKeyFileSize = 4096;

void InitSodium() {
  [[maybe_unused]] static const int kInit = sodium_init();
  assert(kInit >= 0);
}

// Unicode White_Space characters (Zs, Zl, Zp and the spacing controls).
bool IsUnicodeSpace(uint32_t cp) {
  return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
         (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
         cp == 0x205F || cp == 0x3000;
}

std::string KeyIdHex(uint32_t id) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(8, '0');
  for (int i = 7; i >= 0; --i, id >>= 4)
    out[static_cast<size_t>(i)] = kDigits[id & 0xf];
  return out;
}

Result<uint32_t> ParseKeyIdHex(std::string_view text, const std::string& field) {
  uint32_t id = 0;
  if (text.size() != 8) return Status::Invalid(field, "key.id", "key id is 8 hex digits");
  for (char c : text) {
    int v;
    if (c >= '0' && c <= '9') {
      v = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      v = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
      v = c - 'A' + 10;
    } else {
      return Status::Invalid(field, "key.id", "key id is 8 hex digits");
    }
    id = id << 4 | static_cast<uint32_t>(v);
  }
  return id;
}

// Splits "<name>+<hex id>+<base64(type || 32 bytes)>" and checks each part's syntax.
struct KeyText {
  std::string name;
  uint32_t key_id;
  std::array<uint8_t, 32> key;
};

Result<KeyText> ParseKeyText(std::string_view text, const std::string& field, KeyType type) {
  const size_t p1 = text.find('+');
  const size_t p2 = p1 == std::string_view::npos ? p1 : text.find('+', p1 + 1);
  if (p2 == std::string_view::npos) {  // the base64 after p2 may itself contain '+'
    return Status::Invalid(field, "key.format", "expected <name>+<key id>+<base64 key>");
  }
  KeyText out;
  out.name = std::string(text.substr(0, p1));
  if (!IsValidKeyName(out.name)) return Status::Invalid(field, "key.name", "invalid key name");
  auto id = ParseKeyIdHex(text.substr(p1 + 1, p2 - p1 - 1), field);
  if (!id.ok()) return id.status();
  out.key_id = *id;
  auto bytes = Base64Decode(text.substr(p2 + 1), field);
  if (!bytes.ok()) return bytes.status();
  if (bytes->size() != 1 + out.key.size() || (*bytes)[0] != static_cast<uint8_t>(type)) {
    sodium_memzero(bytes->data(), bytes->size());
    return Status::Invalid(field, "key.type",
                           type == KeyType::kEd25519
                               ? "expected an Ed25519 (type 0x01) 32-byte key"
                               : "expected an Ed25519 cosigner (type 0x04) 32-byte key");
  }
  std::memcpy(out.key.data(), bytes->data() + 1, out.key.size());
  sodium_memzero(bytes->data(), bytes->size());
  return out;
}

std::string FormatKeyText(std::string_view name, uint32_t key_id, std::span<const uint8_t, 32> key,
                          KeyType type) {
  std::array<uint8_t, 33> typed;
  typed[0] = static_cast<uint8_t>(type);
  std::memcpy(typed.data() + 1, key.data(), key.size());
  std::string out = std::string(name) + "+" + KeyIdHex(key_id) + "+" + Base64Encode(typed);
  sodium_memzero(typed.data(), typed.size());
  return out;
}

std::string ErrnoText(const std::filesystem::path& path) {
  return path.string() + ": " + std::strerror(errno);
}

}  // namespace

bool IsValidKeyName(std::string_view name) {
  if (name.empty()) return false;
  size_t pos = 0;
  while (pos < name.size()) {
    uint32_t cp;
    if (!NextCodePoint(name, &pos, &cp) || cp == '+' || IsUnicodeSpace(cp)) return false;
  }
  return true;
}

uint32_t Ed25519KeyId(std::string_view name, const PublicKey& public_key, KeyType type) {
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  crypto_hash_sha256_update(&state, reinterpret_cast<const uint8_t*>(name.data()), name.size());
  const uint8_t sep[2] = {'\n', static_cast<uint8_t>(type)};
  crypto_hash_sha256_update(&state, sep, sizeof(sep));
  crypto_hash_sha256_update(&state, public_key.data(), public_key.size());
  Hash h;
  crypto_hash_sha256_final(&state, h.data());
  return uint32_t{h[0]} << 24 | uint32_t{h[1]} << 16 | uint32_t{h[2]} << 8 | h[3];
}

Verifier::Verifier(std::string name, const PublicKey& public_key, KeyType type)
    : name_(std::move(name)),
      public_key_(public_key),
      type_(type),
      key_id_(Ed25519KeyId(name_, public_key, type)) {}

Result<Verifier> Verifier::Parse(std::string_view verifier_key, KeyType type) {
  auto parts = ParseKeyText(verifier_key, "verifier_key", type);
  if (!parts.ok()) return parts.status();
  Verifier v(std::move(parts->name), parts->key, type);
  if (v.key_id_ != parts->key_id) {
    return Status::Invalid("verifier_key", "key.id", "key id does not match name and key");
  }
  return v;
}

bool Verifier::Verify(std::string_view message, std::span<const uint8_t> signature) const {
  InitSodium();
  return signature.size() == crypto_sign_BYTES &&
         crypto_sign_verify_detached(signature.data(),
                                     reinterpret_cast<const uint8_t*>(message.data()),
                                     message.size(), public_key_.data()) == 0;
}

std::string Verifier::Text() const {
  return FormatKeyText(name_, key_id_, public_key_, type_);
}

SigningKey::SigningKey(std::string name, std::span<const uint8_t, 32> seed)
    : verifier_([&] {
        InitSodium();
        PublicKey pk;
        crypto_sign_seed_keypair(pk.data(), secret_.data(), seed.data());
        return Verifier(std::move(name), pk, KeyType::kEd25519);
      }()) {}

SigningKey::~SigningKey() {
  sodium_memzero(secret_.data(), secret_.size());
}

Result<SigningKey> SigningKey::Generate(std::string name) {
  if (!IsValidKeyName(name)) return Status::Invalid("name", "key.name", "invalid key name");
  InitSodium();
  std::array<uint8_t, 32> seed;
  randombytes_buf(seed.data(), seed.size());
  SigningKey key(std::move(name), seed);
  sodium_memzero(seed.data(), seed.size());
  return key;
}

Result<SigningKey> SigningKey::Parse(std::string_view text) {
  if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  if (!text.starts_with(kPrivateKeyPrefix)) {
    return Status::Invalid("key_file", "key.format", "expected PRIVATE+KEY+<name>+<id>+<key>");
  }
  auto parts = ParseKeyText(text.substr(kPrivateKeyPrefix.size()), "key_file", KeyType::kEd25519);
  if (!parts.ok()) return parts.status();
  SigningKey key(std::move(parts->name), parts->key);
  sodium_memzero(parts->key.data(), parts->key.size());
  if (key.key_id() != parts->key_id) {
    return Status::Invalid("key_file", "key.id", "key id does not match name and key");
  }
  return key;
}

Result<SigningKey> SigningKey::FromFile(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return Status::IOError(ErrnoText(path));
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    Status err = Status::IOError(ErrnoText(path));
    ::close(fd);
    return err;
  }
  if (!S_ISREG(st.st_mode) || (st.st_mode & 077) != 0) {
    ::close(fd);
    return Status::FailedPrecondition(path.string() +
                                      ": key file must be a regular file of mode 0600");
  }
  std::array<char, kMaxKeyFileSize> buf;
  size_t len = 0;
  while (len < buf.size()) {
    const ssize_t n = ::read(fd, buf.data() + len, buf.size() - len);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      Status err = Status::IOError(ErrnoText(path));
      ::close(fd);
      return err;
    }
    if (n == 0) break;
    len += static_cast<size_t>(n);
  }
  ::close(fd);
  Result<SigningKey> key =
      len == buf.size()
          ? Result<SigningKey>(Status::Invalid("key_file", "key.format", "key file too large"))
          : Parse(std::string_view(buf.data(), len));
  sodium_memzero(buf.data(), buf.size());
  return key;
}

Status SigningKey::WriteFile(const std::filesystem::path& path) const {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return Status::IOError(ErrnoText(path));
  std::string text = Text() + "\n";
  size_t done = 0;
  bool ok = ::fchmod(fd, 0600) == 0;  // whatever the umask
  while (ok && done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) done += static_cast<size_t>(n);
  }
  ok = ok && ::fsync(fd) == 0;
  Status result = ok ? Status::Ok() : Status::IOError(ErrnoText(path));
  if (::close(fd) != 0 && ok) result = Status::IOError(ErrnoText(path));
  sodium_memzero(text.data(), text.size());
  if (!result.ok()) ::unlink(path.c_str());
  return result;
}

std::string SigningKey::Text() const {
  return std::string(kPrivateKeyPrefix) +
         FormatKeyText(name(), key_id(), std::span<const uint8_t, 32>(secret_.data(), 32),
                       KeyType::kEd25519);
}

Verifier SigningKey::CosignerVerifier() const {
  return Verifier(name(), verifier_.public_key(), KeyType::kCosignatureV1);
}

Signature SigningKey::Sign(std::string_view message) const {
  Signature sig;
  crypto_sign_detached(sig.data(), nullptr, reinterpret_cast<const uint8_t*>(message.data()),
                       message.size(), secret_.data());
  return sig;
}

}  // namespace battrace::ledger
