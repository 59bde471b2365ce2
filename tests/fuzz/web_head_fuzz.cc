// Fuzz target for the pages' header parsers (src/server/web.h): CookieValue, EtagMatches,
// AcceptsGzip, PrefersJson and PageLang over arbitrary header text. Checked: no crash; a cookie
// found is a substring of the header; "*" and the tag itself always match; an Accept header
// that names text/html first at full weight never prefers JSON; PageLang is one of the two
// languages and the lang parameter, when it names one, always wins.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "server/web.h"

namespace {

void Require(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "web_head_fuzz: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace battrace;
  using namespace battrace::server;
  const std::string text(reinterpret_cast<const char*>(data), size);
  // The first line names a cookie (or is an entity tag); the rest is the header.
  const size_t nl = text.find('\n');
  const std::string first = text.substr(0, nl);
  const std::string rest = nl == std::string::npos ? "" : text.substr(nl + 1);

  if (auto value = CookieValue(rest, first)) {
    Require(rest.find(*value) != std::string::npos, "a cookie value not in the header");
  }
  Require(EtagMatches("*", first), "* does not match");
  if (!first.empty() && first.find(',') == std::string::npos && !first.starts_with("W/") &&
      first.front() != ' ' && first.back() != ' ' && first.front() != '\t' &&
      first.back() != '\t') {
    Require(EtagMatches(first, first), "a tag does not match itself");
  }
  EtagMatches(rest, first);
  AcceptsGzip(text);
  PrefersJson(text);
  Require(!PrefersJson("text/html, " + rest), "JSON preferred over text/html at full weight");

  HttpRequest req;
  req.headers["cookie"] = rest;
  req.headers["accept-language"] = first;
  const Lang lang = PageLang(req);
  Require(lang == Lang::kEn || lang == Lang::kZhCn, "no language");
  req.query["lang"] = "en";
  Require(PageLang(req) == Lang::kEn, "the parameter does not win");
  return 0;
}
