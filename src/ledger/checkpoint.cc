// C2SP tlog-checkpoint bodies and C2SP signed notes with Ed25519 signatures.
#include "ledger/checkpoint.h"

#include <cassert>
#include <charconv>
#include <cstring>

#include "ledger/utf8.h"

namespace battrace::ledger {
namespace {

constexpr std::string_view kSignaturePrefix = "\xE2\x80\x94 ";  // em dash (U+2014), space

Status BodyError(std::string message) {
  return Status::Invalid("checkpoint", "checkpoint.format", std::move(message));
}
Status NoteError(std::string message) {
  return Status::Invalid("note", "note.format", std::move(message));
}

// Valid UTF-8 with no control character other than newline.
bool IsNoteText(std::string_view text) {
  for (char c : text) {
    if (static_cast<uint8_t>(c) < 0x20 && c != '\n') return false;
  }
  return IsValidUtf8(text);
}

[[maybe_unused]] bool IsValidLine(std::string_view line) {
  return !line.empty() && line.find('\n') == std::string_view::npos && IsNoteText(line);
}

Result<uint64_t> ParseTreeSize(std::string_view text) {
  uint64_t size = 0;
  const auto res = std::from_chars(text.data(), text.data() + text.size(), size);
  if (text.empty() || res.ec != std::errc() || res.ptr != text.data() + text.size() ||
      (text.size() > 1 && text[0] == '0')) {
    return BodyError("tree size must be decimal digits without leading zeros");
  }
  return size;
}

}  // namespace

std::string Checkpoint::Body() const {
  assert(IsValidLine(origin));
  std::string out;
  out.reserve(origin.size() + 80);
  out.append(origin).push_back('\n');
  out.append(std::to_string(size)).push_back('\n');
  out.append(HashToBase64(root)).push_back('\n');
  for (const std::string& line : extensions) {
    assert(IsValidLine(line));
    out.append(line).push_back('\n');
  }
  return out;
}

Result<Checkpoint> Checkpoint::ParseBody(std::string_view body) {
  if (body.empty() || body.back() != '\n') return BodyError("body must end with a newline");
  if (!IsNoteText(body)) return BodyError("body must be UTF-8 without control characters");
  Checkpoint cp;
  int line_no = 0;
  for (size_t start = 0; start < body.size(); ++line_no) {
    const size_t end = body.find('\n', start);
    const std::string_view line = body.substr(start, end - start);
    start = end + 1;
    if (line.empty()) return BodyError("empty line in checkpoint body");
    if (line_no == 0) {
      cp.origin = std::string(line);
    } else if (line_no == 1) {
      auto size = ParseTreeSize(line);
      if (!size.ok()) return size.status();
      cp.size = *size;
    } else if (line_no == 2) {
      auto root = HashFromBase64(line, "checkpoint.root");
      if (!root.ok()) return root.status();
      cp.root = *root;
    } else {
      cp.extensions.emplace_back(line);
    }
  }
  if (line_no < 3) return BodyError("a checkpoint has origin, size and root lines");
  return cp;
}

Result<std::string> SignNote(std::string_view text, const SigningKey& key) {
  if (text.empty() || text.back() != '\n' || !IsNoteText(text)) {
    return Status::Invalid("note", "note.format",
                           "note text must be newline-terminated UTF-8 without control "
                           "characters");
  }
  const Signature sig = key.Sign(text);
  std::array<uint8_t, 4 + sizeof(Signature)> blob;
  const uint32_t id = key.key_id();
  blob[0] = static_cast<uint8_t>(id >> 24);
  blob[1] = static_cast<uint8_t>(id >> 16);
  blob[2] = static_cast<uint8_t>(id >> 8);
  blob[3] = static_cast<uint8_t>(id);
  std::memcpy(blob.data() + 4, sig.data(), sig.size());
  std::string out;
  out.reserve(text.size() + key.name().size() + 100);
  out.append(text).push_back('\n');
  out.append(kSignaturePrefix).append(key.name()).push_back(' ');
  out.append(Base64Encode(blob)).push_back('\n');
  return out;
}

Result<NoteParts> SplitNote(std::string_view note) {
  if (note.size() > kMaxNoteSize) return NoteError("note too large");
  if (note.empty() || note.back() != '\n') return NoteError("note must end with a newline");
  if (!IsNoteText(note)) {
    return NoteError("note must be UTF-8 without control characters other than newline");
  }
  const size_t split = note.rfind("\n\n");
  if (split == std::string_view::npos) return NoteError("no blank line before signatures");
  NoteParts parts;
  parts.text = note.substr(0, split + 1);
  std::string_view sigs = note.substr(split + 2);
  if (sigs.empty()) return NoteError("no signature lines");
  while (!sigs.empty()) {
    if (parts.signatures.size() >= kMaxNoteSignatures) return NoteError("too many signatures");
    const size_t eol = sigs.find('\n');  // present: the note ends with a newline
    NoteSignature sig;
    sig.line = sigs.substr(0, eol);
    sigs.remove_prefix(eol + 1);
    std::string_view rest = sig.line;
    if (!rest.starts_with(kSignaturePrefix)) return NoteError("malformed signature line");
    rest.remove_prefix(kSignaturePrefix.size());
    const size_t space = rest.find(' ');
    if (space == std::string_view::npos) return NoteError("malformed signature line");
    sig.name = rest.substr(0, space);
    if (!IsValidKeyName(sig.name)) return NoteError("invalid key name in signature line");
    auto blob = Base64Decode(rest.substr(space + 1), "note");
    if (!blob.ok() || blob->size() < 5) return NoteError("malformed signature in note");
    sig.key_id = uint32_t{(*blob)[0]} << 24 | uint32_t{(*blob)[1]} << 16 |
                 uint32_t{(*blob)[2]} << 8 | (*blob)[3];
    sig.signature.assign(blob->begin() + 4, blob->end());
    parts.signatures.push_back(std::move(sig));
  }
  return parts;
}

Result<std::string_view> OpenNote(std::string_view note, const Verifier& verifier) {
  BATTRACE_ASSIGN_OR_RETURN(parts, SplitNote(note));
  bool verified = false;
  for (const NoteSignature& sig : parts.signatures) {
    if (sig.name != verifier.name() || sig.key_id != verifier.key_id()) continue;  // another key
    if (!verifier.Verify(parts.text, sig.signature)) {
      return Status::Invalid("note", "note.signature", "invalid signature by " + verifier.name());
    }
    verified = true;
  }
  if (!verified) {
    return Status::Invalid("note", "note.unsigned", "no signature by " + verifier.name());
  }
  return parts.text;
}

Result<Checkpoint> OpenSignedCheckpoint(std::string_view note, const Verifier& verifier) {
  auto text = OpenNote(note, verifier);
  if (!text.ok()) return text.status();
  return Checkpoint::ParseBody(*text);
}

}  // namespace battrace::ledger
