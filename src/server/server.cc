// `battrace serve` (server.h): the one route table, the Api's shared state (the writer
// connection, the audit writer, the limits, the sessions), the signing of checkpoints, /healthz
// and /metrics, and the server's lifecycle (Serve: start, stop signals, threads, shutdown).
// The front of every request is front.cc; the handlers are handlers_<group>.cc.
#include "server/server.h"

#include <pthread.h>
#include <sodium.h>

#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <thread>

#include "domain/registry.h"
#include "epcis/query.h"
#include "server/log.h"
#include "server/server_internal.h"

namespace battrace::server {

using store::Store;

const std::vector<Api::Entry>& Api::Table() {
  // Each route says where it reads when the server has a standby (Reads): the standby only for
  // reads that may lag, never for a write or a read of what its caller just wrote.
  static const std::vector<Entry> kTable = {
      {"GET", "/healthz", &Api::Healthz, {}, Reads::kPrimary},
      {"GET", "/metrics", &Api::MetricsText, {}, Reads::kStandby},
      {"POST", "/v1/reports", &Api::PostReports, {"codes", "type"}, Reads::kPrimary},
      {"GET", "/v1/reports/{reporter}/{id}", &Api::GetReport, {}, Reads::kPrimary},
      {"GET", "/v1/batteries", &Api::ListBatteries, {"cursor", "limit"}, Reads::kStandby},
      {"GET", "/v1/batteries/{code}", &Api::GetBattery, {}, Reads::kStandby},
      {"GET", "/v1/batteries/{code}/history", &Api::GetBatteryHistory, {}, Reads::kStandby},
      {"GET",
       "/v1/batteries/{code}/passport",
       &Api::GetBatteryPassport,
       {"profile"},
       Reads::kStandby},
      {"GET", "/v1/vehicles", &Api::ListVehicles, {"cursor", "limit"}, Reads::kStandby},
      {"GET", "/v1/vehicles/{vin}", &Api::GetVehicle, {}, Reads::kStandby},
      {"GET",
       "/v1/findings",
       &Api::GetFindings,
       {"as_of", "kind", "party", "division", "department", "from", "to", "sort", "cursor", "limit",
        "format"},
       Reads::kStandby},
      {"GET",
       "/v1/obligations",
       &Api::GetObligations,
       {"as_of", "party", "division", "type", "due_from", "due_to", "sort", "cursor", "limit",
        "format"},
       Reads::kStandby},
      {"GET", "/v1/enterprises/{uscc}", &Api::GetEnterprise, {}, Reads::kStandby},
      {"GET", "/v1/outlets", &Api::GetOutlets, {"division"}, Reads::kStandby},
      {"GET", "/v1/models/{model}/disassembly-info", &Api::GetDisassemblyInfo, {}, Reads::kStandby},
      {"GET", "/v1/ledger/checkpoint", &Api::GetCheckpoint, {}, Reads::kStandby},
      {"GET",
       "/v1/ledger/proof/inclusion",
       &Api::GetInclusionProof,
       {"leaf", "size"},
       Reads::kStandby},
      {"GET",
       "/v1/ledger/proof/consistency",
       &Api::GetConsistencyProof,
       {"from", "to"},
       Reads::kStandby},
      {"GET", "/v1/audit", &Api::GetAudit, {"after", "before", "order", "limit"}, Reads::kPrimary},
      {"POST", "/v1/session", &Api::PostSession, {}, Reads::kPrimary},
      {"DELETE", "/v1/session", &Api::DeleteSession, {}, Reads::kPrimary},
      {"GET", "/v1/me", &Api::GetMe, {}, Reads::kStandby},
      {"GET", "/v1/tokens", &Api::GetTokens, {"cursor", "limit"}, Reads::kPrimary},
      {"POST", "/v1/tokens", &Api::PostTokens, {}, Reads::kPrimary},
      {"DELETE", "/v1/tokens/{id}", &Api::DeleteToken, {}, Reads::kPrimary},
      {"GET",
       "/v1/stats/findings",
       &Api::GetStatsFindings,
       {"as_of", "division", "level"},
       Reads::kStandby},
      {"GET",
       "/v1/stats/trend",
       &Api::GetStatsTrend,
       {"as_of", "from", "to", "kind", "division"},
       Reads::kStandby},
      {"GET", "/v1/stats/flows", &Api::GetStatsFlows, {"from", "to", "division"}, Reads::kStandby},
      {"GET", "/v1/divisions", &Api::GetDivisions, {"parent"}, Reads::kStandby},
      // The pages (server/web.h): one shell for every page, which its scripts fill in.
      {"GET", "/", &Api::GetPage, {"*"}, Reads::kStandby},
      {"GET", "/outlets", &Api::GetPage, {"*"}, Reads::kStandby},
      {"GET", "/signin", &Api::GetPage, {"*"}, Reads::kStandby},
      {"GET", "/app", &Api::GetPage, {"*"}, Reads::kStandby},
      {"GET", "/app/", &Api::GetPage, {"*"}, Reads::kStandby},
      {"GET", "/app/{page...}", &Api::GetPage, {"*"}, Reads::kStandby},
      {"GET", "/assets/{path...}", &Api::GetAsset, {}, Reads::kStandby},
      {"GET", "/favicon.ico", &Api::GetFavicon, {}, Reads::kStandby},
      // The public passport behind a battery's QR label (server/passport_page.h).
      // It reads `province` and `lang`, and takes any other parameter as the pages do
      // (messaging apps add their own to the links they share).
      // With `format=json` or an Accept header that prefers JSON, the battery's EU passport.
      {"GET", "/b/{code}", &Api::GetPassportPage, {"*"}, Reads::kStandby},
      {"GET", "/b/{code}/qr.svg", &Api::GetLabelSvg, {}, Reads::kStandby},
      // The GS1 Digital Link of a battery (EU labels): a redirect to its passport, query kept.
      {"GET", "/01/{gtin}/21/{serial...}", &Api::GetDigitalLink, {"*"}, Reads::kStandby},
      // GS1 EPCIS 2.0 (server/epcis_api.h). An eventID is a URI, slashes and all: the rest of
      // the path.
      {"POST", "/epcis/capture", &Api::EpcisPostCapture, {}, Reads::kPrimary},
      {"GET", "/epcis/capture/{captureID}", &Api::EpcisGetCapture, {}, Reads::kPrimary},
      {"POST", "/epcis/events", &Api::EpcisPostEvent, {}, Reads::kPrimary},
      {"GET", "/epcis/events", &Api::EpcisGetEvents, epcis::QueryParameterNames(), Reads::kStandby},
      {"GET", "/epcis/events/{eventID...}", &Api::EpcisGetEvent, {}, Reads::kStandby},
  };
  return kTable;
}

Api::Api(const ServeOptions& options, std::unique_ptr<Store> writer,
         std::unique_ptr<Store> audit_store, const domain::Law& law)
    : options_(options),
      readers_(options.store, options.clock),
      writer_(std::move(writer)),
      audit_(std::move(audit_store)),
      law_(law),
      address_limiter_(options.address_rate_per_second, options.address_rate_burst),
      principal_limiter_(options.rate_per_second, options.rate_burst),
      metrics_(RouteLabels()),
      sessions_(options.sessions) {
  if (options.read_store) standby_.emplace(*options.read_store, options.clock, true);
  for (const Entry& e : Table())
    router_.Add(e.method, e.pattern);
  if (auto cp = writer_->LatestCheckpoint(); cp.ok() && *cp) signed_size_ = (*cp)->size;
  uint32_t prefix = 0;
  randombytes_buf(&prefix, sizeof prefix);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%08x", prefix);
  id_prefix_ = buf;
}

Status Api::CheckStandby() {
  if (!standby_) return Status::Ok();
  BATTRACE_ASSIGN_OR_RETURN(lease, standby_->Get());
  Store& standby = *lease;
  if (standby.Origin() != writer_->Origin() ||
      standby.PinnedVerifierKey() != writer_->PinnedVerifierKey()) {
    return Status::Invalid("--pg-read", "serve.pg_read",
                           "--pg-read names a database holding another store (origin '" +
                               standby.Origin() + "', not '" + writer_->Origin() +
                               "', or another signing key): name a standby of the --pg database");
  }
  return Status::Ok();
}

std::string Api::NextRequestId() {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%s-%010llu", id_prefix_.c_str(),
                static_cast<unsigned long long>(++requests_));
  return buf;
}

