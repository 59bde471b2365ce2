#include "server/server.h"

#include <pthread.h>
#include <sodium.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>
#include <unordered_map>

#include "access/access.h"
#include "core/battery_code.h"
#include "core/division.h"
#include "core/gs1.h"
#include "core/lang.h"
#include "core/str_cat.h"
#include "core/uscc.h"
#include "core/vin.h"
#include "domain/finding.h"
#include "domain/finding_text.h"
#include "domain/registry.h"
#include "domain/report_type.h"
#include "domain/rules.h"
#include "epcis/query.h"
#include "ingest/pipeline.h"
#include "ledger/hash.h"
#include "passport/eu.h"
#include "passport/label.h"
#include "passport/views.h"
#include "server/audit_log.h"
#include "server/auth.h"
#include "server/batch.h"
#include "server/csv_export.h"
#include "server/cursor.h"
#include "server/epcis_api.h"
#include "server/log.h"
#include "server/metrics.h"
#include "server/passport_page.h"
#include "server/principals.h"
#include "server/problem.h"
#include "server/rate_limit.h"
#include "server/request_text.h"
#include "server/router.h"
#include "server/session.h"
#include "server/stats.h"
#include "server/web.h"
#include "store/open.h"
#include "store/party.h"
#include "store/proof_docs.h"

namespace battrace::server {
namespace {

using Json = nlohmann::json;
using access::ScopedReader;
using store::Store;

constexpr size_t kDefaultPage = 100;
constexpr int64_t kReaderCacheMib = 16;  // SQLite page cache of each reader connection
constexpr size_t kMaxPage = 1000;

void Log(const Json& line) {
  LogJson(line);
}

// Reader connections, opened on demand and reused: at most one per concurrent request.
class StorePool {
 public:
  explicit StorePool(store::Location where) : where_(std::move(where)) {}

  class Lease {
   public:
    Lease(StorePool* pool, std::unique_ptr<Store> store) : pool_(pool), store_(std::move(store)) {}
    Lease(Lease&&) = default;
    ~Lease() {
      if (store_) pool_->Return(std::move(store_));
    }
    Store& operator*() { return *store_; }

   private:
    StorePool* pool_;
    std::unique_ptr<Store> store_;
  };

  // A reader's own page cache is small: there is one reader per concurrent request, and their
  // caches, not the connections, made the server's memory (bench/api: 680 MiB with 256 MiB
  // each); the operating system's page cache, shared by all, holds the store's hot pages.
  static store::OpenOptions ReaderOptions() {
    store::OpenOptions o;
    o.cache_mib = kReaderCacheMib;
    return o;
  }

  Result<Lease> Get() {
    {
      std::lock_guard lock(mu_);
      if (!idle_.empty()) {
        auto s = std::move(idle_.back());
        idle_.pop_back();
        return Lease(this, std::move(s));
      }
    }
    BATTRACE_ASSIGN_OR_RETURN(s, store::OpenStore(where_, ReaderOptions()));
    return Lease(this, std::move(s));
  }

 private:
  void Return(std::unique_ptr<Store> s) {
    std::lock_guard lock(mu_);
    idle_.push_back(std::move(s));
  }
  store::Location where_;
  std::mutex mu_;
  std::vector<std::unique_ptr<Store>> idle_;
};

struct Call {
  const HttpRequest& req;
  HttpResponse& res;
  std::map<std::string, std::string> params;
  std::string request_id;
  access::Viewer viewer;
  Store* store = nullptr;  // a reader connection: *lease, once authentication needed one
  Instant now = 0;
  std::optional<StorePool::Lease> lease;
  Lang lang = Lang::kEn;  // of the request's Accept-Language (docs/api.md, "Languages")
  // The session cookie's secret when the session authenticated the request.
  std::optional<std::string> session = std::nullopt;
  bool cookie_cleared = false;  // the answer carries the Set-Cookie that clears the cookie
};

void Reply(Call& c, const Json& body) {
  c.res.status = 200;
  c.res.content_type = "application/json";
  // Text the server takes in is checked for UTF-8 (request_text.h, the report parser); a
  // purpose an older server stored unchecked is shown with replacement characters.
  c.res.body = body.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Result<uint64_t> UintParam(const Call& c, const std::string& name, uint64_t fallback,
                           uint64_t max) {
  auto it = c.req.query.find(name);
  if (it == c.req.query.end()) return fallback;
  const std::string& v = it->second;
  uint64_t n = 0;
  bool ok = !v.empty() && v.size() <= 19;
  for (char ch : v) {
    if (ch < '0' || ch > '9') ok = false;
    if (ok) n = n * 10 + static_cast<uint64_t>(ch - '0');
  }
  if (!ok || n > max) {
    return Status::Invalid(name, "query.integer",
                           name + " must be an integer from 0 to " + std::to_string(max));
  }
  return n;
}

std::optional<std::string> StringParam(const Call& c, const std::string& name) {
  auto it = c.req.query.find(name);
  if (it == c.req.query.end()) return std::nullopt;
  return it->second;
}

// A ledger index or size: absent, or an integer from 0 to 2^63 - 1.
Result<std::optional<uint64_t>> OptionalUintParam(const Call& c, const std::string& name) {
  if (!StringParam(c, name)) return std::optional<uint64_t>();
  BATTRACE_ASSIGN_OR_RETURN(n, UintParam(c, name, 0, INT64_MAX));
  return std::optional<uint64_t>(n);
}

Result<Date> AsOf(const Call& c) {
  auto v = StringParam(c, "as_of");
  if (!v) return BeijingDate(c.now);
  return Date::Parse(*v, "as_of");
}

Result<std::optional<std::string>> PartyParam(const Call& c) {
  auto v = StringParam(c, "party");
  if (!v) return std::optional<std::string>();
  auto uscc = Uscc::Parse(*v, Strictness::kLenient);
  if (!uscc.ok()) return Status::Invalid("party", uscc.status().rule(), uscc.status().message());
  return std::optional<std::string>(uscc->str());
}

// The findings' department filter: one of the registry's departments (MIIT, NDRC, MEE, MOT,
// MOFCOM, SAMR), else rule "findings.department".
Result<std::optional<std::string>> DepartmentParam(const Call& c) {
  auto v = StringParam(c, "department");
  if (!v) return std::optional<std::string>();
  BATTRACE_RETURN_IF_ERROR(domain::CheckDepartment(*v, "department"));
  return v;
}

// The date range of a findings query: `from` and `to` (YYYY-MM-DD, inclusive), `from` not after
// `to`, else rule "findings.range".
Status DateRangeParams(const Call& c, store::FindingFilter* filter) {
  for (const char* name : {"from", "to"}) {
    auto v = StringParam(c, name);
    if (!v) continue;
    BATTRACE_ASSIGN_OR_RETURN(d, Date::Parse(*v, name));
    (std::string_view(name) == "from" ? filter->from : filter->to) = d;
  }
  return domain::CheckFindingRange(filter->from, filter->to, "from");
}

// The `codes` parameter of POST /v1/reports: how battery codes are read, "strict" (the
// default) or "lenient" (docs/report-format.md, "Reading battery codes").
Result<Strictness> CodesParam(const Call& c) {
  auto v = StringParam(c, "codes");
  if (!v || *v == "strict") return Strictness::kStrict;
  if (*v == "lenient") return Strictness::kLenient;
  return Status::Invalid("codes", "query.enum", "codes must be strict or lenient");
}

// The `type` parameter of POST /v1/reports: the report type of every row of a CSV body (which
// may then leave out its "type" column); taken with a CSV body only.
Result<std::optional<ReportType>> ReportTypeParam(const Call& c, BodyFormat format) {
  auto v = StringParam(c, "type");
  if (!v) return std::optional<ReportType>();
  if (format != BodyFormat::kCsv) {
    return Status::Invalid("type", "reports.type",
                           "type names the report type of a text/csv body; this body is " +
                               std::string(format == BodyFormat::kNdjson ? "NDJSON" : "JSON") +
                               ", whose reports each carry their type");
  }
  auto type = ReportTypeFromName(*v);
  if (!type) {
    std::string names;
    for (size_t i = 0; i < kReportTypeCount; ++i) {
      names += (i == 0 ? "" : ", ") + std::string(ReportTypeName(static_cast<ReportType>(i)));
    }
    return Status::Invalid("type", "query.enum", "type must be one of " + names);
  }
  return std::optional<ReportType>(type);
}

Result<std::optional<std::string>> DivisionParam(const Call& c) {
  auto v = StringParam(c, "division");
  if (!v) return std::optional<std::string>();
  auto d = Division::Parse(*v);
  if (!d.ok()) return Status::Invalid("division", d.status().rule(), d.status().message());
  return std::optional<std::string>(d->code());
}

Json AuditJson(const store::AuditEntry& e) {
  return {{"seq", e.seq},
          {"at", FormatTimestamp(e.at)},
          {"principal", e.principal},
          {"action", e.action},
          {"record", e.record},
          {"purpose", e.purpose},
          {"request_id", e.request_id},
          {"hash", ledger::HashToHex(e.hash)}};
}

// A page of a list: {items, limit, next_cursor (absent on the last page)}.
template <typename T, typename F>
Json PageJson(const store::Page<T>& page, size_t limit, const std::string& query, F item) {
  Json items = Json::array();
  for (const T& t : page.items)
    items.push_back(item(t));
  Json out = {{"items", std::move(items)}, {"limit", limit}};
  if (page.next) out["next_cursor"] = EncodeCursor(query, *page.next);
  return out;
}

// The page size of a list: 1 to 1000, 100 by default.
Result<size_t> LimitParam(const Call& c) {
  auto v = StringParam(c, "limit");
  if (v && *v == "0") {
    return Status::Invalid("limit", "query.integer", "limit must be an integer from 1 to 1000");
  }
  BATTRACE_ASSIGN_OR_RETURN(limit, UintParam(c, "limit", kDefaultPage, kMaxPage));
  return static_cast<size_t>(limit);
}

// Whether a list is asked for as CSV: `format=csv` (`json`, the default, or absent: JSON), or,
// without `format`, an Accept header naming text/csv.
Result<bool> WantsCsv(const Call& c) {
  if (auto v = StringParam(c, "format")) {
    if (*v == "csv") return true;
    if (*v == "json") return false;
    return Status::Invalid("format", "query.enum", "format must be json or csv");
  }
  return c.req.Header("accept").find("text/csv") != std::string::npos;
}

// A value of an enumerated query parameter: one of `names` (the first by default), as its index.
Result<size_t> EnumParam(const Call& c, const std::string& name,
                         const std::vector<std::string_view>& names) {
  auto v = StringParam(c, name);
  if (!v) return size_t{0};
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == *v) return i;
  }
  std::string known;
  for (std::string_view n : names)
    known += (known.empty() ? "" : ", ") + std::string(n);
  return Status::Invalid(name, "query.enum", name + " must be one of " + known);
}

// The key a cursor names, or none without one. `query` names the list, sort and filters.
Result<std::optional<store::SortKey>> CursorParam(const Call& c, const std::string& query,
                                                  size_t key_size) {
  auto v = StringParam(c, "cursor");
  if (!v) return std::optional<store::SortKey>();
  BATTRACE_ASSIGN_OR_RETURN(key, DecodeCursor(query, *v, key_size));
  return std::optional<store::SortKey>(std::move(key));
}

// The text that binds a cursor to its query: the route, and every parameter but the cursor and
// the page size, as sent (the as_of default resolved).
std::string QueryOf(const Call& c, std::string_view list, Date as_of) {
  std::string q = std::string(list) + "\n" + as_of.ToString();
  for (const auto& [name, value] : c.req.query) {
    if (name != "cursor" && name != "limit" && name != "format" && name != "as_of") {
      q += StrCat("\n", name, "=", value);
    }
  }
  return q;
}

// Answers a CSV download: `body` after the byte order mark, as an attachment named `filename`.
void ReplyCsv(Call& c, const std::string& filename, const std::string& body) {
  c.res.status = 200;
  c.res.content_type = "text/csv; charset=utf-8";
  c.res.body = std::string(kUtf8Bom) + body;
  c.res.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + filename + "\"");
}

