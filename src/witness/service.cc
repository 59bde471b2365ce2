// The witness's HTTP front: one route, JSON log lines, a clean stop on a signal.
#include "witness/service.h"

#include <pthread.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <thread>

#include "ledger/signing_key.h"
#include "server/log.h"
#include "witness/witness.h"

namespace battrace::witness {
namespace {

using server::LogJson;

// The cosignature's timestamp: whole seconds since the Unix epoch (C2SP tlog-cosignature).
uint64_t NowSeconds(const Clock& clock) {
  return static_cast<uint64_t>(clock.Now() / 1'000'000);
}

void Route(Witness& witness, const Clock& clock, const server::HttpRequest& req,
           server::HttpResponse& res) {
  const auto start = std::chrono::steady_clock::now();
  Answer answer;
  if (req.path != "/add-checkpoint") {
    answer.status = 404;
    answer.body = "no such route: the witness answers POST /add-checkpoint\n";
  } else if (req.method != "POST") {
    answer.status = 405;
    answer.body = "add-checkpoint takes POST\n";
    res.headers.emplace_back("Allow", "POST");
  } else {
    answer = witness.AddCheckpoint(req.body, NowSeconds(clock));
  }
  res.status = answer.status;
  res.content_type = answer.content_type;
  res.body = answer.body;
  nlohmann::json line = {
      {"level", answer.status >= 500 ? "error" : "info"},
      {"event", "add-checkpoint"},
      {"method", req.method},
      {"path", req.path},
      {"status", answer.status},
      {"remote", req.remote_addr},
      {"ms", std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                 .count()}};
  if (!answer.origin.empty()) {
    line["origin"] = answer.origin;
    line["size"] = answer.size;
  }
  if (answer.status != 200) line["answer"] = answer.body;
  LogJson(line);
}

}  // namespace

int RunWitness(const WitnessOptions& options) {
  // As `battrace serve`: the stop signals go to one thread, which stops the server.
  sigset_t stop_signals = server::BlockStopSignals();
  const auto fail = server::StartFailed;
  auto key = ledger::SigningKey::FromFile(options.key);
  if (!key.ok()) return fail(key.status());
  std::vector<ledger::Verifier> logs;
  for (const std::string& text : options.logs) {
    auto log = ledger::Verifier::Parse(text);
    if (!log.ok()) return fail(log.status().WithFieldPrefix("--log "));
    logs.push_back(*std::move(log));
  }
  auto state = WitnessState::Open(options.state);
  if (!state.ok()) return fail(state.status());
  Witness witness(*key, std::move(logs), std::move(state).value());
  auto http = server::HttpServer::Bind(
      options.http,
      {[&witness, &options](const server::HttpRequest& req, server::HttpResponse& res) {
         Route(witness, *options.clock, req, res);
       },
       nullptr,
       [](const server::TransportError& error, server::HttpResponse& res) {
         res.content_type = "text/plain; charset=utf-8";
         res.body = error.detail + "\n";
       }});
  if (!http.ok()) return fail(http.status());
  std::atomic<bool> stopping{false};
  std::thread waiter([&] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    stopping = true;
    (*http)->Stop();
  });
  LogJson({{"level", "info"},
           {"event", "listening"},
           {"address", options.http.host},
           {"port", (*http)->port()},
           {"cosigner", witness.CosignerKey()},
           {"logs", options.logs}});
  if (options.on_listening) options.on_listening((*http)->port());
  (*http)->Run();
  if (!stopping.exchange(true)) {
    pthread_kill(waiter.native_handle(), SIGTERM);  // NOLINT(bugprone-bad-signal-to-kill-thread)
  }
  waiter.join();
  LogJson({{"level", "info"}, {"event", "stopped"}});
  return 0;
}

}  // namespace battrace::witness
