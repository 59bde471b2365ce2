// `battrace serve`: the JSON API over a store (docs/api.md, docs/openapi.yaml).
//
// Threads: the HTTP threads (HttpOptions.threads) each lease a reader connection from a pool
// for a request (from the standby's pool for the routes that may read a standby, when there is
// one: ServeOptions::read_store); report batches are prepared (parsed, hashed) on the worker and
// committed through the one writer connection, one transaction per batch, so a batch's receipts are
// durable before its response; audit entries go through the group-committing audit writer
// (server/audit_log.h) before the data they audit is sent. SIGTERM and SIGINT stop accepting
// connections and let the requests in flight, batches included, finish.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "core/clock.h"
#include "server/http.h"
#include "server/session.h"
#include "store/open.h"

namespace battrace::server {

struct ServeOptions {
  HttpOptions http;
  store::Location store;  // the embedded file or the PostgreSQL database
  // A hot standby of `store` (`--pg-read`): the routes whose reads may lag the primary read
  // there (Api::Reads); writes, the audit writer, credentials and the reads that must see the
  // latest commits stay on `store`. Unset: every route reads `store`.
  std::optional<store::Location> read_store;
  std::string key;               // its signing key file
  double rate_per_second = 500;  // per principal (per client address for the public); 0: off
  double rate_burst = 1000;
  // Per client address, every request, before routing and authentication; 0: off.
  double address_rate_per_second = 2000;
  double address_rate_burst = 4000;
  size_t max_batch = 10000;  // reports per POST /v1/reports, events per POST /epcis/capture
  // CSV downloads streamed at once (each holds a store connection to its end); beyond, 503.
  size_t max_downloads = 8;
  bool access_log = true;   // one JSON line per request on stderr
  SessionOptions sessions;  // browser sessions (server/session.h)
  // Called on the signer thread after each signing tick (about once a second), outside the
  // write lock: `serve --witness` pushes the new checkpoint to its witnesses (witness/pusher.h).
  std::function<void()> after_signing;
  // Called once the socket listens, with the port (the demo prints the URL from it).
  std::function<void(int port)> on_listening;
  // Where requests, receipts and audit entries read the time. Not owned; tests pass a FakeClock.
  const Clock* clock = &SystemClock();
};

// Serves until SIGTERM or SIGINT; returns the process exit code.
int Serve(const ServeOptions& options);

// The API's routes as "METHOD /pattern", in the order the server matches them.
std::vector<std::string> RouteLabels();

}  // namespace battrace::server
