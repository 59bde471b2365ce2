// The witness client: Beast's tcp_stream, whose deadlines bound each asynchronous step, driven
// to completion on a private io_context, so the caller sees a plain blocking call.
#include "witness/client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

namespace battrace::witness {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

constexpr size_t kMaxAnswer = 64 * 1024;

Status UrlError(std::string_view text, const std::string& why) {
  return Status::Invalid(
      "--witness", "witness.url",
      "witness URL '" + std::string(text) + "': " + why + " (expected http://HOST[:PORT][/PATH])");
}

// Runs the operations queued on `ioc` to completion.
void RunAll(asio::io_context& ioc) {
  ioc.restart();
  ioc.run();
}

}  // namespace

Result<WitnessUrl> WitnessUrl::Parse(std::string_view text) {
  constexpr std::string_view kScheme = "http://";
  if (!text.starts_with(kScheme)) return UrlError(text, "only http:// is spoken");
  std::string_view rest = text.substr(kScheme.size());
  const size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  WitnessUrl url;
  if (slash != std::string_view::npos) url.prefix = std::string(rest.substr(slash));
  while (!url.prefix.empty() && url.prefix.back() == '/')
    url.prefix.pop_back();
  for (char c : url.prefix) {
    if (c <= ' ' || c == '?' || c == '#' || static_cast<unsigned char>(c) >= 0x7f) {
      return UrlError(text, "the path has a character a URL path cannot hold");
    }
  }
  std::string_view host = authority, port = "80";
  if (authority.starts_with('[')) {  // [IPv6]:port
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return UrlError(text, "unclosed '['");
    host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (!after.starts_with(':')) return UrlError(text, "junk after ']'");
      port = after.substr(1);
    }
  } else if (const size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty()) return UrlError(text, "no host");
  if (host.find_first_of("@ ") != std::string_view::npos) return UrlError(text, "bad host");
  int value = 0;
  for (char c : port) {
    if (c < '0' || c > '9' || value > 65535) return UrlError(text, "the port is not a number");
    value = value * 10 + (c - '0');
  }
  if (port.empty() || value == 0 || value > 65535) return UrlError(text, "port out of range");
  url.host = std::string(host);
  url.port = std::string(port);
  return url;
}

std::string WitnessUrl::ToString() const {
  const bool v6 = host.find(':') != std::string::npos;
  return "http://" + (v6 ? "[" + host + "]" : host) + ":" + port + prefix;
}

Result<HttpReply> Post(const WitnessUrl& url, const std::string& path, std::string_view body,
                       std::chrono::milliseconds timeout) {
  asio::io_context ioc;
  beast::error_code ec;
  const auto failed = [&](const char* step) {
    return Status::IOError("witness " + url.ToString() + ": " + step + ": " + ec.message());
  };

  tcp::resolver resolver(ioc);
  tcp::resolver::results_type endpoints;
  resolver.async_resolve(url.host, url.port,
                         [&](beast::error_code e, tcp::resolver::results_type r) {
                           ec = e;
                           endpoints = std::move(r);
                         });
  ioc.run_for(timeout);
  if (!ioc.stopped()) {  // the resolver is still at it: give up
    resolver.cancel();
    RunAll(ioc);
    ec = asio::error::timed_out;
  }
  if (ec) return failed("resolve");

  beast::tcp_stream stream(ioc);
  stream.expires_after(timeout);
  stream.async_connect(endpoints, [&](beast::error_code e, const tcp::endpoint&) { ec = e; });
  RunAll(ioc);
  if (ec) return failed("connect");

  http::request<http::string_body> req{http::verb::post, url.prefix + path, 11};
  req.set(http::field::host, url.host);
  req.set(http::field::user_agent, "battrace");
  req.set(http::field::content_type, "text/plain; charset=utf-8");
  req.body() = std::string(body);
  req.prepare_payload();
  stream.expires_after(timeout);
  http::async_write(stream, req, [&](beast::error_code e, size_t) { ec = e; });
  RunAll(ioc);
  if (ec) return failed("write");

  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(kMaxAnswer);
  parser.header_limit(16 * 1024);
  stream.expires_after(timeout);
  http::async_read(stream, buffer, parser, [&](beast::error_code e, size_t) { ec = e; });
  RunAll(ioc);
  if (ec) return failed("read");

  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  HttpReply reply;
  const auto& res = parser.get();
  reply.status = static_cast<int>(res.result_int());
  reply.content_type = std::string(res[http::field::content_type]);
  reply.body = res.body();
  return reply;
}

}  // namespace battrace::witness
