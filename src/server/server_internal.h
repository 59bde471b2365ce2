// The server's parts behind `Serve` (server.h), shared by its files and by nothing else:
//   server.cc           the route table, the Api's state, checkpoint signing, health, Serve;
//   front.cc            what every request goes through before and after its handler;
//   store_pool.h        the reader connections;  params.h  the request parameters;
//   handlers_<group>.cc the handlers of one group of routes, each a member of Api.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "access/access.h"
#include "core/lang.h"
#include "domain/engine.h"
#include "server/audit_log.h"
#include "server/epcis_api.h"
#include "server/http.h"
#include "server/metrics.h"
#include "server/rate_limit.h"
#include "server/router.h"
#include "server/server.h"
#include "server/session.h"
#include "server/store_pool.h"
#include "store/cursor.h"
#include "store/keyset.h"
#include "store/store.h"

namespace battrace::server {

using Json = nlohmann::json;

// One request as the front and its handler see it.
struct Call {
  const HttpRequest& req;
  HttpResponse& res;
  std::map<std::string, std::string> params;  // the route's path parameters
  std::string request_id;
  access::Viewer viewer;
  store::Store* store = nullptr;  // a reader connection: *lease, once authentication needed one
  Instant now = 0;
  std::optional<StorePool::Lease> lease;
  Lang lang = Lang::kEn;  // of the request's Accept-Language (docs/api.md, "Languages")
  // The session cookie's secret when the session authenticated the request.
  std::optional<std::string> session = std::nullopt;
  bool cookie_cleared = false;  // the answer carries the Set-Cookie that clears the cookie
};

// Answers 200 with `body` as JSON.
void Reply(Call& c, const Json& body);

// Answers a CSV download as an attachment named `filename`: the byte order mark and `first`,
// then the pieces `rest` gives when it is set (HttpResponse::stream).
void ReplyCsv(Call& c, const std::string& filename, const std::string& first,
              std::function<bool(std::string&)> rest);

// Whether `viewer` may file reports: an enterprise (each item's reporter is checked against
// it when the batch is parsed); 401 for the public, 403 for other principals.
Status MayFile(const access::Viewer& viewer);

// Whether `viewer` may manage tokens: the admin; 401 for the public, 403 for others.
Status MayAdminister(const access::Viewer& viewer);

class Api {
 public:
  Api(const ServeOptions& options, std::unique_ptr<store::Store> writer,
      std::unique_ptr<store::Store> audit_store, const domain::Law& law);

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

  // Refuses a standby (ServeOptions::read_store) that does not hold this store: another origin
  // or another pinned key. Opens the standby pool's first connection.
  Status CheckStandby();

  using Handler = Status (Api::*)(Call&);
  // Where a route reads when the server has a standby (docs/operations.md, 3.4). kStandby: what
  // it shows may lag the primary by the standby's replay delay, and is never what a failover
  // could lose (a synchronous standby holds only commits it has flushed). kPrimary: it writes,
  // or must see the latest commits (what its caller just wrote). Without a standby, every route
  // reads the primary.
  enum class Reads { kPrimary, kStandby };
  struct Entry {
    const char* method;
    const char* pattern;
    Handler handler;
    std::vector<std::string> query;  // the query parameters it takes; {"*"}: any (pages)
    Reads reads;
  };
  // The route table (server.cc): every route, in the order the router matches them.
  static const std::vector<Entry>& Table();

 private:
  std::string NextRequestId();
  // Makes the audit entries of the reads `reader` allowed durable; then the data may go out.
  Status Audited(access::ScopedReader& reader) { return audit_.Append(std::move(reader.audit())); }
  access::ScopedReader Reader(Call& c) {
    return access::ScopedReader(*c.store, c.viewer, c.req.Header("x-purpose"), c.request_id);
  }
  // Runs `write` on the one writer connection, under the write lock, and notes its outcome
  // for /healthz.
  template <typename F>
  auto Write(F write) {
    std::lock_guard lock(write_mu_);
    auto result = write(*writer_);
    NoteWrite(result.status());
    return result;
  }
  // The registered name of a battery's maker, for the public digital ID. Names are cached for
  // a minute: every public lookup needs one, and parsing the registry record each time cost as
  // much as the lookup itself.
  std::optional<std::string> MakerName(store::Store& s, const std::optional<std::string>& uscc);

