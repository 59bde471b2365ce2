// The HTTP/1.1 client with which `battrace serve` calls its witnesses (Boost.Beast over Asio):
// one request per connection, every step (resolve, connect, write, read) bounded by a
// deadline, so a witness that is down or stalls costs at most that long.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "core/status.h"

namespace battrace::witness {

// A witness's submission prefix: "http://HOST[:PORT][/PATH]" (plain HTTP: what a witness says
// is signed, so the channel need not be trusted; port 80 by default).
struct WitnessUrl {
  std::string host, port, prefix;  // prefix: "" or "/path" without a trailing slash

  // Parses the URL strictly; InvalidArgument (rule "witness.url") names what is wrong.
  static Result<WitnessUrl> Parse(std::string_view text);
  std::string ToString() const;
};

struct HttpReply {
  int status = 0;
  std::string content_type;
  std::string body;
};

// POSTs `body` (text/plain) to url.prefix + path and returns the answer, whatever its status.
// IOError when the witness cannot be reached or answers nothing readable within `timeout`
// (per step); answers over 64 KiB are refused.
Result<HttpReply> Post(const WitnessUrl& url, const std::string& path, std::string_view body,
                       std::chrono::milliseconds timeout);

}  // namespace battrace::witness
