// The HTTP transport, behind one narrow interface so the rest of the server never sees the
// library (Boost.Beast on Asio, docs/architecture.md "The HTTP transport"). A pool of threads
// runs one event loop: accepting, TLS, reading and parsing heads and bodies, the handlers (which
// may block on the store) and writing responses; a connection costs no thread while it waits
// for bytes, only while its request is being handled.
// Every limit is enforced here, before a byte reaches a handler: a total deadline for the
// request head and one for the body, an idle keep-alive timeout, a write deadline, caps on
// the head's bytes and fields, on the body (declared or chunked), and on connections per
// source address and in total. A request with a body is first shown, head only, to an
// admission callback (authentication), and its body is read only when it is admitted. Every
// request of every method goes to one handler, the router (server/router.h), so unknown paths
// and wrong methods are answered by battrace's own rules (404, 405).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"

namespace battrace::server {

struct HttpRequest {
  std::string method;                        // "GET", "POST", ...
  std::string path;                          // without the query string, percent-decoded
  std::map<std::string, std::string> query;  // first value of each parameter
  std::string query_string;  // the query as it was sent (after '?', not decoded), for redirects
  std::map<std::string, std::string> headers;  // names in lower case; first value of each
  std::string body;
  std::string remote_addr;
  // True when the admission callback has seen this request's head and let it through (a
  // request with a body); the handler need not charge it again to the rate limit.
  bool admitted = false;

  // The header's value, or "" when absent.
  const std::string& Header(const std::string& lower_name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  // When set, the response has no Content-Length: `body` is its first piece and `stream` gives
  // the following ones, sent chunked to an HTTP/1.1 client, as raw bytes to an HTTP/1.0 one (the
  // connection then closes at the end). The transport calls it on the connection's thread (it
  // may block) only once the previous piece is written whole, so one piece at a time is held: it
  // fills `piece` (empty on each call) and returns false with the last one. Each piece is written
  // under the write deadline; a client that takes none in that time is dropped, and `stream` is
  // never called again and released. An exception from `stream` closes the connection without
  // the final chunk: the client sees a download cut short, never a complete one.
  std::function<bool(std::string& piece)> stream;
};

struct HttpOptions {
  std::string host = "127.0.0.1";
  int port = 8080;                           // 0: an ephemeral port (see HttpServer::port)
  size_t threads = 32;                       // run the event loop and the handlers
  std::string tls_cert, tls_key;             // PEM files; both or neither
  size_t max_body = size_t{16} << 20;        // 413 on a larger Content-Length, or as chunks arrive
  size_t max_head_bytes = size_t{16} << 10;  // request line and header fields; 431 beyond
  size_t max_header_fields = 100;            // 431 beyond
  size_t max_connections = 10000;            // open at once; 503 beyond
  size_t max_connections_per_address = 64;   // open at once from one source address; 503 beyond
  size_t keep_alive_max = 100000;            // requests per connection
  int head_timeout_s = 10;       // the whole head (and TLS handshake), from its first byte; 408
  int body_timeout_s = 60;       // the whole body, from the end of the head; 408
  int keep_alive_timeout_s = 5;  // a connection with no request begun is closed after this
  int write_timeout_s = 10;      // a response not taken by the client in this time is dropped
};

// A request the transport refused itself (400, 408, 413, 431, 503): its status, what was
// wrong in words (e.g. "the request head is over 16384 bytes"), and the client's address.
struct TransportError {
  int status = 400;
  std::string detail;
  std::string remote_addr;
};

class HttpServer {
 public:
  // Runs on a worker; fills the response.
  using Handler = std::function<void(const HttpRequest&, HttpResponse&)>;
  // Runs on a worker with the head of a request that has a body (`body` empty), before the
  // body is read. Returns true when it wrote a response: that response is sent with
  // `Connection: close` and the body is never read. False lets the body be read; the request
  // then goes to the Handler with `admitted` set.
  using Admission = std::function<bool(const HttpRequest& head, HttpResponse&)>;
  // Runs on an I/O thread for each refusal of the transport's own; fills the body and content
  // type (the status and any Retry-After are set by the transport). Must not block.
  using ErrorBody = std::function<void(const TransportError&, HttpResponse&)>;

  struct Callbacks {
    Handler handle;
    Admission admit;  // may be empty: every request with a body is admitted
    ErrorBody error_body;
  };

  // Binds the listening socket (so a port taken is an error here, not later), loads the TLS
  // certificate and key when given (InvalidArgument "serve.tls" when they cannot be used), and
  // raises the process's open-file soft limit toward what max_connections needs; when the
  // hard limit is lower, max_connections is lowered to fit (see max_connections()).
  static Result<std::unique_ptr<HttpServer>> Bind(const HttpOptions& options, Callbacks callbacks);
  ~HttpServer();

  int port() const { return port_; }
  // The cap on open connections in effect: the option, or less when the open-file limit
  // could not be raised far enough.
  size_t max_connections() const;
  // The open-file soft limit the process runs with (RLIMIT_NOFILE), as set by Bind.
  uint64_t open_files_limit() const;

  // Serves until Stop; returns once the requests in flight have been answered.
  void Run();
  // Callable from any thread: stops accepting, closes connections waiting for a request, lets
  // the requests in flight finish (their responses carry `Connection: close`).
  void Stop();

  struct Impl;  // the transport's state (http.cc)

 private:
  explicit HttpServer(std::shared_ptr<Impl> impl, int port);
  std::shared_ptr<Impl> impl_;
  int port_ = 0;
};

}  // namespace battrace::server