// Whether `viewer` may file reports: an enterprise (each item's reporter is checked against
// it when the batch is parsed); 401 for the public, 403 for other principals.
Status MayFile(const access::Viewer& viewer) {
  using Kind = access::Viewer::Kind;
  if (viewer.kind == Kind::kPublic) {
    return Status::Unauthenticated("filing reports needs an enterprise's bearer token");
  }
  if (viewer.kind != Kind::kEnterprise) {
    return Status::Forbidden("reports are filed by enterprises, each for itself (Art. 24)");
  }
  return Status::Ok();
}

// Whether `viewer` may manage tokens: the admin; 401 for the public, 403 for others.
Status MayAdminister(const access::Viewer& viewer) {
  using Kind = access::Viewer::Kind;
  if (viewer.kind == Kind::kPublic) {
    return Status::Unauthenticated("managing tokens needs the admin's token or session");
  }
  if (viewer.kind != Kind::kAdmin) return Status::Forbidden("tokens are managed by the admin");
  return Status::Ok();
}

class Api {
 public:
  Api(const ServeOptions& options, std::unique_ptr<Store> writer,
      std::unique_ptr<Store> audit_store, const domain::Law& law)
      : options_(options),
        readers_(options.store),
        writer_(std::move(writer)),
        audit_(std::move(audit_store)),
        law_(law),
        address_limiter_(options.address_rate_per_second, options.address_rate_burst),
        principal_limiter_(options.rate_per_second, options.rate_burst),
        metrics_(RouteLabels()),
        sessions_(options.sessions) {
    for (const Entry& e : Table())
      router_.Add(e.method, e.pattern);
    if (auto cp = writer_->LatestCheckpoint(); cp.ok() && *cp) signed_size_ = (*cp)->size;
    uint32_t prefix = 0;
    randombytes_buf(&prefix, sizeof prefix);
    char buf[16];
    std::snprintf(buf, sizeof buf, "%08x", prefix);
    id_prefix_ = buf;
  }

  // Answers one request; every answer is counted in /metrics and, with the access log on,
  // logged.
  void Handle(const HttpRequest& req, HttpResponse& res);
  // The admission of a request with a body, from its head alone (HttpServer::Admission): the
  // same front as Handle (limits, head checks, route, authentication), and for POST /v1/reports
  // whether the viewer may file. True when it answered (the body is then never read).
  bool Admit(const HttpRequest& head, HttpResponse& res);
  // The problem body of a refusal of the transport (400, 408, 413, 431, 503), counted and
  // logged under the route "unmatched" like an answered request.
  void Refused(const TransportError& error, HttpResponse& res);
  // Signs a checkpoint when leaves or audit entries were added since the last one (a no-op
  // otherwise), so the receipts given out become provable and the audit trail's head is signed
  // within a second; Serve calls it every second.
  void SignCheckpoint();

  using Handler = Status (Api::*)(Call&);
  struct Entry {
    const char* method;
    const char* pattern;
    Handler handler;
    std::vector<std::string> query;  // the query parameters it takes; {"*"}: any (pages)
  };
  static const std::vector<Entry>& Table();

 private:
  std::string NextRequestId() {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%s-%010llu", id_prefix_.c_str(),
                  static_cast<unsigned long long>(++requests_));
    return buf;
  }
  // Makes the audit entries of the reads `reader` allowed durable; then the data may go out.
  Status Audited(ScopedReader& reader) { return audit_.Append(std::move(reader.audit())); }
  ScopedReader Reader(Call& c) {
    return ScopedReader(*c.store, c.viewer, c.req.Header("x-purpose"), c.request_id);
  }
  // The registered name of a battery's maker, for the public digital ID. Names are cached for
  // a minute: every public lookup needs one, and parsing the registry record each time cost as
  // much as the lookup itself.
  std::optional<std::string> MakerName(Store& s, const std::optional<std::string>& uscc);

  // The front of every request, on what its head carries (docs/api.md, "Every request"): the
  // per-address rate limit, the head's text (http.utf8, api.purpose), the route and its query
  // parameters, authentication (leasing c.store), the per-principal rate limit. Returns a
  // failed Status to answer with; or Ok with c.res.status set to 405 or 429 when it answered
  // itself; or Ok with c.res untouched when the handler of Table()[route_index] may run.
  // route_index is Table().size() until a route matched.
  Status Front(Call& c, size_t& route_index);
  // Authentication by the session cookie, for a request without an Authorization header: the
  // session's principal while the session and its token live (c.session set), the CSRF rule for
  // a request other than GET and HEAD; else the public, and the answer clears the cookie.
  Status FromSession(Call& c);
  bool Tls() const { return !options_.http.tls_cert.empty(); }
  void ClearCookie(Call& c);
  // Makes the audit entry of an admin's action durable (the token routes).
  Status AuditAction(Call& c, const std::string& action, const std::string& record);
  // Takes one request from `key`'s bucket; when it is empty, writes 429 and returns true.
  bool Limited(Call& c, RateLimiter& limiter, const std::string& key, double per_second);
  // Writes the problem of a failed `st`, then counts and logs the answered request.
  void Finish(Call& c, size_t route_index, const Status& st,
              std::chrono::steady_clock::time_point start);
  // Counts the answer in /metrics and writes the access log line.
  void Observe(const Call& c, size_t route_index, double seconds);
  // Records the outcome of a write (a batch's commit, a checkpoint's signing) for /healthz.
  void NoteWrite(const Status& outcome);

  Status Healthz(Call& c);
  Status MetricsText(Call& c);
  Status PostReports(Call& c);
  Status GetReport(Call& c);
  Status GetBattery(Call& c);
  Status GetBatteryHistory(Call& c);
  Status GetBatteryPassport(Call& c);
  // The EU battery passport of `code` (passport/eu.h) at the caller's access class (a regulator
  // without a stated purpose: the public's), audited above the public class: the answer of
  // GET /v1/batteries/{code}/passport?profile=eu and of /b/{code} asked for JSON.
  Status ReplyEuPassport(Call& c, const std::string& code);
  Status GetVehicle(Call& c);
  Status ListBatteries(Call& c);
  Status ListVehicles(Call& c);
  Status GetFindings(Call& c);
  Status GetObligations(Call& c);
  Status GetEnterprise(Call& c);
  Status GetOutlets(Call& c);
  Status GetDisassemblyInfo(Call& c);
  Status GetCheckpoint(Call& c);
  Status GetInclusionProof(Call& c);
  Status GetConsistencyProof(Call& c);
  Status GetAudit(Call& c);
  Status PostSession(Call& c);
  Status DeleteSession(Call& c);
  Status GetMe(Call& c);
  Status GetTokens(Call& c);
  Status PostTokens(Call& c);
  Status DeleteToken(Call& c);
  Status GetStatsFindings(Call& c);
  Status GetStatsTrend(Call& c);
  Status GetStatsFlows(Call& c);
  Status GetDivisions(Call& c);
  Status GetPage(Call& c);
  Status GetAsset(Call& c);
  Status GetFavicon(Call& c);
  Status GetPassportPage(Call& c);
  Status GetLabelSvg(Call& c);
  Status GetDigitalLink(Call& c);
  // The EPCIS binding (server/epcis_api.h), each handler given the call's ScopedReader.
  Status EpcisPostCapture(Call& c);
  Status EpcisGetCapture(Call& c);
  Status EpcisPostEvent(Call& c);
  Status EpcisGetEvents(Call& c);
  Status EpcisGetEvent(Call& c);
  template <typename F>
  Status Epcis(Call& c, F handler);

  const ServeOptions& options_;
  StorePool readers_;
  std::mutex write_mu_;
  std::unique_ptr<Store> writer_;
  AuditLog audit_;
  const domain::Law& law_;
  RateLimiter address_limiter_;    // per client address, before anything else
  RateLimiter principal_limiter_;  // per principal, after authentication
  Metrics metrics_;
  std::mutex health_mu_;
  Status last_write_;         // the outcome of the last write: Ok until one fails
  uint64_t signed_size_ = 0;  // the size of the last checkpoint SignCheckpoint saw (write_mu_)
  Router router_;
  std::string id_prefix_;
  std::atomic<uint64_t> requests_{0};
  struct CachedName {
    std::optional<std::string> name;
    std::chrono::steady_clock::time_point until;
  };
  std::mutex names_mu_;
  std::unordered_map<std::string, CachedName> names_;
  SessionTable sessions_;
};

