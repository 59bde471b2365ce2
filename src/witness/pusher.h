// The log's side of witnessing (`battrace serve --witness URL=KEY`): after checkpoints are
// signed, each new one goes to every configured witness with a consistency proof from the size
// that witness cosigned last; the cosignatures that come back are checked and appended to the
// stored note, so GET /v1/ledger/checkpoint and `battrace checkpoint` serve the cosigned note.
//
// A witness that is down, slow or refusing is logged and tried again with the next checkpoint;
// nothing here is on the request path or holds the write lock. The size a witness holds is
// learnt from its 409 answer (at start, or after it cosigned elsewhere).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "ledger/signing_key.h"
#include "store/store.h"
#include "witness/client.h"

namespace battrace::witness {

struct WitnessTarget {
  WitnessUrl url;             // submission prefix; the request goes to <url>/add-checkpoint
  ledger::Verifier cosigner;  // its cosigner key (type 0x04)
};

// Parses "URL=COSIGNER_VERIFIER_KEY" (the URL holds no '='; the key text may end in '=').
Result<WitnessTarget> ParseWitnessArg(std::string_view text);

class Pusher {
 public:
  Pusher(std::vector<WitnessTarget> targets, std::chrono::milliseconds timeout);

  // Offers the latest checkpoint of `store` to every witness that has not been offered it,
  // appending the valid cosignatures that come back to the stored note
  // (Store::AddCheckpointSignatures). Logs every outcome (server/log.h); never fails.
  void PushLatest(store::Store& store);

 private:
  struct Follow {
    WitnessTarget target;
    std::optional<uint64_t> cosigned;  // the size the witness holds, as far as we know
    std::optional<uint64_t> offered;   // the last size offered (tried once per checkpoint)
  };
  // One add-checkpoint exchange (and one retry after a 409 that teaches the witness's size).
  Status Offer(store::Store& store, Follow& follow, const store::StoredCheckpoint& cp);

  std::vector<Follow> follows_;
  std::chrono::milliseconds timeout_;
};

}  // namespace battrace::witness
