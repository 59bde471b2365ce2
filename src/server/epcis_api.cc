#include "server/epcis_api.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <set>

#include "core/percent.h"
#include "core/str_cat.h"
#include "epcis/capture.h"
#include "epcis/document.h"
#include "epcis/epc.h"
#include "epcis/mapping.h"
#include "epcis/query.h"
#include "server/problem.h"
#include "store/cursor.h"

namespace battrace::server {
namespace {

using Json = nlohmann::json;

constexpr std::string_view kEventsPrefix = "/epcis/events/";
constexpr const char* kEpcisContext = "https://ref.gs1.org/standards/epcis/epcis-context.jsonld";

void Reply(EpcisCall& c, int status, const Json& body) {
  c.res.status = status;
  c.res.content_type = "application/json";
  c.res.body = body.dump(-1, ' ', false, Json::error_handler_t::replace);
}

// The media type of a Content-Type, lower case, without parameters.
std::string MediaType(const std::string& content_type) {
  std::string t = content_type.substr(0, content_type.find(';'));
  while (!t.empty() && t.back() == ' ')
    t.pop_back();
  while (!t.empty() && t.front() == ' ')
    t.erase(t.begin());
  std::transform(t.begin(), t.end(), t.begin(), [](unsigned char ch) { return std::tolower(ch); });
  return t;
}

// The document format of a capture's Content-Type; nullopt for one the route does not take.
std::optional<epcis::Format> CaptureFormat(const HttpRequest& req, bool single_event) {
  const std::string t = MediaType(req.Header("content-type"));
  if (t == "application/json" || t == "application/ld+json") return epcis::Format::kJson;
  if (!single_event && t == "application/xml") return epcis::Format::kXml;
  return std::nullopt;
}

Json JobJson(const store::EpcisJob& job) {
  return {{"captureID", job.capture_id},
          {"createdAt", epcis::RecordTime(job.created)},
          {"running", false},
          {"success", true},
          {"captureErrorBehaviour", "rollback"},
          {"errors", Json::array()},
          {"battrace:stored", job.stored},
          {"battrace:duplicates", job.duplicates}};
}

// Prepares and stores the events of a parsed document as the caller's capture.
Result<store::EpcisCapture> Capture(EpcisCall& c, const epcis::Document& doc,
                                    store::EpcisCaptureResult* result) {
  const access::Viewer& v = c.reader.viewer();
  BATTRACE_ASSIGN_OR_RETURN(capture, epcis::PrepareCapture(doc, v.id, v.division, c.now));
  BATTRACE_ASSIGN_OR_RETURN(r, c.capture(capture));
  *result = r;
  return capture;
}

// The query document of `events` (JSON bodies), with battrace's prefix declared when
// `with_mapping` (its report events carry "battrace:" keys).
Json QueryDocument(EpcisCall& c, Json events, bool with_mapping) {
  Json context = Json::array({kEpcisContext});
  if (with_mapping) {
    const Json mapping = epcis::MappingContext();
    if (mapping.is_array()) {
      for (const Json& m : mapping)
        context.push_back(m);
    } else {
      context.push_back(mapping);
    }
  }
  return {{"@context", std::move(context)},
          {"type", "EPCISQueryDocument"},
          {"schemaVersion", "2.0"},
          {"creationDate", epcis::RecordTime(c.now)},
          {"epcisBody",
           {{"queryResults",
             {{"queryName", "SimpleEventQuery"}, {"resultsBody", {{"eventList", events}}}}}}}};
}

enum class EpcFormat { kAsCaptured, kDigitalLink };

// The GS1-EPC-Format header: Never_Translates, No_Preference (or none): EPCs as captured;
// Always_GS1_Digital_Link: EPC URNs as their canonical GS1 Digital Link URIs. Always_EPC_URN
// is refused (406): a Digital Link URI does not say where its GS1 company prefix ends, which
// the URN needs, so it cannot be translated back.
Result<EpcFormat> EpcFormatOf(const HttpRequest& req) {
  const std::string& v = req.Header("gs1-epc-format");
  if (v.empty() || v == "Never_Translates" || v == "No_Preference") return EpcFormat::kAsCaptured;
  if (v == "Always_GS1_Digital_Link") return EpcFormat::kDigitalLink;
  if (v == "Always_EPC_URN") {
    return Status::Invalid("GS1-EPC-Format", "epcis.epc_format",
                           "Always_EPC_URN is not offered: a GS1 Digital Link URI does not say "
                           "how long its company prefix is, which an EPC URN needs");
  }
  return Status::Invalid("GS1-EPC-Format", "epcis.epc_format",
                         "GS1-EPC-Format must be Never_Translates, No_Preference, "
                         "Always_GS1_Digital_Link or Always_EPC_URN");
}

void ToDigitalLink(Json& event) {
  for (const char* list : {"epcList", "childEPCs", "inputEPCList", "outputEPCList"}) {
    auto it = event.find(list);
    if (it == event.end() || !it->is_array()) continue;
    for (Json& epc : *it) {
      if (epc.is_string()) epc = epcis::CanonicalEpc(epc.get<std::string>());
    }
  }
  if (auto p = event.find("parentID"); p != event.end() && p->is_string()) {
    *p = epcis::CanonicalEpc(p->get<std::string>());
  }
  for (const char* list :
       {"quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList"}) {
    auto it = event.find(list);
    if (it == event.end() || !it->is_array()) continue;
    for (Json& q : *it) {
      auto cls = q.is_object() ? q.find("epcClass") : q.end();
      if (q.is_object() && cls != q.end() && cls->is_string()) {
        *cls = epcis::CanonicalEpc(cls->get<std::string>());
      }
    }
  }
}

// Refuses (406) a GS1-EPC-Format it cannot honour, writing the answer; false when it did not.
bool RefuseEpcFormat(EpcisCall& c, const Result<EpcFormat>& format) {
  if (format.ok()) return false;
  const bool unknown_value = c.req.Header("gs1-epc-format") != "Always_EPC_URN";
  WriteProblem(c.res, unknown_value ? 400 : 406, format.status(), c.request_id, c.lang);
  return true;
}

// The report events of a battery that pass `filter`, as (columns, body), in ledger order; none
// when the viewer may not read the battery's history.
Result<std::vector<Json>> ReportEventsOf(EpcisCall& c, const std::vector<std::string>& codes,
                                         const store::EpcisFilter& filter) {
  std::vector<Json> out;
  std::set<std::string> seen;
  for (const std::string& code : codes) {
    auto history = c.reader.BatteryHistory(code);
    if (!history.ok()) {
      const StatusCode code_of = history.status().code();
      // A battery the viewer may not read, or none: no report events, as for the store's.
      if (code_of == StatusCode::kNotFound || code_of == StatusCode::kUnauthenticated ||
          code_of == StatusCode::kForbidden || code_of == StatusCode::kInvalidArgument) {
        continue;
      }
      return history.status();
    }
    for (const store::StoredReport& report : *history) {
      for (Json& event : epcis::ReportEvents(report)) {
        const std::string id = event.value("eventID", "");
        BATTRACE_ASSIGN_OR_RETURN(columns, epcis::EventColumns(event));
        columns.event_id = id;
        if (!epcis::MatchesFilter(columns, filter) || !seen.insert(id).second) continue;
        out.push_back(std::move(event));
      }
    }
  }
  return out;
}

// Reads the "nextPageToken": the phase ("r": battrace's report events, by position; "c": the
// captured events, by seq) and the position to resume after.
Result<std::pair<std::string, uint64_t>> PagePosition(const epcis::EventQuery& q,
                                                      const std::string& query_text) {
  if (!q.next_page_token) return std::make_pair(std::string("r"), uint64_t{0});
  auto key = store::DecodeCursor(query_text, *q.next_page_token, 2);
  if (!key.ok()) {
    return Status::Invalid("nextPageToken", "query.cursor", key.status().message());
  }
  const std::string& phase = (*key)[0];
  uint64_t pos = 0;
  try {
    pos = std::stoull((*key)[1]);
  } catch (const std::exception&) {
    return Status::Invalid("nextPageToken", "query.cursor", "nextPageToken is not valid");
  }
  if (phase != "r" && phase != "c") {
    return Status::Invalid("nextPageToken", "query.cursor", "nextPageToken is not valid");
  }
  return std::make_pair(phase, pos);
}

// The text a page token is bound to: every parameter but the token and the page size.
std::string QueryText(const HttpRequest& req) {
  std::string q = "epcis/events";
  for (const auto& [name, value] : req.query) {
    if (name != "nextPageToken" && name != "perPage") q += StrCat("\n", name, "=", value);
  }
  return q;
}

// The Link header of the next page: this request's query with the token replaced.
std::string NextLink(const HttpRequest& req, const std::string& token) {
  std::string query;
  size_t i = 0;
  const std::string& raw = req.query_string;
  while (i <= raw.size() && !raw.empty()) {
    const size_t amp = std::min(raw.find('&', i), raw.size());
    const std::string part = raw.substr(i, amp - i);
    if (!part.empty() && !part.starts_with("nextPageToken=") && part != "nextPageToken") {
      query += (query.empty() ? "" : "&") + part;
    }
    i = amp + 1;
  }
  query += (query.empty() ? "" : "&") + std::string("nextPageToken=") + PercentEncode(token);
  return "</epcis/events?" + query + ">; rel=\"next\"";
}

}  // namespace

bool IsEpcisPath(const std::string& path) {
  return path == "/epcis" || path.starts_with("/epcis/");
}

void TypeEpcisProblem(HttpResponse& res) {
  if (res.content_type != "application/problem+json") return;
  Json p = Json::parse(res.body, nullptr, false);
  if (!p.is_object()) return;
  const std::string rule = p.value("rule", "");
  std::string name;
  switch (res.status) {
    case 400:
      name = rule == "query.unknown_parameter" || rule == "query.cursor" || rule == "epcis.query"
                 ? "QueryParameterException"
                 : "ValidationException";
      break;
    case 401:
    case 403:
      name = "SecurityException";
      break;
    case 404:
      name = "NoSuchResourceException";
      break;
    case 406:
      name = "NotAcceptableException";
      break;
    case 409:
      name = "ResourceAlreadyExistsException";
      break;
    case 413:
      name = "CaptureLimitExceededException";
      break;
    case 414:
      name = "URITooLongException";
      break;
    case 415:
      name = "UnsupportedMediaTypeException";
      break;
    default:
      name = res.status >= 500 || res.status == 429 ? "ImplementationException"
                                                    : "ValidationException";
  }
  p["type"] = "epcisException:" + name;
  res.body = p.dump();
}

bool RefuseCapture(EpcisCall& c, bool single_event) {
  using Kind = access::Viewer::Kind;
  const access::Viewer& v = c.reader.viewer();
  Status st;
  int status = 0;
  if (v.kind == Kind::kPublic) {
    st = Status::Unauthenticated("capturing EPCIS events needs an enterprise's bearer token");
  } else if (v.kind != Kind::kEnterprise) {
    st = Status::Forbidden("EPCIS events are captured by enterprises, each for itself");
  } else if (!CaptureFormat(c.req, single_event)) {
    status = 415;
    st = Status::Invalid("Content-Type", "epcis.media_type",
                         single_event ? "an event is sent as application/json or "
                                        "application/ld+json"
                                      : "an EPCIS document is sent as application/json, "
                                        "application/ld+json or application/xml");
  } else {
    return false;
  }
  WriteProblem(c.res, status ? status : HttpStatus(st.code()), st, c.request_id, c.lang);
  return true;
}

Status EpcisPostCapture(EpcisCall& c) {
  if (RefuseCapture(c, false)) return Status::Ok();
  BATTRACE_ASSIGN_OR_RETURN(doc, epcis::ParseDocument(c.req.body, *CaptureFormat(c.req, false)));
  if (doc.query_document) {
    return Status::Invalid("/type", "epcis.capture",
                           "capture takes an EPCISDocument, not an EPCISQueryDocument");
  }
  if (doc.events.size() > c.max_events) {
    WriteProblem(c.res, 413,
                 Status::Invalid("/epcisBody/eventList", "epcis.capture",
                                 "a captured document holds at most " +
                                     std::to_string(c.max_events) + " events"),
                 c.request_id, c.lang);
    return Status::Ok();
  }
  store::EpcisCaptureResult result;
  BATTRACE_ASSIGN_OR_RETURN(capture, Capture(c, doc, &result));
  store::EpcisJob job{capture.capture_id, capture.owner, capture.created, result.stored,
                      result.duplicates};
  Reply(c, 202, JobJson(job));
  c.res.headers.emplace_back("Location", "/epcis/capture/" + capture.capture_id);
  return Status::Ok();
}

Status EpcisGetCapture(EpcisCall& c, const std::string& capture_id) {
  BATTRACE_ASSIGN_OR_RETURN(job, c.reader.CaptureJob(capture_id));
  BATTRACE_RETURN_IF_ERROR(c.audited());
  Reply(c, 200, JobJson(job));
  return Status::Ok();
}

Status EpcisPostEvent(EpcisCall& c) {
  if (RefuseCapture(c, true)) return Status::Ok();
  BATTRACE_ASSIGN_OR_RETURN(doc, epcis::ParseEvent(c.req.body));
  store::EpcisCaptureResult result;
  BATTRACE_ASSIGN_OR_RETURN(capture, Capture(c, doc, &result));
  const std::string& id = capture.events.front().event_id;
  Json body = {{"eventID", id},
               {"captureID", capture.capture_id},
               {"battrace:stored", result.stored},
               {"battrace:duplicates", result.duplicates}};
  if (result.stored == 0) {
    // The same fact was captured before by the same enterprise: nothing new is stored.
    body["battrace:duplicate"] = true;
    Reply(c, 200, body);
    return Status::Ok();
  }
  Reply(c, 201, body);
  c.res.headers.emplace_back("Location", std::string(kEventsPrefix) + PercentEncode(id));
  return Status::Ok();
}

Status EpcisGetEvents(EpcisCall& c) {
  auto format = EpcFormatOf(c.req);
  if (RefuseEpcFormat(c, format)) return Status::Ok();
  BATTRACE_ASSIGN_OR_RETURN(q, epcis::ParseEventQuery(c.req.query));
  const std::string query_text = QueryText(c.req);
  BATTRACE_ASSIGN_OR_RETURN(position, PagePosition(q, query_text));
  const size_t limit = q.filter.limit;
  Json events = Json::array();
  std::optional<store::SortKey> next;
  bool with_mapping = false;
  uint64_t after_seq = 0;
  // battrace's report events come first (ledger order), then the captured ones (capture
  // order); the token says in which of the two, and where, the next page starts.
  if (position.first == "r" && !q.battery_codes.empty()) {
    BATTRACE_ASSIGN_OR_RETURN(mapped, ReportEventsOf(c, q.battery_codes, q.filter));
    for (size_t i = position.second; i < mapped.size() && events.size() <= limit; ++i) {
      if (events.size() == limit) {
        next = store::SortKey{"r", std::to_string(i)};
        break;
      }
      events.push_back(std::move(mapped[i]));
      with_mapping = true;
    }
  } else if (position.first == "c") {
    after_seq = position.second;
  }
  if (!next) {
    store::EpcisFilter filter = q.filter;
    filter.after_seq = after_seq;
    filter.limit = limit - events.size() + 1;
    BATTRACE_ASSIGN_OR_RETURN(captured, c.reader.CapturedEvents(std::move(filter)));
    for (const store::EpcisEvent& e : captured) {
      if (events.size() == limit) {
        next = store::SortKey{"c", std::to_string(after_seq)};
        break;
      }
      events.push_back(Json::parse(e.body));
      after_seq = e.seq;
    }
  }
  BATTRACE_RETURN_IF_ERROR(c.audited());
  if (*format == EpcFormat::kDigitalLink) {
    for (Json& e : events)
      ToDigitalLink(e);
  }
  Reply(c, 200, QueryDocument(c, std::move(events), with_mapping));
  if (next)
    c.res.headers.emplace_back("Link", NextLink(c.req, store::EncodeCursor(query_text, *next)));
  return Status::Ok();
}

Status EpcisGetEvent(EpcisCall& c, const std::string& event_id) {
  auto format = EpcFormatOf(c.req);
  if (RefuseEpcFormat(c, format)) return Status::Ok();
  Json events = Json::array();
  bool with_mapping = false;
  if (auto ref = epcis::ReportEventOfUri(event_id)) {
    // The n-th event of the report at that leaf, under the report's access rules.
    BATTRACE_ASSIGN_OR_RETURN(report, c.reader.ReportAt(ref->leaf_index));
    std::vector<Json> mapped = epcis::ReportEvents(report);
    if (ref->n >= mapped.size()) {
      return Status::NotFound("no such EPCIS event among the records you may read");
    }
    events.push_back(std::move(mapped[ref->n]));
    with_mapping = true;
  } else {
    BATTRACE_ASSIGN_OR_RETURN(stored, c.reader.CapturedEvent(event_id));
    for (const store::EpcisEvent& e : stored)
      events.push_back(Json::parse(e.body));
  }
  BATTRACE_RETURN_IF_ERROR(c.audited());
  if (*format == EpcFormat::kDigitalLink) {
    for (Json& e : events)
      ToDigitalLink(e);
  }
  Reply(c, 200, QueryDocument(c, std::move(events), with_mapping));
  return Status::Ok();
}

}  // namespace battrace::server