const std::vector<Api::Entry>& Api::Table() {
  static const std::vector<Entry> kTable = {
      {"GET", "/healthz", &Api::Healthz, {}},
      {"GET", "/metrics", &Api::MetricsText, {}},
      {"POST", "/v1/reports", &Api::PostReports, {"codes", "type"}},
      {"GET", "/v1/reports/{reporter}/{id}", &Api::GetReport, {}},
      {"GET", "/v1/batteries", &Api::ListBatteries, {"cursor", "limit"}},
      {"GET", "/v1/batteries/{code}", &Api::GetBattery, {}},
      {"GET", "/v1/batteries/{code}/history", &Api::GetBatteryHistory, {}},
      {"GET", "/v1/batteries/{code}/passport", &Api::GetBatteryPassport, {"profile"}},
      {"GET", "/v1/vehicles", &Api::ListVehicles, {"cursor", "limit"}},
      {"GET", "/v1/vehicles/{vin}", &Api::GetVehicle, {}},
      {"GET",
       "/v1/findings",
       &Api::GetFindings,
       {"as_of", "kind", "party", "division", "department", "from", "to", "sort", "cursor", "limit",
        "format"}},
      {"GET",
       "/v1/obligations",
       &Api::GetObligations,
       {"as_of", "party", "division", "type", "due_from", "due_to", "sort", "cursor", "limit",
        "format"}},
      {"GET", "/v1/enterprises/{uscc}", &Api::GetEnterprise, {}},
      {"GET", "/v1/outlets", &Api::GetOutlets, {"division"}},
      {"GET", "/v1/models/{model}/disassembly-info", &Api::GetDisassemblyInfo, {}},
      {"GET", "/v1/ledger/checkpoint", &Api::GetCheckpoint, {}},
      {"GET", "/v1/ledger/proof/inclusion", &Api::GetInclusionProof, {"leaf", "size"}},
      {"GET", "/v1/ledger/proof/consistency", &Api::GetConsistencyProof, {"from", "to"}},
      {"GET", "/v1/audit", &Api::GetAudit, {"after", "before", "order", "limit"}},
      {"POST", "/v1/session", &Api::PostSession, {}},
      {"DELETE", "/v1/session", &Api::DeleteSession, {}},
      {"GET", "/v1/me", &Api::GetMe, {}},
      {"GET", "/v1/tokens", &Api::GetTokens, {"cursor", "limit"}},
      {"POST", "/v1/tokens", &Api::PostTokens, {}},
      {"DELETE", "/v1/tokens/{id}", &Api::DeleteToken, {}},
      {"GET", "/v1/stats/findings", &Api::GetStatsFindings, {"as_of", "division", "level"}},
      {"GET", "/v1/stats/trend", &Api::GetStatsTrend, {"as_of", "from", "to", "kind", "division"}},
      {"GET", "/v1/stats/flows", &Api::GetStatsFlows, {"from", "to", "division"}},
      {"GET", "/v1/divisions", &Api::GetDivisions, {"parent"}},
      // The pages (server/web.h): one shell for every page, which its scripts fill in.
      {"GET", "/", &Api::GetPage, {"*"}},
      {"GET", "/outlets", &Api::GetPage, {"*"}},
      {"GET", "/signin", &Api::GetPage, {"*"}},
      {"GET", "/app", &Api::GetPage, {"*"}},
      {"GET", "/app/", &Api::GetPage, {"*"}},
      {"GET", "/app/{page...}", &Api::GetPage, {"*"}},
      {"GET", "/assets/{path...}", &Api::GetAsset, {}},
      {"GET", "/favicon.ico", &Api::GetFavicon, {}},
      // The public passport behind a battery's QR label (server/passport_page.h).
      // It reads `province` and `lang`, and takes any other parameter as the pages do
      // (messaging apps add their own to the links they share).
      // With `format=json` or an Accept header that prefers JSON, the battery's EU passport.
      {"GET", "/b/{code}", &Api::GetPassportPage, {"*"}},
      {"GET", "/b/{code}/qr.svg", &Api::GetLabelSvg, {}},
      // The GS1 Digital Link of a battery (EU labels): a redirect to its passport, query kept.
      {"GET", "/01/{gtin}/21/{serial...}", &Api::GetDigitalLink, {"*"}},
      // GS1 EPCIS 2.0 (server/epcis_api.h). An eventID is a URI, slashes and all: the rest of
      // the path.
      {"POST", "/epcis/capture", &Api::EpcisPostCapture, {}},
      {"GET", "/epcis/capture/{captureID}", &Api::EpcisGetCapture, {}},
      {"POST", "/epcis/events", &Api::EpcisPostEvent, {}},
      {"GET", "/epcis/events", &Api::EpcisGetEvents, epcis::QueryParameterNames()},
      {"GET", "/epcis/events/{eventID...}", &Api::EpcisGetEvent, {}},
  };
  return kTable;
}

void Api::SignCheckpoint() {
  std::lock_guard lock(write_mu_);
  auto cp = writer_->SignCheckpoint();
  // Only a checkpoint signed now is a write: the latest one, returned when no leaf was added,
  // says nothing of writability.
  if (!cp.ok() || cp->size != signed_size_) NoteWrite(cp.status());
  if (cp.ok()) signed_size_ = cp->size;
  if (!cp.ok()) {
    Log({{"level", "error"}, {"event", "checkpoint"}, {"error", cp.status().ToString()}});
  }
}

void Api::NoteWrite(const Status& outcome) {
  std::lock_guard lock(health_mu_);
  last_write_ = outcome;
}

void Api::Refused(const TransportError& error, HttpResponse& res) {
  static const HttpRequest kUnread;  // the transport could not give the request
  Call c{kUnread, res, {}, NextRequestId(), {}, nullptr, 0, {}};
  res.headers.emplace_back("X-Request-Id", c.request_id);
  const char* rule = "http.request";
  switch (error.status) {
    case 408:
      rule = "http.timeout";
      break;
    case 413:
      rule = "api.body_too_large";
      break;
    case 431:
      rule = "http.head_too_large";
      break;
    case 503:
      rule = "http.capacity";
      break;
    default:
      break;
  }
  WriteProblem(res, error.status, Status::Invalid("", rule, error.detail), c.request_id);
  if (options_.access_log || error.status >= 500) {
    Log({{"level", "info"},
         {"request_id", c.request_id},
         {"event", "refused"},
         {"status", error.status},
         {"detail", error.detail},
         {"remote", error.remote_addr}});
  }
  metrics_.Observe(Table().size(), error.status, 0);
}

void Api::Observe(const Call& c, size_t route_index, double seconds) {
  metrics_.Observe(route_index, c.res.status, seconds);
  if (!options_.access_log) return;
  Log({{"level", "info"},
       {"request_id", c.request_id},
       {"method", c.req.method},
       {"route", route_index < Table().size() ? Table()[route_index].pattern : "unmatched"},
       {"status", c.res.status},
       {"ms", seconds * 1000},
       {"principal", c.viewer.Principal()},
       {"remote", c.req.remote_addr}});
}

bool Api::Limited(Call& c, RateLimiter& limiter, const std::string& key, double per_second) {
  const int64_t wait = limiter.Take(key);
  if (wait == 0) return false;
  c.res.headers.emplace_back("Retry-After", std::to_string(wait));
  WriteProblem(c.res, 429,
               Status::Invalid("", "api.rate_limit",
                               "over " + std::to_string(per_second) + " requests per second for " +
                                   key + ": retry later"),
               c.request_id, c.lang);
  return true;
}

