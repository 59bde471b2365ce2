// `battrace witness`: the witness over HTTP. POST /add-checkpoint (C2SP tlog-witness) is its
// one route; every other path is 404 and every other method 405. Logs one JSON line per request
// on stderr (server/log.h), stops on SIGTERM or SIGINT.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "server/http.h"

namespace battrace::witness {

struct WitnessOptions {
  server::HttpOptions http;
  std::string key;                // the witness's signing key file (mode 0600)
  std::string state;              // its state file (witness/state.h)
  std::vector<std::string> logs;  // verifier keys of the logs it follows
  // Called once the socket listens, with the port.
  std::function<void(int port)> on_listening;
  // Where the timestamps of its cosignatures are read. Not owned; tests pass a FakeClock.
  const Clock* clock = &SystemClock();
};

// Serves until SIGTERM or SIGINT; returns the process exit code (2 for bad options).
int RunWitness(const WitnessOptions& options);

}  // namespace battrace::witness
