// The request head as the transport judges it (server/http.cc), apart from the I/O so that it
// can be fuzzed (tests/fuzz/http_head_fuzz.cc): the parser's caps, what a parse error means for
// the client, the checks Beast's parser leaves to the server (header field count, a repeated
// Content-Length), and the conversion into an HttpRequest (path and query percent-decoded,
// header names in lower case). Included by http.cc and the fuzz target only: the rest of the
// server never sees Beast.
#pragma once

#include <boost/beast/http.hpp>
#include <boost/system/error_code.hpp>
#include <optional>
#include <string>
#include <variant>

#include "server/http.h"

namespace battrace::server {

using RequestParser = boost::beast::http::request_parser<boost::beast::http::string_body>;

// Sets the head's cap of `options` on a fresh parser. Its body is not capped yet, so that a
// request is admitted or refused (401) on its head whatever length it declares; LimitBody caps
// it once it is admitted.
void LimitParser(RequestParser& parser, const HttpOptions& options);

// Caps the body of an admitted request: 413 (ParseRefusal) when the chunks decoded pass
// max_body; a declared Content-Length over it is refused by LimitBody itself (the refusal
// returned), before any byte of the body is read.
std::optional<TransportError> LimitBody(RequestParser& parser, const HttpOptions& options,
                                        const std::string& remote_addr);

// The refusal a parse error of the head (`in_body` false) or of the body stands for: 431 over
// the head cap, 413 over the body cap, 400 otherwise, each with the reason in words.
TransportError ParseRefusal(const boost::system::error_code& ec, const HttpOptions& options,
                            bool in_body, const std::string& remote_addr);

// The request of a parsed head, or its refusal: 431 for more than max_header_fields fields, 400
// for Content-Length repeated (even with equal values) or listing several values. Query
// parameters and headers keep their first value; the body is empty.
std::variant<HttpRequest, TransportError> AcceptHead(
    const boost::beast::http::request<boost::beast::http::string_body>& head,
    const HttpOptions& options, const std::string& remote_addr);

}  // namespace battrace::server