Status Api::Front(Call& c, size_t& route_index) {
  route_index = Table().size();
  const HttpRequest& req = c.req;
  const std::string address = "addr:" + req.remote_addr;
  // An admitted request was charged to both limits when its head was admitted.
  if (!req.admitted && Limited(c, address_limiter_, address, options_.address_rate_per_second)) {
    return Status::Ok();
  }
  BATTRACE_RETURN_IF_ERROR(CheckRequestText(req));
  BATTRACE_RETURN_IF_ERROR(CheckPurpose(req.Header("x-purpose")));
  RouteMatch m = router_.Find(req.method, req.path);
  if (!m.route) {
    if (m.allowed.empty()) return Status::NotFound("no route " + req.path);
    std::string allow;
    for (const auto& a : m.allowed)
      allow += (allow.empty() ? "" : ", ") + a;
    c.res.headers.emplace_back("Allow", allow);
    WriteProblem(c.res, 405,
                 Status::Invalid(
                     "", "http.method",
                     req.method + " is not allowed on " + req.path + " (allowed: " + allow + ")"),
                 c.request_id, c.lang);
    return Status::Ok();
  }
  route_index = *m.route;
  const Entry& e = Table()[*m.route];
  c.params = std::move(m.params);
  const bool any_query = e.query.size() == 1 && e.query.front() == "*";
  for (const auto& [name, value] : req.query) {
    if (!any_query && std::find(e.query.begin(), e.query.end(), name) == e.query.end()) {
      return Status::Invalid(name, "query.unknown_parameter",
                             "unknown query parameter '" + name + "' for " + e.pattern);
    }
  }
  BATTRACE_ASSIGN_OR_RETURN(lease, readers_.Get());
  c.lease.emplace(std::move(lease));
  c.store = &**c.lease;
  std::string refused_why;
  auto viewer = Authenticate(*c.store, req.Header("authorization"), c.now, &refused_why);
  if (!viewer.ok()) {
    if (options_.access_log && !refused_why.empty()) {
      Log({{"level", "info"},
           {"request_id", c.request_id},
           {"event", "token_refused"},
           {"reason", refused_why}});
    }
    return viewer.status();
  }
  c.viewer = std::move(viewer).value();
  if (req.Header("authorization").empty()) BATTRACE_RETURN_IF_ERROR(FromSession(c));
  // The public's principal is its address, limited at the principal's rate.
  const std::string key =
      c.viewer.kind == access::Viewer::Kind::kPublic ? address : c.viewer.Principal();
  if (!req.admitted) Limited(c, principal_limiter_, key, options_.rate_per_second);
  return Status::Ok();
}

Status Api::FromSession(Call& c) {
  auto secret = CookieValue(c.req.Header("cookie"), kSessionCookie);
  if (!secret || secret->empty()) return Status::Ok();
  std::optional<Session> session = sessions_.Find(*secret, c.now);
  if (!session) {
    ClearCookie(c);  // unknown, idle too long or past its lifetime: signed out
    return Status::Ok();
  }
  std::string why;
  auto viewer = AuthenticateHash(*c.store, session->token_hash, c.now, &why);
  if (!viewer.ok() && viewer.status().code() != StatusCode::kUnauthenticated) {
    return viewer.status();  // the store failed: the session stands
  }
  if (!viewer.ok()) {
    // The token was revoked or expired (or its principal left the registry): every session
    // opened with it ends now.
    sessions_.EndForToken(session->token_hash);
    if (options_.access_log) {
      Log({{"level", "info"},
           {"request_id", c.request_id},
           {"event", "session_ended"},
           {"principal", session->principal},
           {"reason", why}});
    }
    ClearCookie(c);
    return Status::Ok();
  }
  c.viewer = std::move(viewer).value();
  c.session = std::move(secret);
  if (c.req.method != "GET" && c.req.method != "HEAD") return CheckCsrf(c.req);
  return Status::Ok();
}

void Api::ClearCookie(Call& c) {
  if (c.cookie_cleared) return;
  c.res.headers.emplace_back("Set-Cookie", ClearSessionCookieHeader(Tls()));
  c.cookie_cleared = true;
}

Status Api::AuditAction(Call& c, const std::string& action, const std::string& record) {
  store::AuditEntry e;
  e.at = c.now;
  e.principal = c.viewer.Principal();
  e.action = action;
  e.record = record;
  e.purpose = c.req.Header("x-purpose");
  e.request_id = c.request_id;
  return audit_.Append({std::move(e)});
}

void Api::Handle(const HttpRequest& req, HttpResponse& res) {
  const auto start = std::chrono::steady_clock::now();
  Call c{req, res, {}, NextRequestId(), {}, nullptr, ingest::Now(), {}};
  c.lang = NegotiateLang(req.Header("accept-language"));
  res.headers.emplace_back("X-Request-Id", c.request_id);
  size_t route_index = Table().size();
  Status st = [&]() -> Status {
    try {
      BATTRACE_RETURN_IF_ERROR(Front(c, route_index));
      if (res.status != 200) return Status::Ok();  // answered by the front: 405, 429
      return (this->*Table()[route_index].handler)(c);
    } catch (const std::exception& e) {
      return Status::Internal(std::string("uncaught: ") + e.what());
    }
  }();
  Finish(c, route_index, st, start);
}

bool Api::Admit(const HttpRequest& head, HttpResponse& res) {
  const auto start = std::chrono::steady_clock::now();
  Call c{head, res, {}, NextRequestId(), {}, nullptr, ingest::Now(), {}};
  c.lang = NegotiateLang(head.Header("accept-language"));
  size_t route_index = Table().size();
  Status st = [&]() -> Status {
    BATTRACE_RETURN_IF_ERROR(Front(c, route_index));
    if (res.status != 200) return Status::Ok();  // answered by the front: 405, 429
    if (Table()[route_index].handler == &Api::PostReports) return MayFile(c.viewer);
    if (Table()[route_index].handler == &Api::PostTokens) return MayAdminister(c.viewer);
    const Handler h = Table()[route_index].handler;
    if (h == &Api::EpcisPostCapture || h == &Api::EpcisPostEvent) {
      return Epcis(c, [&](EpcisCall& e) {
        RefuseCapture(e, h == &Api::EpcisPostEvent);
        return Status::Ok();
      });
    }
    return Status::Ok();
  }();
  if (st.ok() && res.status == 200) return false;
  res.headers.emplace_back("X-Request-Id", c.request_id);
  Finish(c, route_index, st, start);
  return true;
}

void Api::Finish(Call& c, size_t route_index, const Status& st,
                 std::chrono::steady_clock::time_point start) {
  if (!st.ok()) {
    WriteProblem(c.res, st, c.request_id, c.lang);
    if (c.res.status >= 500) {
      Log({{"level", "error"}, {"request_id", c.request_id}, {"error", st.ToString()}});
    }
  }
  if (IsEpcisPath(c.req.path)) TypeEpcisProblem(c.res);
  if (c.req.method == "HEAD") c.res.body.clear();
  Observe(c, route_index,
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
}

std::optional<std::string> Api::MakerName(Store& s, const std::optional<std::string>& uscc) {
  if (!uscc) return std::nullopt;
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(names_mu_);
    auto it = names_.find(*uscc);
    if (it != names_.end() && it->second.until > now) return it->second.name;
  }
  std::optional<std::string> name;
  auto row = s.GetRegistry("enterprise", *uscc);
  if (row.ok() && *row) {
    auto record = ParseRegistryRecord((*row)->record);
    if (record.ok()) {
      if (const auto* e = std::get_if<Enterprise>(&*record)) name = e->name;
    }
  }
  std::lock_guard lock(names_mu_);
  if (names_.size() > 100000) names_.clear();  // makers number in the thousands
  names_[*uscc] = {name, now + std::chrono::minutes(1)};
  return name;
}

Status Api::Healthz(Call& c) {
  BATTRACE_ASSIGN_OR_RETURN(size, c.store->TreeSize());
  Status last_write;
  {
    std::lock_guard lock(health_mu_);
    last_write = last_write_;
  }
  if (!last_write.ok()) {
    // The reason goes to the log with the request id; the answer says only what failed.
    Log({{"level", "error"},
         {"request_id", c.request_id},
         {"event", "unhealthy"},
         {"error", last_write.ToString()}});
    Reply(c, {{"status", "unhealthy"},
              {"writable", false},
              {"error", "the last write to the store failed; quote the request id"},
              {"ledger_size", size}});
    c.res.status = 503;
    return Status::Ok();
  }
  Reply(c, {{"status", "ok"}, {"writable", true}, {"ledger_size", size}});
  return Status::Ok();
}

Status Api::MetricsText(Call& c) {
  BATTRACE_ASSIGN_OR_RETURN(size, c.store->TreeSize());
  BATTRACE_ASSIGN_OR_RETURN(open, c.store->CountOpenDuties());
  c.res.status = 200;
  c.res.content_type = "text/plain; version=0.0.4";
  c.res.body = metrics_.Render(size, open);
  return Status::Ok();
}

