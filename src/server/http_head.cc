// The request head as the transport judges it (server/http_head.h).
#include "server/http_head.h"

#include <algorithm>
#include <cctype>
#include <string_view>

#include "core/percent.h"

namespace battrace::server {

namespace bhttp = boost::beast::http;

namespace {

TransportError Refusal(const boost::system::error_code& ec, const HttpOptions& o, bool in_body);

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// The request's method, path, query and headers (first value of each) from a parsed head.
HttpRequest HeadOf(const bhttp::request<bhttp::string_body>& in, const std::string& remote) {
  HttpRequest out;
  out.method = std::string(in.method_string());
  const std::string_view target = in.target();
  const size_t q = target.find('?');
  out.path = PercentDecodeLenient(target.substr(0, q));
  if (q != std::string_view::npos) {
    std::string_view rest = target.substr(q + 1);
    out.query_string = std::string(rest);
    while (!rest.empty()) {
      const size_t amp = rest.find('&');
      const std::string_view pair = rest.substr(0, amp);
      rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
      if (pair.empty()) continue;
      const size_t eq = pair.find('=');
      out.query.emplace(
          PercentDecodeLenient(pair.substr(0, eq), true),
          eq == std::string_view::npos ? "" : PercentDecodeLenient(pair.substr(eq + 1), true));
    }
  }
  for (const auto& f : in)
    out.headers.emplace(Lower(std::string(f.name_string())), std::string(f.value()));
  out.remote_addr = remote;
  return out;
}

}  // namespace

void LimitParser(RequestParser& parser, const HttpOptions& options) {
  parser.header_limit(static_cast<uint32_t>(options.max_head_bytes));
  parser.body_limit(boost::none);
}

// GCC 12 at -O1 with the sanitizers takes the empty boost::optional that content_length()
// returns for a head without a length for a read of uninitialized storage (a false positive
// inside Boost's header, which -Werror would make fatal in the sanitized build).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
std::optional<TransportError> LimitBody(RequestParser& parser, const HttpOptions& options,
                                        const std::string& remote_addr) {
  if (const auto declared = parser.content_length(); declared && *declared > options.max_body) {
    return ParseRefusal(bhttp::error::body_limit, options, false, remote_addr);
  }
  parser.body_limit(options.max_body);
  return std::nullopt;
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

TransportError ParseRefusal(const boost::system::error_code& ec, const HttpOptions& o, bool in_body,
                            const std::string& remote_addr) {
  TransportError e = Refusal(ec, o, in_body);
  e.remote_addr = remote_addr;
  return e;
}

std::variant<HttpRequest, TransportError> AcceptHead(const bhttp::request<bhttp::string_body>& head,
                                                     const HttpOptions& o,
                                                     const std::string& remote_addr) {
  // One Content-Length, one value: a repeated one, even with equal values, is how requests
  // are smuggled past a proxy that reads the other.
  const auto length = head.find(bhttp::field::content_length);
  if (length != head.end() && (head.count(bhttp::field::content_length) > 1 ||
                               length->value().find(',') != std::string_view::npos)) {
    return TransportError{400, "Content-Length is given more than once", remote_addr};
  }
  if (static_cast<size_t>(std::distance(head.begin(), head.end())) > o.max_header_fields) {
    return TransportError{
        431,
        "the request head has more than " + std::to_string(o.max_header_fields) + " header fields",
        remote_addr};
  }
  return HeadOf(head, remote_addr);
}

namespace {

// What a parse error of the head or body means for the client: status and words.
TransportError Refusal(const boost::system::error_code& ec, const HttpOptions& o, bool in_body) {
  if (ec == bhttp::error::header_limit) {
    return {431, "the request head is over " + std::to_string(o.max_head_bytes) + " bytes", {}};
  }
  if (ec == bhttp::error::body_limit) {
    return {
        413, "the request body is over the limit of " + std::to_string(o.max_body) + " bytes", {}};
  }
  if (ec == bhttp::error::multiple_content_length) {
    return {400, "Content-Length is given more than once with different values", {}};
  }
  if (ec == bhttp::error::bad_content_length) {
    return {400, "Content-Length is not a number, or comes with Transfer-Encoding: chunked", {}};
  }
  if (ec == bhttp::error::bad_transfer_encoding) {
    return {400, "Transfer-Encoding is repeated, or comes with Content-Length", {}};
  }
  return {400,
          std::string(in_body ? "the request body" : "the request head") +
              " cannot be parsed: " + ec.message(),
          {}};
}

}  // namespace

}  // namespace battrace::server
