// The EPCIS 2.0 REST binding under /epcis (docs/api.md "EPCIS", docs/epcis.md): capture of
// EPCIS documents and single events, capture jobs, the event query and single events. The
// server's front (server.cc) routes, authenticates and rate-limits as for every route, then
// calls these handlers; they read through the ScopedReader they are given and write captures
// through `capture`, which runs on the server's one writer connection.
#pragma once

#include <functional>
#include <string>

#include "access/access.h"
#include "core/lang.h"
#include "core/status.h"
#include "server/http.h"

namespace battrace::server {

struct EpcisCall {
  const HttpRequest& req;
  HttpResponse& res;
  access::ScopedReader& reader;
  Instant now = 0;
  std::string request_id;
  Lang lang = Lang::kEn;
  size_t max_events = 10000;  // events per captured document; 413 beyond
  // Stores a prepared capture on the writer connection (Store::CaptureEpcis).
  std::function<Result<store::EpcisCaptureResult>(store::EpcisCapture&)> capture;
  // Makes the reader's audit entries durable; then what was read may be sent.
  std::function<Status()> audited;
};

// Whether `path` is one of the binding's (its problems are typed "epcisException:...").
bool IsEpcisPath(const std::string& path);

// Rewrites the problem document in `res` (application/problem+json, any status) to the
// binding's exception type: `type` becomes "epcisException:<Name>" chosen by the status and the
// rule (query parameters: QueryParameterException; other bad input: ValidationException; 401,
// 403: SecurityException; 404: NoSuchResourceException; ...). battrace's rule stays in `rule`.
void TypeEpcisProblem(HttpResponse& res);

// The admission of a capture from its head (before the body is read): an enterprise, with a
// Content-Type the route takes. Writes the answer into call.res (401, 403, 415) and returns
// true when it refused.
bool RefuseCapture(EpcisCall& call, bool single_event);

Status EpcisPostCapture(EpcisCall& call);
Status EpcisGetCapture(EpcisCall& call, const std::string& capture_id);
Status EpcisPostEvent(EpcisCall& call);
Status EpcisGetEvents(EpcisCall& call);
// `event_id`: the path after /epcis/events/, percent-decoded (an event hash has slashes).
Status EpcisGetEvent(EpcisCall& call, const std::string& event_id);

}  // namespace battrace::server