Status Api::PostReports(Call& c) {
  BATTRACE_RETURN_IF_ERROR(MayFile(c.viewer));
  BATTRACE_ASSIGN_OR_RETURN(codes, CodesParam(c));
  const BodyFormat format = BodyFormatOf(c.req.Header("content-type"));
  BATTRACE_ASSIGN_OR_RETURN(type, ReportTypeParam(c, format));
  auto parsed = format == BodyFormat::kJsonArray
                    ? ParseBatch(c.req.body, c.viewer.id, options_.max_batch, codes)
                    : ParseLines(c.req.body, format, type, c.viewer.id, options_.max_batch, codes);
  if (!parsed.ok()) {
    if (parsed.status().rule() == "api.batch_too_large") {
      WriteProblem(c.res, 413, parsed.status(), c.request_id, c.lang);
      return Status::Ok();
    }
    return parsed.status();
  }
  std::vector<ingest::Item>& items = *parsed;
  std::vector<ingest::Prepared> prepared = ingest::Prepare(items, c.now);
  Result<std::vector<ingest::ItemResult>> results = Status::Internal("not committed");
  {
    std::lock_guard lock(write_mu_);
    results = ingest::Commit(*writer_, law_, std::move(prepared));
    NoteWrite(results.status());
  }
  if (!results.ok()) return results.status();
  uint64_t accepted = 0, duplicates = 0, rejected = 0;
  Json out = Json::array();
  // A JSON array's items are named by their index, and their fields prefixed with it; a file's
  // records by their line, their fields as the reader names them (a CSV column, a pointer in
  // the NDJSON line).
  const bool array = format == BodyFormat::kJsonArray;
  for (size_t i = 0; i < results->size(); ++i) {
    const ingest::ItemResult& r = (*results)[i];
    const std::string prefix = array ? "/" + std::to_string(i) : "";
    Json item = array ? Json{{"index", i}} : Json{{"line", r.line}};
    if (r.outcome == ingest::Outcome::kRejected) {
      ++rejected;
      item["outcome"] = "rejected";
      item["error"] = Problem(HttpStatus(r.error.code()), r.error.WithFieldPrefix(prefix),
                              c.request_id, c.lang);
      item["error"].erase("request_id");
    } else {
      (r.outcome == ingest::Outcome::kAccepted ? accepted : duplicates)++;
      item["outcome"] = r.outcome == ingest::Outcome::kAccepted ? "accepted" : "duplicate";
      item["receipt"] = {{"reporter", r.reporter},
                         {"id", r.id},
                         {"leaf_index", r.leaf_index},
                         {"leaf_hash", ledger::HashToBase64(r.leaf_hash)}};
      if (!r.warnings.empty()) {
        Json warnings = Json::array();
        for (const ReportWarning& w : r.warnings) {
          warnings.push_back(
              {{"field", prefix + w.field}, {"rule", w.rule}, {"message", w.message}});
        }
        item["receipt"]["warnings"] = std::move(warnings);
      }
    }
    out.push_back(std::move(item));
  }
  metrics_.Reports(accepted, duplicates, rejected);
  Reply(c, {{"accepted", accepted},
            {"duplicates", duplicates},
            {"rejected", rejected},
            {"results", std::move(out)}});
  c.res.headers.emplace_back("Content-Language", std::string(LangTag(c.lang)));
  return Status::Ok();
}

Status Api::GetReport(Call& c) {
  ScopedReader reader = Reader(c);
  BATTRACE_ASSIGN_OR_RETURN(report, reader.Report(c.params["reporter"], c.params["id"]));
  BATTRACE_RETURN_IF_ERROR(Audited(reader));
  std::vector<store::StoredReport> one{std::move(report)};
  BATTRACE_RETURN_IF_ERROR(store::LinkCorrections(*c.store, one));
  Reply(c, passport::ReportView(one.front()));
  return Status::Ok();
}

Result<std::string> CodeParam(Call& c) {
  BATTRACE_ASSIGN_OR_RETURN(code, BatteryCode::Parse(c.params["code"], Strictness::kLenient));
  return code.str();
}

Status Api::GetBattery(Call& c) {
  BATTRACE_ASSIGN_OR_RETURN(code, CodeParam(c));
  ScopedReader reader = Reader(c);
  BATTRACE_ASSIGN_OR_RETURN(record, reader.Battery(code));
  BATTRACE_RETURN_IF_ERROR(Audited(reader));
  Reply(c, passport::BatteryView(record, MakerName(*c.store, record.state.producer), c.lang));
  c.res.headers.emplace_back("Content-Language", std::string(LangTag(c.lang)));
  return Status::Ok();
}

Status Api::GetBatteryHistory(Call& c) {
  BATTRACE_ASSIGN_OR_RETURN(code, CodeParam(c));
  ScopedReader reader = Reader(c);
  BATTRACE_ASSIGN_OR_RETURN(history, reader.BatteryHistory(code));
  BATTRACE_RETURN_IF_ERROR(Audited(reader));
  BATTRACE_RETURN_IF_ERROR(store::LinkCorrections(*c.store, history));
  Json items = Json::array();
  for (const auto& r : history)
    items.push_back(passport::ReportView(r));
  Reply(c, {{"code", code}, {"history", items}});
  return Status::Ok();
}

// The EU battery passport (passport/eu.h) at the caller's Art. 77(2) access class; a regulator
// without a stated purpose gets the public class, as it gets the public view of a battery.
Status Api::GetBatteryPassport(Call& c) {
  BATTRACE_ASSIGN_OR_RETURN(code, CodeParam(c));
  if (!StringParam(c, "profile")) {
    return Status::Invalid("profile", "query.required", "profile is required (eu)");
  }
  BATTRACE_ASSIGN_OR_RETURN(profile, EnumParam(c, "profile", {"eu"}));
  (void)profile;
  return ReplyEuPassport(c, code);
}

Status Api::ReplyEuPassport(Call& c, const std::string& code) {
  BATTRACE_ASSIGN_OR_RETURN(
      inputs, passport::EuPassportInputsFor(*c.store, code, [&](const std::string& uscc) {
        return MakerName(*c.store, uscc);
      }));
  passport::EuAccess access = passport::EuAccessFor(c.viewer, inputs.battery);
  if (c.viewer.kind == access::Viewer::Kind::kRegulator && c.req.Header("x-purpose").empty()) {
    access = passport::EuAccess::kPublic;
  }
  if (access != passport::EuAccess::kPublic) {
    ScopedReader reader = Reader(c);
    reader.NotePassport(code, passport::EuAccessName(access));
    BATTRACE_RETURN_IF_ERROR(Audited(reader));
  }
  Reply(c, passport::EuPassport(inputs, access));
  return Status::Ok();
}

Status Api::GetVehicle(Call& c) {
  auto vin = Vin::Parse(c.params["vin"]);
  if (!vin.ok()) return vin.status().WithFieldPrefix("vin");
  ScopedReader reader = Reader(c);
  BATTRACE_ASSIGN_OR_RETURN(record, reader.Vehicle(vin->str()));
  BATTRACE_RETURN_IF_ERROR(Audited(reader));
  BATTRACE_RETURN_IF_ERROR(store::LinkCorrections(*c.store, record.history));
  Reply(c, passport::VehicleView(record));
  return Status::Ok();
}

// The key a list of batteries or vehicles resumes after (none: from the start): a cursor of
// the same list, whose key is (code) or (vin), or for a regulator (holder or maker, code or vin).
Result<store::SortKey> ListCursor(const Call& c, const std::string& list) {
  const size_t width = c.viewer.kind == access::Viewer::Kind::kRegulator ? 2 : 1;
  BATTRACE_ASSIGN_OR_RETURN(after, CursorParam(c, list, width));
  return after.value_or(store::SortKey{});
}

Status Api::ListBatteries(Call& c) {
  BATTRACE_ASSIGN_OR_RETURN(after, ListCursor(c, "batteries"));
  BATTRACE_ASSIGN_OR_RETURN(limit, LimitParam(c));
  ScopedReader reader = Reader(c);
  BATTRACE_ASSIGN_OR_RETURN(page, reader.Batteries(after, limit));
  BATTRACE_RETURN_IF_ERROR(Audited(reader));
  // The holders' registered names, from the current registry, once each.
  std::map<std::string, std::optional<std::string>> names;
  Reply(c, PageJson(page, limit, "batteries", [&](const domain::BatteryState& b) {
          std::optional<std::string> name;
          if (b.custodian) {
            auto [it, fresh] = names.try_emplace(*b.custodian);
            if (fresh) {
              if (auto info = store::PartyInfoOf(*c.store, *b.custodian)) it->second = info->name;
            }
            name = it->second;
          }
          return passport::BatteryListItem(b, name);
        }));
  return Status::Ok();
}

Status Api::ListVehicles(Call& c) {
  BATTRACE_ASSIGN_OR_RETURN(after, ListCursor(c, "vehicles"));
  BATTRACE_ASSIGN_OR_RETURN(limit, LimitParam(c));
  ScopedReader reader = Reader(c);
  BATTRACE_ASSIGN_OR_RETURN(page, reader.Vehicles(after, limit));
  BATTRACE_RETURN_IF_ERROR(Audited(reader));
  Reply(c, PageJson(page, limit, "vehicles", passport::VehicleListItem));
  return Status::Ok();
}

Status Api::GetFindings(Call& c) {
  BATTRACE_ASSIGN_OR_RETURN(as_of, AsOf(c));
  store::FindingFilter filter;
  if (auto kind = StringParam(c, "kind")) {
    BATTRACE_RETURN_IF_ERROR(domain::CheckFindingKind(*kind, "kind"));
    filter.kind = *kind;
  }
  BATTRACE_ASSIGN_OR_RETURN(party, PartyParam(c));
  BATTRACE_ASSIGN_OR_RETURN(division, DivisionParam(c));
  BATTRACE_ASSIGN_OR_RETURN(department, DepartmentParam(c));
  BATTRACE_RETURN_IF_ERROR(DateRangeParams(c, &filter));
  filter.party = party;
  filter.division = division;
  filter.department = department;
  BATTRACE_ASSIGN_OR_RETURN(sort_index, EnumParam(c, "sort", {"kind", "date", "-date"}));
  const auto sort = static_cast<store::FindingSort>(sort_index);
  BATTRACE_ASSIGN_OR_RETURN(csv, WantsCsv(c));
  const std::string query = QueryOf(c, "findings", as_of);
  BATTRACE_ASSIGN_OR_RETURN(after, CursorParam(c, query, store::KeySize(sort)));
  BATTRACE_ASSIGN_OR_RETURN(limit, LimitParam(c));
  ScopedReader reader = Reader(c);
  BATTRACE_ASSIGN_OR_RETURN(page, reader.Findings(as_of, filter, sort, csv ? std::nullopt : after,
                                                  csv ? SIZE_MAX : limit));
  BATTRACE_RETURN_IF_ERROR(Audited(reader));
  // The parties' registered names and divisions, from the current registry, once each.
  std::map<std::string, std::optional<domain::PartyInfo>> parties;
  auto party_info = [&](const std::string& uscc) -> const std::optional<domain::PartyInfo>& {
    auto [it, fresh] = parties.try_emplace(uscc);
    if (fresh) it->second = store::PartyInfoOf(*c.store, uscc);
    return it->second;
  };
  c.res.headers.emplace_back("Content-Language", std::string(LangTag(c.lang)));
  if (csv) {
    std::string body;
    AppendCsvRow(body, {"kind", "date", "article", "party", "party_name", "subject", "due",
                        "department", "division", "evidence", "message", "action", "detail"});
    for (const domain::Finding& f : page.items) {
      const std::optional<domain::PartyInfo>& info = party_info(f.party);
      std::string evidence;
      for (const std::string& e : f.evidence)
        evidence += (evidence.empty() ? "" : " ") + e;
      AppendCsvRow(body, {f.kind, f.date ? f.date->ToString() : "", f.article, f.party,
                          info ? info->name : "", f.subject, f.due ? f.due->ToString() : "",
                          f.authority.department, f.authority.division, evidence,
                          domain::FindingMessage(f, info, c.lang),
                          domain::FindingAction(f, &law_.rules, c.lang), f.detail});
    }
    ReplyCsv(c, "findings-" + as_of.ToString() + ".csv", body);
    return Status::Ok();
  }
  Json out = PageJson(page, limit, query, [&](const domain::Finding& f) {
    return Json(domain::RegulatorFindingJson(f, party_info(f.party), &law_.rules, c.lang));
  });
  out["as_of"] = as_of.ToString();
  Reply(c, out);
  return Status::Ok();
}

