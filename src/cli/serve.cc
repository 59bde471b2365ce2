// `battrace serve`: the HTTP API over a store, embedded or PostgreSQL (src/server/server.h).
#include <iostream>

#include "cli/commands.h"
#include "cli/store_args.h"
#include "core/private_file.h"
#include "server/server.h"
#include "store/open.h"
#include "witness/pusher.h"

namespace battrace::cli {

// "HOST:PORT" (IPv4 or a name) or "[V6]:PORT"; port 0 picks a free one.
Status ParseListen(const std::string& text, server::HttpOptions* http) {
  const size_t colon = text.rfind(':');
  const auto bad = [&] {
    return Status::Invalid("--listen", "serve.listen",
                           "--listen is HOST:PORT, e.g. 127.0.0.1:8080, not '" + text + "'");
  };
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) return bad();
  std::string host = text.substr(0, colon);
  if (host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  int port = 0;
  for (char c : text.substr(colon + 1)) {
    if (c < '0' || c > '9' || port > 65535) return bad();
    port = port * 10 + (c - '0');
  }
  if (port > 65535) return bad();
  http->host = host;
  http->port = port;
  return Status::Ok();
}

namespace {

struct ServeArgs {
  StoreArgs store;
  std::string pg_read;  // a hot standby of --pg, for the routes that may read one
  std::string listen = "127.0.0.1:8080";
  server::ServeOptions options;
  size_t max_body_mib = 16;
  bool quiet = false;
  bool routes = false;
  std::vector<std::string> witnesses;  // URL=COSIGNER_KEY
  int witness_timeout_ms = 3000;
  int64_t session_idle_minutes = 30;
  int64_t session_hours = 12;
};

// --witness: a pusher on a store connection of its own, run on the signer thread after each
// signing tick (witness/pusher.h).
Status SetUpWitnesses(ServeArgs& a) {
  if (a.witnesses.empty()) return Status::Ok();
  std::vector<witness::WitnessTarget> targets;
  for (const std::string& arg : a.witnesses) {
    BATTRACE_ASSIGN_OR_RETURN(target, witness::ParseWitnessArg(arg));
    targets.push_back(std::move(target));
  }
  BATTRACE_ASSIGN_OR_RETURN(store, store::OpenStore(a.options.store, store::OpenOptions{}));
  auto pusher = std::make_shared<witness::Pusher>(std::move(targets),
                                                  std::chrono::milliseconds(a.witness_timeout_ms));
  std::shared_ptr<store::Store> connection = std::move(store);
  a.options.after_signing = [pusher, connection] { pusher->PushLatest(*connection); };
  return Status::Ok();
}

int RunServe(ServeArgs& a) {
  if (a.routes) {
    for (const std::string& r : server::RouteLabels())
      std::cout << r << "\n";
    return 0;
  }
  if (Status st = ParseListen(a.listen, &a.options.http); !st.ok()) return Fail(st);
  // The TLS private key is refused readable by group or others, as the signing key is.
  if (!a.options.http.tls_key.empty()) {
    if (Status st = CheckPrivateFile(a.options.http.tls_key, "the TLS key file"); !st.ok()) {
      return Fail(st);
    }
  }
  auto key = a.store.KeyPath();
  if (!key.ok()) return Fail(key.status());
  a.options.store = a.store.Where();
  a.options.key = *key;
  if (!a.pg_read.empty()) {
    if (!a.options.store.postgres()) {
      return Fail(
          Status::Invalid("--pg-read", "serve.pg_read",
                          "a standby of the --pg database is named with --pg only, not --db"));
    }
    a.options.read_store = store::Location{"", a.pg_read};
  }
  if (Status st = SetUpWitnesses(a); !st.ok()) return Fail(st);
  a.options.http.max_body = a.max_body_mib << 20;
  a.options.access_log = !a.quiet;
  a.options.sessions.idle_seconds = a.session_idle_minutes * 60;
  a.options.sessions.lifetime_seconds = a.session_hours * 3600;
  const std::string scheme = a.options.http.tls_cert.empty() ? "http" : "https";
  const std::string host = a.options.http.host;
  a.options.on_listening = [scheme, host](int port) {
    std::cout << "battrace serving on " << scheme << "://" << host << ":" << port << "/"
              << std::endl;
  };
  return server::Serve(a.options);
}

}  // namespace

void RegisterServe(CLI::App& app, CommandList& commands) {
  auto a = std::make_shared<ServeArgs>();
  auto* cmd = app.add_subcommand("serve", "Serve the JSON API (docs/api.md) over a store");
  a->store.AddTo(cmd, true);
  auto* pg_read =
      cmd->add_option("--pg-read", a->pg_read,
                      "a hot standby of the --pg database (libpq connection string) where the "
                      "routes that may read a standby read; writes, credentials and the reads "
                      "that must see the latest commits stay on --pg")
          ->type_name("CONNINFO");
  cmd->add_option("--listen", a->listen, "HOST:PORT to listen on (port 0: any free port)")
      ->capture_default_str();
  cmd->add_option("--tls-cert", a->options.http.tls_cert, "TLS certificate chain (PEM)");
  cmd->add_option("--tls-key", a->options.http.tls_key, "TLS private key (PEM)");
  cmd->add_option("--threads", a->options.http.threads,
                  "threads running the connections and the requests (a request waiting on the "
                  "store holds one; a connection waiting for bytes holds none)")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  cmd->add_option("--max-connections", a->options.http.max_connections,
                  "connections open at once; beyond, 503 and close (lowered to fit the "
                  "open-file hard limit)")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  cmd->add_option("--max-connections-per-address", a->options.http.max_connections_per_address,
                  "connections open at once from one client address; beyond, 503 and close")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  cmd->add_option("--rate-limit", a->options.rate_per_second,
                  "requests per second per token (per address for the public); 0: no limit")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd->add_option("--rate-burst", a->options.rate_burst, "requests a client may burst")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--address-rate-limit", a->options.address_rate_per_second,
                  "requests per second per client address, any request, checked first; 0: no "
                  "limit")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd->add_option("--address-rate-burst", a->options.address_rate_burst,
                  "requests a client address may burst")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--max-batch", a->options.max_batch, "reports per POST /v1/reports")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  cmd->add_option("--max-downloads", a->options.max_downloads,
                  "CSV downloads of findings or obligations streamed at once (each holds a store "
                  "connection to its end); beyond, 503")
      ->check(CLI::Range(1, 10000))
      ->capture_default_str();
  cmd->add_option("--max-body-mib", a->max_body_mib,
                  "largest request body (Content-Length or chunked), MiB; 413 beyond")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  cmd->add_option("--witness", a->witnesses,
                  "a witness to push each new checkpoint to, as URL=COSIGNER_KEY (repeatable; "
                  "its cosignatures are added to the stored note)")
      ->type_name("URL=KEY");
  cmd->add_option("--witness-timeout-ms", a->witness_timeout_ms,
                  "how long each step of a witness call may take")
      ->check(CLI::Range(100, 60000))
      ->capture_default_str();
  cmd->add_option("--session-idle-minutes", a->session_idle_minutes,
                  "a browser session unused this long ends")
      ->check(CLI::Range(1, 24 * 60))
      ->capture_default_str();
  cmd->add_option("--session-hours", a->session_hours,
                  "a browser session ends this long after sign-in (or when its token expires)")
      ->check(CLI::Range(1, 24 * 30))
      ->capture_default_str();
  cmd->add_option("--max-sessions", a->options.sessions.max_total,
                  "browser sessions live at once; sign-in answers 503 beyond")
      ->check(CLI::Range(1, 10000000))
      ->capture_default_str();
  cmd->add_flag("--quiet", a->quiet, "no access log lines (errors are still logged)");
  auto* routes =
      cmd->add_flag("--routes", a->routes, "print the API's routes (METHOD /pattern) and exit");
  // --routes serves nothing: every serving option beside it is refused, by name. (The store's
  // options stay, so that one command line names the store however it is used.)
  for (CLI::Option* option : cmd->get_options()) {
    if (option != routes && option != pg_read && !option->check_name("--help") &&
        !option->check_name("--db") && !option->check_name("--pg") &&
        !option->check_name("--key")) {
      routes->excludes(option);
    }
  }
  commands.push_back({cmd, [a] { return RunServe(*a); }});
}

}  // namespace battrace::cli
