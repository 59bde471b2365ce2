// The platform's Ed25519 signing key and the verifier key text that third parties hold.
//
// Formats follow C2SP signed-note (signature type 0x01, Ed25519):
//   key id        = first 4 bytes, big-endian, of SHA-256(name || 0x0A || 0x01 || public key)
//   verifier key  = "<name>+<8 lower-case hex key id>+<base64(0x01 || 32-byte public key)>"
// The same Ed25519 key also serves as a witness's cosigner key (C2SP tlog-cosignature,
// ledger/cosignature.h): the same texts with signature type 0x04 in place of 0x01.
//   key file      = "PRIVATE+KEY+<name>+<8 hex key id>+<base64(0x01 || 32-byte seed)>\n"
// (the key file line is the private key text of the Go sumdb note tooling, so keys move
// between tools). See docs/ledger-format.md.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>

#include "core/status.h"

namespace battrace::ledger {

using Signature = std::array<uint8_t, 64>;
using PublicKey = std::array<uint8_t, 32>;

// The signature types of the verifier keys battrace reads and writes: a note signer's
// Ed25519 key (C2SP signed-note) and a witness's Ed25519 cosigner key (C2SP
// tlog-cosignature, cosignature/v1).
enum class KeyType : uint8_t { kEd25519 = 0x01, kCosignatureV1 = 0x04 };

// A signed-note key name: non-empty UTF-8 with no Unicode space and no '+'.
bool IsValidKeyName(std::string_view name);

// The C2SP key id of an Ed25519 key of signature type `type`.
uint32_t Ed25519KeyId(std::string_view name, const PublicKey& public_key,
                      KeyType type = KeyType::kEd25519);

// Checks Ed25519 signatures of one named key.
class Verifier {
 public:
  // Parses verifier key text of signature type `type`; fails unless the key id matches the
  // name, type and key (rule "key.type" when the text holds a key of another type).
  static Result<Verifier> Parse(std::string_view verifier_key, KeyType type = KeyType::kEd25519);

  // True iff `signature` is this key's valid Ed25519 signature of `message`.
  bool Verify(std::string_view message, std::span<const uint8_t> signature) const;

  // The verifier key text (as Parse accepts it).
  std::string Text() const;

  const std::string& name() const { return name_; }
  uint32_t key_id() const { return key_id_; }
  KeyType type() const { return type_; }
  const PublicKey& public_key() const { return public_key_; }

 private:
  friend class SigningKey;
  Verifier(std::string name, const PublicKey& public_key, KeyType type);

  std::string name_;
  PublicKey public_key_;
  KeyType type_;
  uint32_t key_id_;
};

// A named Ed25519 private key. The secret is wiped from memory when the object dies.
class SigningKey {
 public:
  // A fresh random key. Fails if `name` is not a valid key name.
  static Result<SigningKey> Generate(std::string name);

  // Parses key file text (one line, optionally newline-terminated). Checks the key id.
  static Result<SigningKey> Parse(std::string_view text);

  // Reads a key file. Fails with FailedPrecondition if the file is readable or writable by
  // group or others, with IOError if it cannot be read.
  static Result<SigningKey> FromFile(const std::filesystem::path& path);

  // Creates `path` with mode 0600 (open O_CREAT|O_EXCL: never overwrites) and writes the key
  // file text, synced to disk. On failure no file is left behind.
  Status WriteFile(const std::filesystem::path& path) const;

  // The key file text, secret included.
  std::string Text() const;

  // The Ed25519 signature of `message`.
  Signature Sign(std::string_view message) const;

  const Verifier& verifier() const { return verifier_; }
  // Shorthand for verifier().Text().
  std::string VerifierKey() const { return verifier_.Text(); }
  // The same key as a witness's cosigner key (signature type 0x04, ledger/cosignature.h).
  Verifier CosignerVerifier() const;
  const std::string& name() const { return verifier_.name(); }
  uint32_t key_id() const { return verifier_.key_id(); }

  SigningKey(const SigningKey&) = default;
  SigningKey& operator=(const SigningKey&) = default;
  ~SigningKey();

 private:
  SigningKey(std::string name, std::span<const uint8_t, 32> seed);

  std::array<uint8_t, 64> secret_;  // libsodium layout: seed || public key
  Verifier verifier_;
};

}  // namespace battrace::ledger
