// cosignature/v1 lines (C2SP tlog-cosignature): made, parsed and counted on signed notes.
#include "ledger/cosignature.h"

#include <array>
#include <cassert>
#include <cstring>

#include "ledger/checkpoint.h"
#include "ledger/hash.h"

namespace battrace::ledger {
namespace {

constexpr std::string_view kLinePrefix = "\xE2\x80\x94 ";  // em dash (U+2014), space
constexpr size_t kBlobSize = 4 + 8 + sizeof(Signature);

Status FormatError(std::string message) {
  return Status::Invalid("cosignature", "cosignature.format", std::move(message));
}

}  // namespace

std::string CosignedMessage(std::string_view body, uint64_t timestamp) {
  std::string out = "cosignature/v1\ntime " + std::to_string(timestamp) + "\n";
  out.append(body);
  return out;
}

std::string Cosign(const SigningKey& key, std::string_view body, uint64_t timestamp) {
  assert(timestamp <= kMaxCosignatureTime);
  const Signature sig = key.Sign(CosignedMessage(body, timestamp));
  std::array<uint8_t, kBlobSize> blob;
  const uint32_t id = key.CosignerVerifier().key_id();
  for (size_t i = 0; i < 4; ++i)
    blob[i] = static_cast<uint8_t>(id >> (24 - 8 * i));
  for (size_t i = 0; i < 8; ++i)
    blob[4 + i] = static_cast<uint8_t>(timestamp >> (56 - 8 * i));
  std::memcpy(blob.data() + 12, sig.data(), sig.size());
  return std::string(kLinePrefix) + key.name() + " " + Base64Encode(blob) + "\n";
}

Result<Cosignature> ParseCosignatureLine(std::string_view line) {
  if (!line.starts_with(kLinePrefix)) return FormatError("a cosignature line starts with '— '");
  line.remove_prefix(kLinePrefix.size());
  const size_t space = line.find(' ');
  if (space == std::string_view::npos) return FormatError("expected '— <name> <signature>'");
  Cosignature out;
  out.name = std::string(line.substr(0, space));
  if (!IsValidKeyName(out.name)) return FormatError("invalid cosigner name");
  auto blob = Base64Decode(line.substr(space + 1), "cosignature");
  if (!blob.ok()) return FormatError("the signature is not canonical base64");
  if (blob->size() != kBlobSize) {
    return FormatError("a cosignature/v1 signature is 76 bytes (key id, timestamp, Ed25519)");
  }
  const std::vector<uint8_t>& b = *blob;
  for (size_t i = 0; i < 4; ++i)
    out.key_id = out.key_id << 8 | b[i];
  for (size_t i = 4; i < 12; ++i)
    out.timestamp = out.timestamp << 8 | b[i];
  if (out.timestamp > kMaxCosignatureTime) return FormatError("timestamp beyond 2^63 - 1");
  std::memcpy(out.signature.data(), b.data() + 12, out.signature.size());
  return out;
}

bool VerifyCosignature(const Verifier& cosigner, std::string_view body,
                       const Cosignature& cosignature) {
  assert(cosigner.type() == KeyType::kCosignatureV1);
  return cosignature.name == cosigner.name() && cosignature.key_id == cosigner.key_id() &&
         cosigner.Verify(CosignedMessage(body, cosignature.timestamp), cosignature.signature);
}

Result<size_t> CountCosignatures(std::string_view note, std::span<const Verifier> cosigners) {
  BATTRACE_ASSIGN_OR_RETURN(parts, SplitNote(note));
  std::vector<bool> seen(cosigners.size(), false);
  for (const NoteSignature& sig : parts.signatures) {
    for (size_t i = 0; i < cosigners.size(); ++i) {
      const Verifier& cosigner = cosigners[i];
      assert(cosigner.type() == KeyType::kCosignatureV1);
      if (sig.name != cosigner.name() || sig.key_id != cosigner.key_id()) continue;
      auto parsed = ParseCosignatureLine(sig.line);
      if (!parsed.ok() || !VerifyCosignature(cosigner, parts.text, *parsed)) {
        return Status::Invalid("note", "note.cosignature",
                               "invalid cosignature by " + cosigner.name());
      }
      seen[i] = true;
    }
  }
  size_t count = 0;
  for (bool s : seen)
    count += s ? 1 : 0;
  return count;
}

}  // namespace battrace::ledger