Status Api::GetStatsFindings(Call& c) {
  BATTRACE_ASSIGN_OR_RETURN(as_of, AsOf(c));
  BATTRACE_ASSIGN_OR_RETURN(division, DivisionParam(c));
  std::optional<DivisionLevel> level;
  if (auto v = StringParam(c, "level")) {
    BATTRACE_ASSIGN_OR_RETURN(l, ParseLevel(*v));
    level = l;
  }
  ScopedReader reader = Reader(c);
  BATTRACE_ASSIGN_OR_RETURN(out, FindingStats(reader, as_of, division, level, c.lang));
  BATTRACE_RETURN_IF_ERROR(Audited(reader));
  Reply(c, out);
  c.res.headers.emplace_back("Content-Language", std::string(LangTag(c.lang)));
  return Status::Ok();
}

Status Api::GetStatsTrend(Call& c) {
  BATTRACE_ASSIGN_OR_RETURN(as_of, AsOf(c));
  // By default the twelve months ending with that of as_of.
  Date to = as_of.AddDays(1 - as_of.day());
  if (auto v = StringParam(c, "to")) {
    BATTRACE_ASSIGN_OR_RETURN(m, ParseMonth(*v, "to"));
    to = m;
  }
  const int back = to.year() * 12 + to.month() - 1 - 11;
  Date from = Date::FromYmd(back / 12, back % 12 + 1, 1).value_or(to);
  if (auto v = StringParam(c, "from")) {
    BATTRACE_ASSIGN_OR_RETURN(m, ParseMonth(*v, "from"));
    from = m;
  }
  std::optional<std::string> kind = StringParam(c, "kind");
  if (kind) BATTRACE_RETURN_IF_ERROR(domain::CheckFindingKind(*kind, "kind"));
  BATTRACE_ASSIGN_OR_RETURN(division, DivisionParam(c));
  ScopedReader reader = Reader(c);
  BATTRACE_ASSIGN_OR_RETURN(out, FindingTrend(reader, as_of, from, to, kind, division));
  BATTRACE_RETURN_IF_ERROR(Audited(reader));
  Reply(c, out);
  return Status::Ok();
}

Status Api::GetStatsFlows(Call& c) {
  store::FindingFilter range;
  BATTRACE_RETURN_IF_ERROR(DateRangeParams(c, &range));
  BATTRACE_ASSIGN_OR_RETURN(division, DivisionParam(c));
  ScopedReader reader = Reader(c);
  BATTRACE_ASSIGN_OR_RETURN(out, Flows(reader, range.from, range.to, division));
  BATTRACE_RETURN_IF_ERROR(Audited(reader));
  Reply(c, out);
  return Status::Ok();
}

Status Api::GetObligations(Call& c) {
  BATTRACE_ASSIGN_OR_RETURN(as_of, AsOf(c));
  store::ObligationFilter filter;
  BATTRACE_ASSIGN_OR_RETURN(party, PartyParam(c));
  BATTRACE_ASSIGN_OR_RETURN(division, DivisionParam(c));
  filter.party = party;
  filter.division = division;
  if (auto type = StringParam(c, "type")) {
    if (!ReportTypeFromName(*type)) {
      return Status::Invalid("type", "obligations.type",
                             "type must be a report type, e.g. battery.inbound (docs/"
                             "report-format.md); got '" +
                                 *type + "'");
    }
    filter.type = *type;
  }
  for (const char* name : {"due_from", "due_to"}) {
    auto v = StringParam(c, name);
    if (!v) continue;
    BATTRACE_ASSIGN_OR_RETURN(d, Date::Parse(*v, name));
    (std::string_view(name) == "due_from" ? filter.due_from : filter.due_to) = d;
  }
  if (filter.due_from && filter.due_to && *filter.due_to < *filter.due_from) {
    return Status::Invalid("due_from", "obligations.range",
                           "due_from " + filter.due_from->ToString() + " is after due_to " +
                               filter.due_to->ToString());
  }
  BATTRACE_ASSIGN_OR_RETURN(sort_index, EnumParam(c, "sort", {"due", "-due"}));
  const auto sort = static_cast<store::DutySort>(sort_index);
  BATTRACE_ASSIGN_OR_RETURN(csv, WantsCsv(c));
  const std::string query = QueryOf(c, "obligations", as_of);
  BATTRACE_ASSIGN_OR_RETURN(after, CursorParam(c, query, store::KeySize(sort)));
  BATTRACE_ASSIGN_OR_RETURN(limit, LimitParam(c));
  ScopedReader reader = Reader(c);
  BATTRACE_ASSIGN_OR_RETURN(
      page,
      reader.Obligations(as_of, filter, sort, csv ? std::nullopt : after, csv ? SIZE_MAX : limit));
  BATTRACE_RETURN_IF_ERROR(Audited(reader));
  if (csv) {
    std::string body;
    AppendCsvRow(body, {"due", "overdue", "kind", "duty", "fulfils", "article", "party", "subject",
                        "anchor", "department", "division", "evidence", "detail"});
    for (const domain::Duty& d : page.items) {
      AppendCsvRow(body, {d.due.ToString(), d.due < as_of ? "true" : "false", d.kind, d.duty,
                          d.fulfils, d.article, d.party, d.subject, d.anchor.ToString(),
                          d.authority.department, d.authority.division, d.evidence, d.detail});
    }
    ReplyCsv(c, "obligations-" + as_of.ToString() + ".csv", body);
    return Status::Ok();
  }
  Json out = PageJson(page, limit, query,
                      [&](const domain::Duty& d) { return Json(domain::DutyToJson(d, as_of)); });
  out["as_of"] = as_of.ToString();
  Reply(c, out);
  return Status::Ok();
}

Status Api::GetEnterprise(Call& c) {
  auto uscc = Uscc::Parse(c.params["uscc"], Strictness::kLenient);
  if (!uscc.ok()) return uscc.status().WithFieldPrefix("uscc");
  ScopedReader reader = Reader(c);
  bool full = false;
  BATTRACE_ASSIGN_OR_RETURN(row, reader.Enterprise(uscc->str(), &full));
  BATTRACE_RETURN_IF_ERROR(Audited(reader));
  Json record = Json::parse(row.record, nullptr, false);
  if (!full) {
    record = {{"kind", "enterprise"},
              {"uscc", record.value("uscc", "")},
              {"name", record.value("name", "")},
              {"roles", record.value("roles", Json::array())},
              {"division", record.value("division", "")}};
  }
  record["view"] = full ? "full" : "public";
  Reply(c, record);
  return Status::Ok();
}

Status Api::GetOutlets(Call& c) {
  BATTRACE_ASSIGN_OR_RETURN(division, DivisionParam(c));
  ScopedReader reader = Reader(c);
  BATTRACE_ASSIGN_OR_RETURN(outlets,
                            reader.Outlets(division.value_or(std::string(Division::kNationCode))));
  Json items = Json::array();
  for (const auto& o : outlets) {
    items.push_back({{"id", o.id},
                     {"owner", o.owner},
                     {"division", o.division},
                     {"closed", o.closed},
                     {"registered_at", FormatTimestamp(o.registered_at)}});
  }
  Reply(c, {{"items", items}});
  return Status::Ok();
}

Status Api::GetDisassemblyInfo(Call& c) {
  ScopedReader reader = Reader(c);
  BATTRACE_ASSIGN_OR_RETURN(reports, reader.DisassemblyInfo(c.params["model"]));
  BATTRACE_RETURN_IF_ERROR(Audited(reader));
  Json items = Json::array();
  for (const auto& r : reports)
    items.push_back(passport::ReportView(r));
  Reply(c, {{"vehicle_model", c.params["model"]}, {"items", items}});
  return Status::Ok();
}

Status Api::GetCheckpoint(Call& c) {
  BATTRACE_ASSIGN_OR_RETURN(cp, c.store->LatestCheckpoint());
  if (!cp) return Status::NotFound("no checkpoint has been signed yet");
  Reply(c, {{"size", cp->size}, {"created", FormatTimestamp(cp->created)}, {"note", cp->note}});
  return Status::Ok();
}

