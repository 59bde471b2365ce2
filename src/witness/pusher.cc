// Pushing checkpoints to witnesses: build the request, learn sizes from 409s, keep only
// cosignatures that verify, store them beside the log's signature.
#include "witness/pusher.h"

#include "ledger/checkpoint.h"
#include "ledger/cosignature.h"
#include "ledger/merkle.h"
#include "server/log.h"
#include "witness/protocol.h"

namespace battrace::witness {
namespace {

// The lines of a 200 answer that are valid cosignatures by `cosigner` of the note text `text`.
Result<std::string> ValidCosignatures(std::string_view answer, const ledger::Verifier& cosigner,
                                      std::string_view text) {
  std::string kept;
  while (!answer.empty()) {
    const size_t eol = answer.find('\n');
    if (eol == std::string_view::npos) {
      return Status::Invalid("witness", "witness.answer", "an answer line lacks its newline");
    }
    const std::string_view line = answer.substr(0, eol);
    answer.remove_prefix(eol + 1);
    auto cosignature = ledger::ParseCosignatureLine(line);
    if (!cosignature.ok()) continue;  // another signature type, or another key: ignored
    if (cosignature->name != cosigner.name() || cosignature->key_id != cosigner.key_id()) {
      continue;
    }
    if (!ledger::VerifyCosignature(cosigner, text, *cosignature)) {
      return Status::Invalid("witness", "witness.cosignature",
                             "the witness's cosignature does not verify");
    }
    kept.append(line).push_back('\n');
  }
  if (kept.empty()) {
    return Status::Invalid("witness", "witness.cosignature",
                           "the answer holds no cosignature by " + cosigner.name());
  }
  return kept;
}

}  // namespace

Result<WitnessTarget> ParseWitnessArg(std::string_view text) {
  const size_t eq = text.find('=');
  if (eq == std::string_view::npos) {
    return Status::Invalid("--witness", "witness.arg",
                           "--witness is URL=COSIGNER_KEY, e.g. "
                           "http://127.0.0.1:7380=witness.example+1234abcd+BA...");
  }
  BATTRACE_ASSIGN_OR_RETURN(url, WitnessUrl::Parse(text.substr(0, eq)));
  auto key = ledger::Verifier::Parse(text.substr(eq + 1), ledger::KeyType::kCosignatureV1);
  if (!key.ok()) return key.status().WithFieldPrefix("--witness ");
  return WitnessTarget{std::move(url), *std::move(key)};
}

Pusher::Pusher(std::vector<WitnessTarget> targets, std::chrono::milliseconds timeout)
    : timeout_(timeout) {
  for (WitnessTarget& t : targets)
    follows_.push_back(Follow{std::move(t), std::nullopt, std::nullopt});
}

void Pusher::PushLatest(store::Store& store) {
  auto latest = store.LatestCheckpoint();
  if (!latest.ok()) {
    server::LogJson(
        {{"level", "error"}, {"event", "witness"}, {"error", latest.status().ToString()}});
    return;
  }
  if (!*latest) return;  // nothing signed yet
  const store::StoredCheckpoint& cp = **latest;
  for (Follow& f : follows_) {
    if (f.offered == cp.size) continue;
    f.offered = cp.size;
    Status st = Offer(store, f, cp);
    server::LogJson({{"level", st.ok() ? "info" : "warning"},
                     {"event", "witness"},
                     {"witness", f.target.url.ToString()},
                     {"cosigner", f.target.cosigner.name()},
                     {"size", cp.size},
                     {"outcome", st.ok() ? "cosigned" : st.ToString()}});
  }
}

Status Pusher::Offer(store::Store& store, Follow& f, const store::StoredCheckpoint& cp) {
  BATTRACE_ASSIGN_OR_RETURN(parts, ledger::SplitNote(cp.note));
  for (int attempt = 0; attempt < 2; ++attempt) {
    const uint64_t old = f.cosigned.value_or(0);
    if (old > cp.size) {
      return Status::FailedPrecondition("the witness holds size " + std::to_string(old) +
                                        ", above the ledger's " + std::to_string(cp.size));
    }
    std::vector<ledger::Hash> proof;
    if (old != 0 && old != cp.size) {
      BATTRACE_ASSIGN_OR_RETURN(p, ledger::ConsistencyProof(store, old, cp.size));
      proof = std::move(p);
    }
    BATTRACE_ASSIGN_OR_RETURN(reply, Post(f.target.url, "/add-checkpoint",
                                          FormatAddCheckpoint(old, proof, cp.note), timeout_));
    if (reply.status == 409 && reply.content_type.starts_with(kSizeContentType)) {
      BATTRACE_ASSIGN_OR_RETURN(size, ParseTlogSize(reply.body));
      if (f.cosigned == size) break;  // it holds what we sent from: a fork, not a stale size
      f.cosigned = size;
      continue;
    }
    if (reply.status != 200) {
      return Status::FailedPrecondition("the witness answered " + std::to_string(reply.status) +
                                        ": " + reply.body.substr(0, 200));
    }
    BATTRACE_ASSIGN_OR_RETURN(lines, ValidCosignatures(reply.body, f.target.cosigner, parts.text));
    f.cosigned = cp.size;
    return store.AddCheckpointSignatures(cp.size, lines);
  }
  return Status::Conflict("the witness refuses the checkpoint at size " + std::to_string(cp.size) +
                          " (it holds size " + std::to_string(f.cosigned.value_or(0)) + ")");
}

}  // namespace battrace::witness
