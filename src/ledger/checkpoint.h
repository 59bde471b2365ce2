// Checkpoints: the signed tree heads of the ledger, as C2SP tlog-checkpoint bodies inside
// C2SP signed notes.
//
// A checkpoint body is "<origin>\n<tree size>\n<base64 root hash>\n" followed by optional
// extension lines. The platform signs it with its Ed25519 key; a signed note is the body, a
// blank line, and one signature line per signer: "— <key name> <base64(key id || sig)>\n".
// Whoever holds the platform's verifier key can check a checkpoint offline, and with it any
// inclusion or consistency proof. See docs/ledger-format.md.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "ledger/hash.h"
#include "ledger/signing_key.h"

namespace battrace::ledger {

// Notes larger than this, or with more signature lines than kMaxNoteSignatures, are rejected.
inline constexpr size_t kMaxNoteSize = 64 * 1024;
inline constexpr size_t kMaxNoteSignatures = 100;

struct Checkpoint {
  std::string origin;  // the log's identity, e.g. "battrace.example.cn/ledger"
  uint64_t size = 0;
  Hash root{};
  std::vector<std::string> extensions;  // opaque extra lines, each non-empty

  // The note text: origin, size, root and extension lines, each ending in "\n".
  // REQUIRES: origin and every extension are non-empty, valid UTF-8, free of control
  // characters (so the body is a valid note text).
  std::string Body() const;

  // Parses a note text as a checkpoint body: valid UTF-8 without control characters other
  // than newline; at least three lines, each newline-terminated;
  // non-empty origin; size in decimal without leading zeros; root the base64 of 32 bytes;
  // non-empty extension lines.
  static Result<Checkpoint> ParseBody(std::string_view body);

  friend bool operator==(const Checkpoint&, const Checkpoint&) = default;
};

// One signature line of a signed note: "— <name> <base64(key id || signature)>".
struct NoteSignature {
  std::string_view line;  // the whole line, without its newline
  std::string_view name;
  uint32_t key_id = 0;
  std::vector<uint8_t> signature;  // what follows the key id
};

// A signed note taken apart (views into the note).
struct NoteParts {
  std::string_view text;  // up to and including the newline before the blank line
  std::vector<NoteSignature> signatures;
};

// Takes a signed note apart without verifying any signature. Per C2SP signed-note: the note
// is at most kMaxNoteSize bytes of valid UTF-8 without control characters other than newline,
// ends in a newline, its text ends at the last blank line, and every following line (at least
// one, at most kMaxNoteSignatures) is "— <valid key name> <base64 of at least 5 bytes>".
// Errors are InvalidArgument with rule "note.format".
Result<NoteParts> SplitNote(std::string_view note);

// Signs `text` as a note: text + "\n" + "— <name> <base64(key id || signature)>\n".
// Fails with InvalidArgument unless `text` is a valid note text: non-empty, ending in a
// newline, valid UTF-8, with no control character other than newline.
Result<std::string> SignNote(std::string_view text, const SigningKey& key);

// Verifies a signed note and returns its text (a view into `note`). Per C2SP signed-note:
// the note is valid UTF-8 without control characters other than newline and ends in a
// newline; the text ends at the last blank line; every following line is a well-formed
// signature line; signatures by other keys (another name or key id) are ignored; a
// signature by `verifier`'s key that fails to verify rejects the note; at least one must
// verify. Errors are InvalidArgument with rule "note.format", "note.signature" (a bad
// signature) or "note.unsigned" (no signature by the key).
Result<std::string_view> OpenNote(std::string_view note, const Verifier& verifier);

// OpenNote, then Checkpoint::ParseBody of the text.
Result<Checkpoint> OpenSignedCheckpoint(std::string_view note, const Verifier& verifier);

}  // namespace battrace::ledger
