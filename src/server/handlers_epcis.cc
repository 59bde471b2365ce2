// The EPCIS 2.0 binding's routes: each runs a handler of server/epcis_api.h with the call's
// ScopedReader and a capture function that writes on the one writer connection.
#include "server/server_internal.h"

namespace battrace::server {

using access::ScopedReader;

template <typename F>
Status Api::Epcis(Call& c, F handler) {
  ScopedReader reader = Reader(c);
  EpcisCall e{c.req,
              c.res,
              reader,
              c.now,
              c.request_id,
              c.lang,
              options_.max_batch,
              [this](store::EpcisCapture& capture) {
                return Write([&](store::Store& writer) { return writer.CaptureEpcis(capture); });
              },
              [&] { return Audited(reader); }};
  return handler(e);
}

Status Api::AdmitEpcisCapture(Call& c, Handler h) {
  return Epcis(c, [&](EpcisCall& e) {
    RefuseCapture(e, h == &Api::EpcisPostEvent);
    return Status::Ok();
  });
}

Status Api::EpcisPostCapture(Call& c) {
  return Epcis(c, [](EpcisCall& e) { return server::EpcisPostCapture(e); });
}

Status Api::EpcisGetCapture(Call& c) {
  return Epcis(c, [&](EpcisCall& e) { return server::EpcisGetCapture(e, c.params["captureID"]); });
}

Status Api::EpcisPostEvent(Call& c) {
  return Epcis(c, [](EpcisCall& e) { return server::EpcisPostEvent(e); });
}

Status Api::EpcisGetEvents(Call& c) {
  return Epcis(c, [](EpcisCall& e) { return server::EpcisGetEvents(e); });
}

// The event id is the path after /epcis/events/ as decoded, not the router's parameter: the
// router folds the empty segments of "ni:///sha-256;..." away.
Status Api::EpcisGetEvent(Call& c) {
  return Epcis(c, [&](EpcisCall& e) {
    return server::EpcisGetEvent(e, c.req.path.substr(std::string_view("/epcis/events/").size()));
  });
}

}  // namespace battrace::server
