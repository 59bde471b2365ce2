// The add-checkpoint checks of C2SP tlog-witness, in the order the spec gives them.
#include "witness/witness.h"

#include "ledger/checkpoint.h"
#include "ledger/cosignature.h"
#include "ledger/merkle.h"
#include "witness/protocol.h"

namespace battrace::witness {
namespace {

Answer Refuse(int status, std::string message) {
  Answer a;
  a.status = status;
  a.body = std::move(message) + "\n";
  return a;
}

Answer Conflict(uint64_t size) {
  Answer a;
  a.status = 409;
  a.content_type = std::string(kSizeContentType);
  a.body = FormatTlogSize(size);
  return a;
}

}  // namespace

Witness::Witness(const ledger::SigningKey& key, std::vector<ledger::Verifier> logs,
                 WitnessState state)
    : key_(key), logs_(std::move(logs)), state_(std::move(state)) {}

Answer Witness::AddCheckpoint(std::string_view body, uint64_t now) {
  auto request = ParseAddCheckpoint(body);
  if (!request.ok()) return Refuse(400, request.status().message());
  auto parts = ledger::SplitNote(request->note);
  if (!parts.ok()) return Refuse(400, parts.status().message());
  auto cp = ledger::Checkpoint::ParseBody(parts->text);
  if (!cp.ok()) return Refuse(400, cp.status().message());

  Answer answer = [&]() -> Answer {
    bool known = false, verified = false;
    for (const ledger::Verifier& log : logs_) {
      if (log.name() != cp->origin) continue;
      known = true;
      verified = verified || ledger::OpenNote(request->note, log).ok();
    }
    if (!known) return Refuse(404, "this witness does not follow " + cp->origin);
    if (!verified) return Refuse(403, "no valid signature by the key of " + cp->origin);
    if (request->old_size > cp->size) {
      return Refuse(400, "old size " + std::to_string(request->old_size) +
                             " is above the checkpoint's size " + std::to_string(cp->size));
    }
    std::lock_guard lock(mu_);
    auto stored = state_.Get(cp->origin);
    if (!stored.ok()) return Refuse(500, "the witness state cannot be read");
    const uint64_t stored_size = *stored ? (*stored)->size : 0;
    if (request->old_size != stored_size) return Conflict(stored_size);
    if (request->old_size == cp->size) {
      const ledger::Hash& known_root = *stored ? (*stored)->root : ledger::EmptyRootHash();
      if (known_root != cp->root) return Conflict(stored_size);  // a fork: same size, other root
      if (!request->proof.empty()) return Refuse(422, "the proof between equal sizes is empty");
    } else if (request->old_size == 0) {
      if (!request->proof.empty()) return Refuse(422, "the proof from size 0 is empty");
    } else if (!ledger::VerifyConsistency(request->old_size, cp->size, (*stored)->root, cp->root,
                                          request->proof)) {
      return Refuse(422, "the consistency proof from size " + std::to_string(request->old_size) +
                             " does not verify");
    }
    auto advanced = state_.Advance(cp->origin, stored_size,
                                   LogState{cp->size, cp->root, std::string(request->note)});
    if (!advanced.ok()) return Refuse(500, "the witness state cannot be written");
    if (!*advanced) {  // another process sharing the state file came first
      auto now_stored = state_.Get(cp->origin);
      return Conflict(now_stored.ok() && *now_stored ? (*now_stored)->size : stored_size);
    }
    Answer ok;
    ok.body = ledger::Cosign(key_, parts->text, std::min(now, ledger::kMaxCosignatureTime));
    return ok;
  }();
  answer.origin = cp->origin;
  answer.size = cp->size;
  return answer;
}

}  // namespace battrace::witness