Status Api::GetInclusionProof(Call& c) {
  BATTRACE_ASSIGN_OR_RETURN(leaf, OptionalUintParam(c, "leaf"));
  if (!leaf) return Status::Invalid("leaf", "query.required", "leaf is required");
  BATTRACE_ASSIGN_OR_RETURN(size, OptionalUintParam(c, "size"));
  BATTRACE_ASSIGN_OR_RETURN(doc, store::InclusionProofDoc(*c.store, *leaf, size));
  Reply(c, doc);
  return Status::Ok();
}

Status Api::GetConsistencyProof(Call& c) {
  BATTRACE_ASSIGN_OR_RETURN(from, OptionalUintParam(c, "from"));
  if (!from) return Status::Invalid("from", "query.required", "from is required");
  BATTRACE_ASSIGN_OR_RETURN(to, OptionalUintParam(c, "to"));
  BATTRACE_ASSIGN_OR_RETURN(doc, store::ConsistencyProofDoc(*c.store, *from, to));
  Reply(c, doc);
  return Status::Ok();
}

Status Api::GetAudit(Call& c) {
  auto order = StringParam(c, "order").value_or("asc");
  if (order != "asc" && order != "desc") {
    return Status::Invalid("order", "query.enum", "order must be asc or desc");
  }
  const bool newest_first = order == "desc";
  if (StringParam(c, newest_first ? "after" : "before")) {
    return Status::Invalid(
        newest_first ? "after" : "before", "audit.paging",
        newest_first ? "order=desc pages with before, not after" : "before pages with order=desc");
  }
  BATTRACE_ASSIGN_OR_RETURN(after, UintParam(c, "after", 0, INT64_MAX));
  BATTRACE_ASSIGN_OR_RETURN(before, UintParam(c, "before", INT64_MAX, INT64_MAX));
  BATTRACE_ASSIGN_OR_RETURN(limit, UintParam(c, "limit", kDefaultPage, kMaxPage));
  ScopedReader reader = Reader(c);
  BATTRACE_ASSIGN_OR_RETURN(entries, reader.Audit({.from = newest_first ? before : after,
                                                   .limit = limit,
                                                   .newest_first = newest_first}));
  Json items = Json::array();
  for (const auto& e : entries)
    items.push_back(AuditJson(e));
  Json out = {{"limit", limit}, {"items", items}};
  if (newest_first) {
    out["order"] = "desc";
    if (StringParam(c, "before")) out["before"] = before;
  } else {
    out["after"] = after;
  }
  Reply(c, out);
  return Status::Ok();
}

Status Api::PostSession(Call& c) {
  BATTRACE_RETURN_IF_ERROR(CheckCsrf(c.req));
  BATTRACE_ASSIGN_OR_RETURN(token, ParseSignInBody(c.req.body));
  const ledger::Hash hash = ledger::Sha256({token});
  std::string why;
  Instant token_expires = 0;
  auto viewer = AuthenticateHash(*c.store, hash, c.now, &why, &token_expires);
  if (!viewer.ok() && viewer.status().code() != StatusCode::kUnauthenticated) {
    return viewer.status();
  }
  if (!viewer.ok()) {
    // Logged without the token: its text is a credential.
    Log({{"level", "info"},
         {"request_id", c.request_id},
         {"event", "signin_refused"},
         {"reason", why},
         {"remote", c.req.remote_addr}});
    return Status(StatusCode::kUnauthenticated, viewer.status().message(), "/token",
                  viewer.status().rule());
  }
  // A sign-in replaces the session the browser held.
  if (c.session) sessions_.End(*c.session);
  BATTRACE_ASSIGN_OR_RETURN(started,
                            sessions_.Start(viewer->Principal(), hash, token_expires, c.now));
  c.viewer = std::move(viewer).value();
  c.res.headers.emplace_back(
      "Set-Cookie",
      SessionCookieHeader(started.secret, (started.expires - c.now) / 1000000, Tls()));
  Reply(c, {{"principal", c.viewer.Principal()}, {"expires", FormatTimestamp(started.expires)}});
  return Status::Ok();
}

Status Api::DeleteSession(Call& c) {
  BATTRACE_RETURN_IF_ERROR(CheckCsrf(c.req));
  const bool ended = c.session && sessions_.End(*c.session);
  ClearCookie(c);
  Reply(c, {{"signed_out", ended}});
  return Status::Ok();
}

Status Api::GetMe(Call& c) {
  Reply(c, MeJson(*c.store, c.viewer));
  return Status::Ok();
}

Status Api::GetTokens(Call& c) {
  BATTRACE_RETURN_IF_ERROR(MayAdminister(c.viewer));
  std::optional<store::TokenCursor> cursor;
  if (auto text = StringParam(c, "cursor")) {
    BATTRACE_ASSIGN_OR_RETURN(parsed, ParseTokenCursor(*text));
    cursor = parsed;
  }
  BATTRACE_ASSIGN_OR_RETURN(limit, UintParam(c, "limit", kDefaultPage, kMaxPage));
  if (limit == 0) return Status::Invalid("limit", "query.integer", "limit must be at least 1");
  // One more than the page: whether there is a next page.
  BATTRACE_ASSIGN_OR_RETURN(rows, c.store->ListTokens(cursor, limit + 1));
  const bool more = rows.size() > limit;
  if (more) rows.resize(limit);
  BATTRACE_RETURN_IF_ERROR(AuditAction(c, "GET /v1/tokens", "tokens"));
  Json items = Json::array();
  for (const store::TokenRow& row : rows)
    items.push_back(TokenJson(row, c.now));
  Json out = {{"items", std::move(items)}, {"limit", limit}};
  if (more) out["next_cursor"] = FormatTokenCursor(rows.back());
  Reply(c, out);
  return Status::Ok();
}

Status Api::PostTokens(Call& c) {
  BATTRACE_RETURN_IF_ERROR(MayAdminister(c.viewer));
  BATTRACE_ASSIGN_OR_RETURN(request, ParseIssueBody(c.req.body));
  auto issued =
      IssueToken(*c.store, request.principal, static_cast<int>(request.days), c.now, "/days");
  if (!issued.ok()) {
    const Status& st = issued.status();
    return st.field() == "principal" ? Status(st.code(), st.message(), "/principal", st.rule())
                                     : st;
  }
  const std::string id = TokenId(issued->row.hash);
  BATTRACE_RETURN_IF_ERROR(AuditAction(c, "POST /v1/tokens", "token:" + id));
  Json out = TokenJson(issued->row, c.now);
  out["token"] = issued->text;
  Reply(c, out);
  return Status::Ok();
}

Status Api::DeleteToken(Call& c) {
  BATTRACE_RETURN_IF_ERROR(MayAdminister(c.viewer));
  BATTRACE_ASSIGN_OR_RETURN(prefix, ParseTokenId(c.params["id"], "id"));
  // Two tokens sharing 8 bytes of hash (one chance in 2^32 among 2^16 tokens) would make the id
  // ambiguous: refused rather than guessed.
  BATTRACE_ASSIGN_OR_RETURN(rows, c.store->FindTokensByPrefix(prefix, 2));
  if (rows.empty()) return Status::NotFound("no token with id " + c.params["id"]);
  if (rows.size() > 1) {
    return Status::Conflict("the id " + c.params["id"] +
                            " names more than one token: revoke it by its text");
  }
  store::TokenRow& row = rows.front();
  BATTRACE_RETURN_IF_ERROR(AuditAction(c, "DELETE /v1/tokens/{id}", "token:" + c.params["id"]));
  BATTRACE_ASSIGN_OR_RETURN(revoked, c.store->RevokeToken(row.hash, c.now));
  if (revoked) row.revoked = c.now;  // else it was revoked before: that time stands
  sessions_.EndForToken(row.hash);
  Reply(c, TokenJson(row, c.now));
  return Status::Ok();
}

Status Api::GetDivisions(Call& c) {
  auto text = StringParam(c, "parent");
  auto parent = Division::Parse(text.value_or(std::string(Division::kNationCode)));
  if (!parent.ok())
    return Status::Invalid("parent", parent.status().rule(), parent.status().message());
  Json items = Json::array();
  if (parent->level() != DivisionLevel::kCounty) {
    const auto level = static_cast<DivisionLevel>(static_cast<int>(parent->level()) + 1);
    for (const Division& d : Division::All(level)) {
      if (parent->Contains(d.code())) items.push_back({{"code", d.code()}, {"name", d.name()}});
    }
  }
  Reply(c, {{"parent", parent->code()}, {"name", parent->name()}, {"items", items}});
  return Status::Ok();
}

Status Api::GetPage(Call& c) {
  if (auto to = AppRedirect(c.req, c.viewer)) {
    AddPageHeaders(c.res);
    c.res.status = 303;
    c.res.content_type = "text/plain; charset=utf-8";
    c.res.headers.emplace_back("Location", *to);
    c.res.headers.emplace_back("Cache-Control", "no-store");
    c.res.body = "See " + *to + "\n";
    return Status::Ok();
  }
  ServePageShell(c.req, c.res, PageLang(c.req));
  return Status::Ok();
}

Status Api::GetAsset(Call& c) {
  const Asset* asset = FindAsset(c.params["path"]);
  if (!asset) {
    AddPageHeaders(c.res);
    return Status::NotFound("no asset " + c.params["path"]);
  }
  ServeAsset(c.req, c.res, *asset);
  return Status::Ok();
}

Status Api::GetFavicon(Call& c) {
  const Asset* icon = FindAsset("img/favicon.ico");
  if (!icon) return Status::Internal("the favicon is not compiled in");
  ServeAsset(c.req, c.res, *icon);
  return Status::Ok();
}

