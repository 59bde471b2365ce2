// Fuzz target for the request head as the transport judges it (src/server/http_head.h): the
// bytes go through Beast's request parser under small caps (as `serve` sets them, scaled down),
// then through AcceptHead and LimitBody. Checked: a parse error becomes a refusal of 400, 413 or
// 431 with a reason; an accepted head has at most the cap of header fields, names in lower
// case, and a body not read (the parser stops at the head); LimitBody refuses (413) exactly the
// declared lengths over the cap.
#include <boost/asio/buffer.hpp>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <variant>

#include "server/http_head.h"

namespace {

void Require(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "http_head_fuzz: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using battrace::server::TransportError;
  battrace::server::HttpOptions options;
  options.max_head_bytes = 2048;
  options.max_header_fields = 16;
  options.max_body = 64;
  battrace::server::RequestParser parser;
  battrace::server::LimitParser(parser, options);
  parser.eager(false);
  boost::system::error_code ec;
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  while (!rest.empty() && !parser.is_header_done()) {
    const size_t used = parser.put(boost::asio::buffer(rest.data(), rest.size()), ec);
    if (ec == boost::beast::http::error::need_more) {
      ec = {};
      break;
    }
    if (ec) break;
    if (used == 0) break;
    rest.remove_prefix(used);
  }
  if (ec) {
    const TransportError e = battrace::server::ParseRefusal(ec, options, false, "192.0.2.1");
    Require(e.status == 400 || e.status == 413 || e.status == 431, "unexpected refusal status");
    Require(!e.detail.empty() && e.remote_addr == "192.0.2.1", "a refusal without its reason");
    return 0;
  }
  if (!parser.is_header_done()) return 0;
  const auto accepted = battrace::server::AcceptHead(parser.get(), options, "192.0.2.1");
  if (const auto* e = std::get_if<TransportError>(&accepted)) {
    Require(e->status == 400 || e->status == 431, "unexpected refusal status of a parsed head");
    return 0;
  }
  const auto& req = std::get<battrace::server::HttpRequest>(accepted);
  Require(req.headers.size() <= options.max_header_fields, "more header fields than the cap");
  for (const auto& [name, value] : req.headers) {
    for (char c : name)
      Require(!(c >= 'A' && c <= 'Z'), "a header name not in lower case");
  }
  const std::string_view target = parser.get().target();
  const size_t q = target.find('?');
  Require(req.query_string == (q == std::string_view::npos ? "" : target.substr(q + 1)),
          "the query string is not the target's");
  Require(req.body.empty(), "a body read with the head");
  Require(!req.method.empty(), "no method");
  const auto declared = parser.content_length();
  const auto over = battrace::server::LimitBody(parser, options, "192.0.2.1");
  Require(over.has_value() == (declared && *declared > options.max_body),
          "a declared length refused or let through against the cap");
  Require(!over || over->status == 413, "a declared length over the cap not answered 413");
  return 0;
}
