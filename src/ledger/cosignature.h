// Witness cosignatures of checkpoints (C2SP tlog-cosignature, cosignature/v1 over Ed25519).
//
// A witness that has checked a checkpoint's consistency with every checkpoint of the same log
// it cosigned before signs, with its own Ed25519 key, the message
//   "cosignature/v1\n" "time <seconds>\n" <checkpoint body>
// and hands back a note signature line "— <witness name> <base64(key id || timestamp ||
// signature)>": the key id is that of signature type 0x04 (ledger/signing_key.h), the
// timestamp 8 bytes big-endian. The line is appended to the log's signed note, so one note
// carries the log's signature and every witness's. Whoever holds the witnesses' cosigner keys
// ("<name>+<key id>+<base64(0x04 || public key)>") can count them. See docs/ledger-format.md.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/status.h"
#include "ledger/signing_key.h"

namespace battrace::ledger {

// Timestamps above this are refused (the spec's bound, 2^63 - 1).
inline constexpr uint64_t kMaxCosignatureTime = (uint64_t{1} << 63) - 1;

// The message a cosignature/v1 signs: "cosignature/v1\ntime <timestamp>\n" + body, the body
// being the checkpoint note's whole text (extension lines included).
std::string CosignedMessage(std::string_view body, uint64_t timestamp);

// The cosignature line (newline-terminated) of `key` as a witness on the checkpoint note text
// `body` at `timestamp` (seconds since the epoch).
// REQUIRES: timestamp <= kMaxCosignatureTime.
std::string Cosign(const SigningKey& key, std::string_view body, uint64_t timestamp);

// A parsed cosignature line.
struct Cosignature {
  std::string name;
  uint32_t key_id = 0;
  uint64_t timestamp = 0;
  Signature signature{};
};

// Parses one signature line (without its newline) as a cosignature/v1 line: the em dash and a
// space, a valid key name, a space, and the canonical base64 of exactly 4 + 8 + 64 bytes with a
// timestamp <= kMaxCosignatureTime. Errors are InvalidArgument, field "cosignature", rule
// "cosignature.format".
Result<Cosignature> ParseCosignatureLine(std::string_view line);

// Whether `cosignature` is `cosigner`'s valid cosignature/v1 of the note text `body`: the name
// and key id are the cosigner's and the signature verifies.
// REQUIRES: cosigner.type() == KeyType::kCosignatureV1.
bool VerifyCosignature(const Verifier& cosigner, std::string_view body,
                       const Cosignature& cosignature);

// The number of keys among `cosigners` that have a valid cosignature on the signed note `note`
// (checked against the note's text; each key counts once). Lines by other keys are ignored.
// Fails with "note.format" if the note is malformed (SplitNote), and with
// "note.cosignature" if a line by one of `cosigners` is not a valid cosignature of the text:
// a witness's signature that does not verify is evidence of tampering, not noise.
// REQUIRES: every cosigner's type() is KeyType::kCosignatureV1.
Result<size_t> CountCosignatures(std::string_view note, std::span<const Verifier> cosigners);

}  // namespace battrace::ledger