  // --- the front (front.cc) ---
  // The front of every request, on what its head carries (docs/api.md, "Every request"): the
  // per-address rate limit, the head's text (http.utf8, api.purpose), the route and its query
  // parameters, authentication (on the primary), leasing c.store (where the route reads), the
  // per-principal rate limit. Returns a failed Status to answer with; or Ok with c.res.status
  // set to 405 or 429 when it answered itself; or Ok with c.res untouched when the handler of
  // Table()[route_index] may run.
  // route_index is Table().size() until a route matched.
  Status Front(Call& c, size_t& route_index);
  // Authentication by the session cookie, for a request without an Authorization header: the
  // session's principal while the session and its token live (c.session set), the CSRF rule for
  // a request other than GET and HEAD; else the public, and the answer clears the cookie.
  Status FromSession(Call& c);
  bool Tls() const { return !options_.http.tls_cert.empty(); }
  void ClearCookie(Call& c);
  // Takes one request from `key`'s bucket; when it is empty, writes 429 and returns true.
  bool Limited(Call& c, RateLimiter& limiter, const std::string& key, double per_second);
  // Writes the problem of a failed `st`, then counts and logs the answered request.
  void Finish(Call& c, size_t route_index, const Status& st,
              std::chrono::steady_clock::time_point start);
  // Counts the answer in /metrics and writes the access log line.
  void Observe(const Call& c, size_t route_index, double seconds);
  // Records the outcome of a write (a batch's commit, a checkpoint's signing) for /healthz.
  void NoteWrite(const Status& outcome);

  // --- operations (server.cc) ---
  Status Healthz(Call& c);
  Status MetricsText(Call& c);
  // --- reports (handlers_reports.cc) ---
  Status PostReports(Call& c);
  Status GetReport(Call& c);
  // --- batteries, vehicles and the registry (handlers_records.cc) ---
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
  Status GetEnterprise(Call& c);
  Status GetOutlets(Call& c);
  Status GetDisassemblyInfo(Call& c);
  Status GetDivisions(Call& c);
  // --- findings, obligations and their statistics (handlers_findings.cc) ---
  Status GetFindings(Call& c);
  Status GetObligations(Call& c);
  Status GetStatsFindings(Call& c);
  Status GetStatsTrend(Call& c);
  Status GetStatsFlows(Call& c);
  // --- the ledger and the audit trail (handlers_ledger.cc) ---
  Status GetCheckpoint(Call& c);
  Status GetInclusionProof(Call& c);
  Status GetConsistencyProof(Call& c);
  Status GetAudit(Call& c);
  // --- sessions and tokens (handlers_accounts.cc) ---
  Status PostSession(Call& c);
  Status DeleteSession(Call& c);
  Status GetMe(Call& c);
  Status GetTokens(Call& c);
  Status PostTokens(Call& c);
  Status DeleteToken(Call& c);
  // Makes the audit entry of an admin's action durable (the token routes).
  Status AuditAction(Call& c, const std::string& action, const std::string& record);
  // --- the pages, the assets and a battery's label (handlers_pages.cc) ---
  Status GetPage(Call& c);
  Status GetAsset(Call& c);
  Status GetFavicon(Call& c);
  Status GetPassportPage(Call& c);
  Status GetLabelSvg(Call& c);
  Status GetDigitalLink(Call& c);
  // --- the EPCIS binding (server/epcis_api.h; handlers_epcis.cc) ---
  // Each handler is given the call's ScopedReader.
  Status EpcisPostCapture(Call& c);
  Status EpcisGetCapture(Call& c);
  Status EpcisPostEvent(Call& c);
  Status EpcisGetEvents(Call& c);
  Status EpcisGetEvent(Call& c);
  // The admission of a capture from its head (RefuseCapture): Admit's part for `h`, one of
  // the two capture routes.
  Status AdmitEpcisCapture(Call& c, Handler h);
  template <typename F>
  Status Epcis(Call& c, F handler);

  const ServeOptions& options_;
  StorePool readers_;                 // on the primary
  std::optional<StorePool> standby_;  // on ServeOptions::read_store, when set
  std::mutex write_mu_;
  std::unique_ptr<store::Store> writer_;
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
  std::atomic<size_t> downloads_{0};  // CSV downloads streaming (ServeOptions::max_downloads)
  struct CachedName {
    std::optional<std::string> name;
    std::chrono::steady_clock::time_point until;
  };
  std::mutex names_mu_;
  std::unordered_map<std::string, CachedName> names_;
  SessionTable sessions_;
};

}  // namespace battrace::server