void Api::SignCheckpoint() {
  std::lock_guard lock(write_mu_);
  auto cp = writer_->SignCheckpoint();
  // Only a checkpoint signed now is a write: the latest one, returned when no leaf was added,
  // says nothing of writability.
  if (!cp.ok() || cp->size != signed_size_) NoteWrite(cp.status());
  if (cp.ok()) signed_size_ = cp->size;
  if (!cp.ok()) {
    LogJson({{"level", "error"}, {"event", "checkpoint"}, {"error", cp.status().ToString()}});
  }
}

void Api::NoteWrite(const Status& outcome) {
  std::lock_guard lock(health_mu_);
  last_write_ = outcome;
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
    LogJson({{"level", "error"},
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
  write_options.clock = options.clock;
  auto writer = store::OpenStore(options.store, write_options);
  if (!writer.ok()) return fail(writer.status());
  store::OpenOptions audit_options;
  audit_options.clock = options.clock;
  auto audit_store = store::OpenStore(options.store, audit_options);
  if (!audit_store.ok()) return fail(audit_store.status());

  Api api(options, std::move(writer).value(), std::move(audit_store).value(), law);
  if (Status st = api.CheckStandby(); !st.ok()) return fail(st);
  auto http = HttpServer::Bind(
      options.http,
      {[&api](const HttpRequest& req, HttpResponse& res) { api.Handle(req, res); },
       [&api](const HttpRequest& head, HttpResponse& res) { return api.Admit(head, res); },
       [&api](const TransportError& error, HttpResponse& res) { api.Refused(error, res); }});
  if (!http.ok()) return fail(http.status());
  if ((*http)->max_connections() < options.http.max_connections) {
    LogJson(
        {{"level", "warning"},
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
      LogJson({{"level", "info"},
               {"event", "stopping"},
               {"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"}});
    }
    (*http)->Stop();
  });
  nlohmann::json listening = {
      {"level", "info"},
      {"event", "listening"},
      {"store", options.store.ToString()},
      {"address", options.http.host},
      {"port", (*http)->port()},
      {"tls", !options.http.tls_cert.empty()},
      {"threads", options.http.threads},
      {"max_connections", (*http)->max_connections()},
      {"max_connections_per_address", options.http.max_connections_per_address},
      {"open_files", (*http)->open_files_limit()}};
  if (options.read_store) listening["read_store"] = options.read_store->ToString();
  LogJson(listening);
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
  LogJson({{"level", "info"}, {"event", "stopped"}});
  return 0;
}

}  // namespace battrace::server
