// A C2SP tlog-witness: it follows logs by their verifier keys and cosigns a log's checkpoint
// only if it is consistent with the newest one of that log it cosigned before.
//
// AddCheckpoint answers an add-checkpoint request body, HTTP aside (witness/service.h serves
// it): 404 for a log it does not follow (the origin is the log key's name), 400 for a request
// or note it cannot read or an old size above the checkpoint's, 403 when no signature by the
// log's key verifies, 409 (with its own size, text/x.tlog.size) when the old size is not the
// size it cosigned last or a checkpoint of that same size has another root (a fork), 422 when
// the consistency proof fails, and 200 with its cosignature line once its state has advanced.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/signing_key.h"
#include "witness/state.h"

namespace battrace::witness {

struct Answer {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::string origin;  // the log, once known (for the log line)
  uint64_t size = 0;   // the checkpoint's size, once known
};

class Witness {
 public:
  // `logs` are the verifier keys of the logs followed; each key's name is its log's origin.
  Witness(const ledger::SigningKey& key, std::vector<ledger::Verifier> logs, WitnessState state);

  // Answers one add-checkpoint request made at `now` (seconds since the epoch). Thread-safe:
  // requests for one log are checked and recorded one at a time.
  Answer AddCheckpoint(std::string_view body, uint64_t now);

  // The witness's cosigner verifier key ("<name>+<key id>+<base64(0x04 || key)>").
  std::string CosignerKey() const { return key_.CosignerVerifier().Text(); }

 private:
  ledger::SigningKey key_;
  std::vector<ledger::Verifier> logs_;
  std::mutex mu_;
  WitnessState state_;  // guarded by mu_
};

}  // namespace battrace::witness
