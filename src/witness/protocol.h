// The wire format of C2SP tlog-witness `add-checkpoint`, shared by the witness that answers it
// (witness/witness.h) and the log that calls it (witness/pusher.h).
//
// Request body: "old <size>\n", up to 63 consistency proof lines (one base64 hash each), an
// empty line, then the log's signed checkpoint note. A 409 answer's body (content type
// text/x.tlog.size) is the witness's size: "<size>\n". A 200 answer's body is one or more
// cosignature lines. See docs/ledger-format.md.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "ledger/hash.h"

namespace battrace::witness {

inline constexpr size_t kMaxProofLines = 63;
inline constexpr std::string_view kSizeContentType = "text/x.tlog.size";

struct AddCheckpointRequest {
  uint64_t old_size = 0;
  std::vector<ledger::Hash> proof;  // RFC 9162 consistency proof from old_size to the note's
  std::string_view note;            // the signed checkpoint note (a view into the body)
};

// Parses a request body strictly: "old " and a decimal without leading zeros (just "0" for
// zero), each proof line the canonical base64 of 32 bytes, at most kMaxProofLines of them,
// the empty line, and a non-empty note (its form is the note parser's business). Errors are
// InvalidArgument with field "add-checkpoint" and rule "witness.request" naming the line.
Result<AddCheckpointRequest> ParseAddCheckpoint(std::string_view body);

// The request body for `note` with `proof` from `old_size`.
std::string FormatAddCheckpoint(uint64_t old_size, const std::vector<ledger::Hash>& proof,
                                std::string_view note);

// "<size>\n": the body of a 409 answer.
std::string FormatTlogSize(uint64_t size);
// Parses a 409 answer's body: a decimal without leading zeros, then one newline.
Result<uint64_t> ParseTlogSize(std::string_view body);

}  // namespace battrace::witness
