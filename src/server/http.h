// The HTTP transport, behind one narrow interface so the rest of the server never sees the
// library (cpp-httplib, tuned as docs/architecture.md explains: an explicit worker pool,
// TCP_NODELAY, a raised keep-alive request limit, read/write timeouts against slow clients,
// a body cap). Every request of every method goes to one handler, the router (server/router.h),
// so unknown paths and wrong methods are answered by battrace's own rules (404, 405).
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"

namespace battrace::server {

struct HttpRequest {
  std::string method;                          // "GET", "POST", ...
  std::string path;                            // without the query string, percent-decoded
  std::map<std::string, std::string> query;    // first value of each parameter
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
  std::string remote_addr;

  // The header's value, or "" when absent.
  const std::string& Header(const std::string& lower_name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

struct HttpOptions {
  std::string host = "127.0.0.1";
  int port = 8080;                // 0: an ephemeral port (see HttpServer::port)
  size_t threads = 32;            // workers; each keep-alive connection holds one while it is open
  std::string tls_cert, tls_key;  // PEM files; both or neither
  size_t max_body = size_t{16} << 20;  // larger bodies get 413 before they are read
  size_t keep_alive_max = 100000;      // requests per connection
  int keep_alive_timeout_s = 5;        // an idle keep-alive connection is closed after this
  int read_timeout_s = 10;             // a client silent this long mid-request is dropped
  int write_timeout_s = 10;
};

// Errors of the transport itself (body too large, unreadable request) are answered by the
// handler given to SetErrorBody: status in, body and content type out.
class HttpServer {
 public:
  using Handler = std::function<void(const HttpRequest&, HttpResponse&)>;
  using ErrorBody = std::function<void(int status, HttpResponse&)>;

  // Binds the listening socket (so a port taken is an error here, not later).
  static Result<std::unique_ptr<HttpServer>> Bind(const HttpOptions& options,
                                                  const Handler& handler,
                                                  const ErrorBody& error_body);
  ~HttpServer();

  int port() const { return port_; }
  // Serves until Stop; returns once the workers have finished the requests in flight.
  void Run();
  // Thread- and signal-handler-safe in effect: stops accepting, lets workers finish.
  void Stop();

 private:
  struct Impl;
  explicit HttpServer(std::unique_ptr<Impl> impl, int port);
  std::unique_ptr<Impl> impl_;
  int port_ = 0;
};

}  // namespace battrace::server
