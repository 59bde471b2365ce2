// The web pages of `battrace serve` (docs/architecture.md, "The pages"): one HTML shell for
// every page path, the compiled-in assets (server/assets.h) with their ETags and gzip, and the
// headers every page and asset carries (a strict Content-Security-Policy). The pages themselves
// are ES modules (web/static/js) that read the JSON API.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/lang.h"
#include "server/assets.h"
#include "server/http.h"

namespace battrace::server {

// The cookie that keeps a visitor's language choice ("en" or "zh-CN"), set by the pages'
// language switch.
inline constexpr std::string_view kLangCookie = "battrace_lang";

// Adds Content-Security-Policy, X-Content-Type-Options and Referrer-Policy to `res`.
void AddPageHeaders(HttpResponse& res);

// The value of the cookie `name` in a Cookie header ("a=1; b=2"), or nullopt. A value in
// double quotes is given without them; no percent-decoding.
std::optional<std::string> CookieValue(std::string_view cookie_header, std::string_view name);

// Whether an If-None-Match header ("*", or a list of entity tags, weak or strong) matches the
// entity tag `etag` (quoted) by the weak comparison of RFC 9110, 13.1.2.
bool EtagMatches(std::string_view if_none_match, std::string_view etag);

// Whether an Accept-Encoding header accepts gzip (listed, or "*", with a q-value above 0).
bool AcceptsGzip(std::string_view accept_encoding);

// Whether an Accept header asks for JSON rather than HTML (RFC 9110, 12.5.1): the weight of
// application/json, taken from the most specific range that matches it (application/json,
// application/*, */*; parameters other than q are not looked at), is above 0 and above the
// weight of text/html taken alike. So a browser's header (text/html first, */* at a lower
// weight) gets HTML, and so do an empty header, a tie and a range with a malformed weight
// (which is passed over).
bool PrefersJson(std::string_view accept);

// The language of a page: the `lang` query parameter ("en", "zh-CN"), else the battrace_lang
// cookie, else the Accept-Language header when it names a language battrace speaks, else
// zh-CN. An unknown value of the parameter or the cookie is passed over.
Lang PageLang(const HttpRequest& req);

// Answers `asset` for `req` (200 or 304): ETag, Cache-Control: no-cache, Vary:
// Accept-Encoding, the gzip when the request accepts it, and the page headers. For HEAD the
// caller drops the body.
void ServeAsset(const HttpRequest& req, HttpResponse& res, const Asset& asset);

// Answers the HTML shell of every page in `lang`: the stylesheets (every css/*.css asset,
// app.css first), the main module, and a <noscript> sentence.
void ServePageShell(const HttpRequest& req, HttpResponse& res, Lang lang);

}  // namespace battrace::server