// The pages a battery's label leads to (/b/{code}, the Digital Link) answer JSON or HTML by the
// request: `format` (json or html), else its Accept header (web.h, PrefersJson).
constexpr const char* kPageVary = "Accept, Accept-Language, Cookie";

bool JsonAsked(const Call& c) {
  const std::optional<std::string> format = StringParam(c, "format");
  return format ? *format == "json" : PrefersJson(c.req.Header("accept"));
}

// Makes c.res a page in `lang`: its content type and the headers every page carries.
void StartPage(Call& c, Lang lang) {
  c.res.content_type = "text/html; charset=utf-8";
  AddPageHeaders(c.res);
  c.res.headers.emplace_back("Content-Language", std::string(LangTag(lang)));
  c.res.headers.emplace_back("Cache-Control", "no-cache");
}

Status Api::GetPassportPage(Call& c) {
  c.res.headers.emplace_back("Vary", kPageVary);
  const std::optional<std::string> format = StringParam(c, "format");
  const Status format_ok =
      !format || *format == "json" || *format == "html"
          ? Status::Ok()
          : Status::Invalid("format", "passport.format",
                            "format is json or html: got " + QuoteText(*format));
  if (JsonAsked(c) || (!format_ok.ok() && PrefersJson(c.req.Header("accept")))) {
    BATTRACE_RETURN_IF_ERROR(format_ok);
    auto code = CodeParam(c);
    if (!code.ok()) return code.status();  // field "code"
    return ReplyEuPassport(c, *code);
  }
  const Lang lang = PageLang(c.req);
  const PageWords& words = PassportWords(lang);
  std::optional<std::string> province = StringParam(c, "province");
  if (province && province->empty()) province.reset();  // the form's "choose" entry
  auto name_of = [&](const std::optional<std::string>& uscc) { return MakerName(*c.store, uscc); };
  auto page = format_ok.ok() ? LoadPassport(*c.store, c.params["code"], province, lang, name_of)
                             : Result<Passport>(format_ok);
  StartPage(c, lang);
  const std::optional<std::string> asked = StringParam(c, "lang");
  if (asked && asked->size() == LangTag(lang).size() &&
      std::equal(asked->begin(), asked->end(), LangTag(lang).begin(), [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) ==
               std::tolower(static_cast<unsigned char>(b));
      })) {
    // A language picked through the page's switch (a link, so that it works without
    // JavaScript) stays picked on the other pages.
    c.res.headers.emplace_back("Set-Cookie", std::string(kLangCookie) + "=" +
                                                 std::string(LangTag(lang)) +
                                                 "; Path=/; SameSite=Lax; Max-Age=31536000");
  }
  if (!page.ok()) {
    if (page.status().code() != StatusCode::kInvalidArgument) return page.status();
    c.res.status = 400;
    c.res.body = RenderPassportError(c.params["code"], page.status(), words);
    return Status::Ok();
  }
  c.res.status = PassportStatus(*page);
  c.res.body = RenderPassport(*page, words);
  return Status::Ok();
}

Status Api::GetDigitalLink(Call& c) {
  c.res.headers.emplace_back("Vary", kPageVary);
  const std::string& gtin = c.params["gtin"];
  const std::string& serial = c.params["serial"];
  auto found = [&]() -> Result<std::string> {
    BATTRACE_ASSIGN_OR_RETURN(gtin14, ParseGtin(gtin));
    BATTRACE_RETURN_IF_ERROR(CheckGs1Serial(serial));
    BATTRACE_ASSIGN_OR_RETURN(code, c.store->FindByDigitalLink(gtin14, serial));
    if (!code) {
      return Status::NotFound("no battery is registered under GTIN " + gtin14 + " and serial " +
                              QuoteText(serial));
    }
    return *code;
  }();
  if (found.ok()) {
    const std::string to =
        "/b/" + *found + (c.req.query_string.empty() ? "" : "?" + c.req.query_string);
    AddPageHeaders(c.res);
    c.res.status = 302;
    c.res.content_type = "text/plain; charset=utf-8";
    c.res.headers.emplace_back("Location", to);
    c.res.headers.emplace_back("Cache-Control", "no-cache");
    c.res.body = "Found: " + to + "\n";
    return Status::Ok();
  }
  const Status& st = found.status();
  const bool page_error =
      st.code() == StatusCode::kInvalidArgument || st.code() == StatusCode::kNotFound;
  if (!page_error || JsonAsked(c)) return st;
  const Lang lang = PageLang(c.req);
  StartPage(c, lang);
  c.res.status = HttpStatus(st.code());
  c.res.body = RenderDigitalLinkProblem(gtin, serial, st, PassportWords(lang));
  return Status::Ok();
}

Status Api::GetLabelSvg(Call& c) {
  BATTRACE_ASSIGN_OR_RETURN(code, CodeParam(c));
  // The label names this server as the client reached it: the scheme it serves and the Host.
  const std::string& host = c.req.Header("host");
  const bool host_ok = !host.empty() && std::all_of(host.begin(), host.end(), [](char ch) {
    return std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '-' || ch == ':' ||
           ch == '[' || ch == ']';
  });
  if (!host_ok) {
    return Status::Invalid("Host", "http.host", "the Host header must name a host (and port)");
  }
  const std::string origin = (options_.http.tls_cert.empty() ? "http://" : "https://") + host;
  BATTRACE_ASSIGN_OR_RETURN(url, passport::LabelUrl(origin, code));
  BATTRACE_ASSIGN_OR_RETURN(symbol, passport::EncodeQr(url));
  c.res.status = 200;
  c.res.content_type = "image/svg+xml";
  c.res.body = passport::LabelSvg(symbol, code, url);
  AddPageHeaders(c.res);
  c.res.headers.emplace_back("Cache-Control", "public, max-age=86400");
  return Status::Ok();
}

}  // namespace

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
                std::lock_guard lock(write_mu_);
                auto result = writer_->CaptureEpcis(capture);
                NoteWrite(result.status());
                return result;
              },
              [&] { return Audited(reader); }};
  return handler(e);
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

std::vector<std::string> RouteLabels() {
  std::vector<std::string> out;
  for (const auto& e : Api::Table())
    out.push_back(std::string(e.method) + " " + e.pattern);
  return out;
}

int Serve(const ServeOptions& options) {
  // No thread but one takes SIGTERM/SIGINT: block them before any thread starts (the store's
  // WAL checkpointer, the audit writer, the HTTP threads inherit the mask), and wait for them
  // below.
  sigset_t stop_signals = BlockStopSignals();
  const auto fail = StartFailed;
  const Result<RuleSet>& rules = RuleSet::Default();
  if (!rules.ok()) return fail(rules.status());
  const Result<LegalCalendar>& calendar = LegalCalendar::Default();
  if (!calendar.ok()) return fail(calendar.status());
  const domain::Law law{*rules, *calendar};

  store::OpenOptions write_options;
  write_options.key_path = options.key;
  auto writer = store::OpenStore(options.store, write_options);
  if (!writer.ok()) return fail(writer.status());
  auto audit_store = store::OpenStore(options.store, store::OpenOptions{});
  if (!audit_store.ok()) return fail(audit_store.status());

  Api api(options, std::move(writer).value(), std::move(audit_store).value(), law);
  auto http = HttpServer::Bind(
      options.http,
      {[&api](const HttpRequest& req, HttpResponse& res) { api.Handle(req, res); },
       [&api](const HttpRequest& head, HttpResponse& res) { return api.Admit(head, res); },
       [&api](const TransportError& error, HttpResponse& res) { api.Refused(error, res); }});
  if (!http.ok()) return fail(http.status());
  if ((*http)->max_connections() < options.http.max_connections) {
    Log({{"level", "warning"},
         {"event", "max_connections_lowered"},
         {"max_connections", (*http)->max_connections()},
         {"open_files", (*http)->open_files_limit()},
         {"detail", "the open-file hard limit (RLIMIT_NOFILE) is too low for --max-connections " +
                        std::to_string(options.http.max_connections) +
                        ": raise it (ulimit -Hn, LimitNOFILE=) to serve that many"}});
  }
  std::atomic<bool> stopping{false};
  std::thread waiter([&] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    if (!stopping.exchange(true)) {
      Log({{"level", "info"},
           {"event", "stopping"},
           {"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"}});
    }
    (*http)->Stop();
  });
  Log({{"level", "info"},
       {"event", "listening"},
       {"store", options.store.ToString()},
       {"address", options.http.host},
       {"port", (*http)->port()},
       {"tls", !options.http.tls_cert.empty()},
       {"threads", options.http.threads},
       {"max_connections", (*http)->max_connections()},
       {"max_connections_per_address", options.http.max_connections_per_address},
       {"open_files", (*http)->open_files_limit()}});
  std::mutex tick_mu;
  std::condition_variable tick_cv;
  std::thread signer([&] {
    std::unique_lock lock(tick_mu);
    while (!tick_cv.wait_for(lock, std::chrono::seconds(1), [&] { return stopping.load(); })) {
      api.SignCheckpoint();
      if (options.after_signing) options.after_signing();
    }
  });
  if (options.on_listening) options.on_listening((*http)->port());
  (*http)->Run();
  // Run returned without a signal (the server failed): wake the waiter, whose sigwait takes
  // the signal; no thread is terminated by it.
  if (!stopping.exchange(true)) {
    pthread_kill(waiter.native_handle(), SIGTERM);  // NOLINT(bugprone-bad-signal-to-kill-thread)
  }
  waiter.join();
  tick_cv.notify_all();
  signer.join();
  api.SignCheckpoint();  // the last batches' receipts are provable after a restart
  Log({{"level", "info"}, {"event", "stopped"}});
  return 0;
}

}  // namespace battrace::server
