#include "server/http.h"

#include <httplib.h>

#include <algorithm>
#include <cctype>

namespace battrace::server {

const std::string& HttpRequest::Header(const std::string& lower_name) const {
  static const std::string kEmpty;
  auto it = headers.find(lower_name);
  return it == headers.end() ? kEmpty : it->second;
}

struct HttpServer::Impl {
  std::unique_ptr<httplib::Server> http;
};

namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

HttpRequest Convert(const httplib::Request& in) {
  HttpRequest out;
  out.method = in.method;
  out.path = in.path;
  for (const auto& [k, v] : in.params)
    out.query.emplace(k, v);  // emplace keeps the first value
  for (const auto& [k, v] : in.headers)
    out.headers.emplace(Lower(k), v);
  out.body = in.body;
  out.remote_addr = in.remote_addr;
  return out;
}

void Write(const HttpResponse& in, httplib::Response& out) {
  out.status = in.status;
  for (const auto& [k, v] : in.headers)
    out.set_header(k, v);
  out.set_content(in.body, in.content_type);
}

}  // namespace

Result<std::unique_ptr<HttpServer>> HttpServer::Bind(const HttpOptions& options,
                                                     const Handler& handler,
                                                     const ErrorBody& error_body) {
  auto impl = std::make_unique<Impl>();
  if (options.tls_cert.empty() != options.tls_key.empty()) {
    return Status::Invalid("--tls-key", "serve.tls", "--tls-cert and --tls-key go together");
  }
  if (!options.tls_cert.empty()) {
    auto tls =
        std::make_unique<httplib::SSLServer>(options.tls_cert.c_str(), options.tls_key.c_str());
    if (!tls->is_valid()) {
      return Status::Invalid("--tls-cert", "serve.tls",
                             "the TLS certificate or key cannot be loaded (PEM files, a "
                             "matching pair)");
    }
    impl->http = std::move(tls);
  } else {
    impl->http = std::make_unique<httplib::Server>();
  }
  httplib::Server& http = *impl->http;
  const size_t threads = std::max<size_t>(options.threads, 1);
  http.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  http.set_tcp_nodelay(true);
  http.set_keep_alive_max_count(options.keep_alive_max);
  http.set_keep_alive_timeout(options.keep_alive_timeout_s);
  http.set_read_timeout(options.read_timeout_s, 0);
  http.set_write_timeout(options.write_timeout_s, 0);
  http.set_payload_max_length(options.max_body);

  auto route = [handler](const httplib::Request& req, httplib::Response& res) {
    HttpResponse out;
    handler(Convert(req), out);
    Write(out, res);
  };
  http.Get(".*", route);  // GET and HEAD
  http.Post(".*", route);
  http.Put(".*", route);
  http.Patch(".*", route);
  http.Delete(".*", route);
  http.Options(".*", route);
  // Called for every response of status >= 400: fill in only what the transport produced
  // itself (no body yet), e.g. 413 for a body over the cap, 400 for an unparsable request.
  http.set_error_handler(httplib::Server::HandlerWithResponse(
      [error_body](const httplib::Request&, httplib::Response& res) {
        if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        HttpResponse out;
        out.status = res.status;
        error_body(res.status, out);
        Write(out, res);
        return httplib::Server::HandlerResponse::Handled;
      }));
  http.set_exception_handler(
      [error_body](const httplib::Request&, httplib::Response& res, const std::exception_ptr&) {
        HttpResponse out;
        out.status = 500;
        error_body(500, out);
        Write(out, res);
      });

  int port = options.port;
  if (port == 0) {
    port = http.bind_to_any_port(options.host);
    if (port < 0) return Status::IOError("cannot listen on " + options.host + ": no free port");
  } else if (!http.bind_to_port(options.host, port)) {
    return Status::IOError("cannot listen on " + options.host + ":" + std::to_string(port) +
                           " (address in use, or not a local address)");
  }
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl), port));
}

HttpServer::HttpServer(std::unique_ptr<Impl> impl, int port)
    : impl_(std::move(impl)), port_(port) {}

HttpServer::~HttpServer() {
  Stop();
}

void HttpServer::Run() {
  impl_->http->listen_after_bind();
}

void HttpServer::Stop() {
  if (impl_->http->is_running()) impl_->http->stop();
}

}  // namespace battrace::server
