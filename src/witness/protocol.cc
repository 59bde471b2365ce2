// add-checkpoint request bodies and text/x.tlog.size answers, parsed strictly.
#include "witness/protocol.h"

#include <charconv>

namespace battrace::witness {
namespace {

Status RequestError(std::string message) {
  return Status::Invalid("add-checkpoint", "witness.request", std::move(message));
}

// A tree size in ASCII decimal without leading zeros.
bool ParseDecimal(std::string_view text, uint64_t* out) {
  const auto res = std::from_chars(text.data(), text.data() + text.size(), *out);
  return !text.empty() && res.ec == std::errc() && res.ptr == text.data() + text.size() &&
         !(text.size() > 1 && text[0] == '0');
}

}  // namespace

Result<AddCheckpointRequest> ParseAddCheckpoint(std::string_view body) {
  AddCheckpointRequest out;
  size_t eol = body.find('\n');
  if (eol == std::string_view::npos || !body.starts_with("old ") ||
      !ParseDecimal(body.substr(4, eol - 4), &out.old_size)) {
    return RequestError("the first line must be 'old <size>' in decimal without leading zeros");
  }
  body.remove_prefix(eol + 1);
  for (size_t line = 2;; ++line) {
    eol = body.find('\n');
    if (eol == std::string_view::npos) {
      return RequestError("no empty line between the proof and the checkpoint");
    }
    const std::string_view text = body.substr(0, eol);
    body.remove_prefix(eol + 1);
    if (text.empty()) break;
    if (out.proof.size() == kMaxProofLines) {
      return RequestError("more than 63 consistency proof lines");
    }
    auto hash = ledger::HashFromBase64(text, "add-checkpoint");
    if (!hash.ok()) {
      return RequestError("line " + std::to_string(line) + " is not the base64 of a 32-byte hash");
    }
    out.proof.push_back(*hash);
  }
  if (body.empty()) return RequestError("no checkpoint after the empty line");
  out.note = body;
  return out;
}

std::string FormatAddCheckpoint(uint64_t old_size, const std::vector<ledger::Hash>& proof,
                                std::string_view note) {
  std::string out = "old " + std::to_string(old_size) + "\n";
  for (const ledger::Hash& h : proof)
    out.append(ledger::HashToBase64(h)).push_back('\n');
  out.push_back('\n');
  out.append(note);
  return out;
}

std::string FormatTlogSize(uint64_t size) {
  return std::to_string(size) + "\n";
}

Result<uint64_t> ParseTlogSize(std::string_view body) {
  uint64_t size = 0;
  if (body.empty() || body.back() != '\n' ||
      !ParseDecimal(body.substr(0, body.size() - 1), &size)) {
    return Status::Invalid("witness", "witness.size",
                           "a text/x.tlog.size body is a decimal size and a newline");
  }
  return size;
}

}  // namespace battrace::witness
