#include "server/web.h"

#include <array>
#include <nlohmann/json.hpp>

#include "ledger/hash.h"
#include "passport/markup.h"

namespace battrace::server {
namespace {

constexpr std::string_view kCsp =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'";

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

// Calls f on each element of a comma- (or, for cookies, semicolon-) separated list, trimmed.
template <typename F>
void ForEachItem(std::string_view list, char separator, F f) {
  while (!list.empty()) {
    const size_t end = std::min(list.find(separator), list.size());
    f(Trim(list.substr(0, end)));
    list.remove_prefix(std::min(end + 1, list.size()));
  }
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

std::optional<Lang> LangOf(std::string_view tag) {
  if (EqualsIgnoreCase(tag, "en")) return Lang::kEn;
  if (EqualsIgnoreCase(tag, "zh-CN")) return Lang::kZhCn;
  return std::nullopt;
}

// The gzip representation's entity tag: the body's with "-gz" inside the quotes, since a strong
// tag names one representation.
std::string GzipEtag(std::string_view etag) {
  std::string out(etag.substr(0, etag.size() - 1));
  return out + "-gz\"";
}

// The shell of `lang`, built once from the compiled-in catalog (common.site, common.noscript).
std::string BuildShell(Lang lang) {
  const Asset* catalog = FindAsset(lang == Lang::kZhCn ? "i18n/zh-CN.json" : "i18n/en.json");
  nlohmann::json common;
  if (catalog)
    common = nlohmann::json::parse(catalog->body, nullptr, false)
                 .value("common", nlohmann::json::object());
  const std::string site = common.value("site", "battrace");
  const std::string noscript = common.value("noscript", "");
  std::string html = "<!doctype html>\n<html lang=\"" + std::string(LangTag(lang)) +
                     "\">\n<head>\n<meta charset=\"utf-8\">\n"
                     "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                     "<title>" +
                     passport::EscapeMarkup(site) +
                     "</title>\n"
                     "<link rel=\"icon\" href=\"/assets/img/favicon.svg\" type=\"image/svg+xml\">\n"
                     "<link rel=\"stylesheet\" href=\"/assets/css/app.css\">\n";
  for (const Asset& a : AllAssets()) {
    if (a.path.starts_with("css/") && a.path.ends_with(".css") && a.path != "css/app.css") {
      html += "<link rel=\"stylesheet\" href=\"/assets/" + std::string(a.path) + "\">\n";
    }
  }
  html +=
      "<script type=\"module\" src=\"/assets/js/main.mjs\"></script>\n</head>\n<body>\n"
      "<noscript><p class=\"noscript\">" +
      passport::EscapeMarkup(noscript) +
      "</p></noscript>\n<div id=\"app\"></div>\n</body>\n</html>\n";
  return html;
}

}  // namespace

void AddPageHeaders(HttpResponse& res) {
  res.headers.emplace_back("Content-Security-Policy", std::string(kCsp));
  res.headers.emplace_back("X-Content-Type-Options", "nosniff");
  res.headers.emplace_back("Referrer-Policy", "same-origin");
}

std::optional<std::string> CookieValue(std::string_view cookie_header, std::string_view name) {
  std::optional<std::string> found;
  ForEachItem(cookie_header, ';', [&](std::string_view pair) {
    const size_t eq = pair.find('=');
    if (found || eq == std::string_view::npos || Trim(pair.substr(0, eq)) != name) return;
    std::string_view value = Trim(pair.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    found = std::string(value);
  });
  return found;
}

bool EtagMatches(std::string_view if_none_match, std::string_view etag) {
  bool match = false;
  ForEachItem(if_none_match, ',', [&](std::string_view tag) {
    if (tag == "*") match = true;
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    if (tag == etag) match = true;
  });
  return match;
}

bool AcceptsGzip(std::string_view accept_encoding) {
  bool gzip = false;
  ForEachItem(accept_encoding, ',', [&](std::string_view item) {
    const size_t semi = std::min(item.find(';'), item.size());
    const std::string_view coding = Trim(item.substr(0, semi));
    if (!EqualsIgnoreCase(coding, "gzip") && coding != "*") return;
    bool refused = false;
    ForEachItem(item.substr(std::min(semi + 1, item.size())), ';', [&](std::string_view param) {
      // q=0, q=0.0, q=0.00, q=0.000: not acceptable.
      if (param.size() < 3 || !EqualsIgnoreCase(param.substr(0, 2), "q=")) return;
      refused =
          param.substr(2).find_first_not_of("0.") == std::string_view::npos && param[2] == '0';
    });
    if (!refused) gzip = true;
  });
  return gzip;
}

Lang PageLang(const HttpRequest& req) {
  if (auto it = req.query.find("lang"); it != req.query.end()) {
    if (auto lang = LangOf(it->second)) return *lang;
  }
  if (auto cookie = CookieValue(req.Header("cookie"), kLangCookie)) {
    if (auto lang = LangOf(*cookie)) return *lang;
  }
  const std::string& accept = req.Header("accept-language");
  // NegotiateLang falls back to en when nothing listed is spoken, and pages fall back to zh-CN:
  // a zh-CN range of the least weight, added, decides between the two.
  if (!accept.empty() && NegotiateLang(accept) == Lang::kEn &&
      NegotiateLang(std::string(accept) + ", zh-CN;q=0.001") == Lang::kEn) {
    return Lang::kEn;
  }
  return Lang::kZhCn;
}

void ServeAsset(const HttpRequest& req, HttpResponse& res, const Asset& asset) {
  AddPageHeaders(res);
  res.headers.emplace_back("Cache-Control", "no-cache");
  const bool gzip = !asset.gzip.empty();
  if (gzip) res.headers.emplace_back("Vary", "Accept-Encoding");
  const bool send_gzip = gzip && AcceptsGzip(req.Header("accept-encoding"));
  const std::string etag = send_gzip ? GzipEtag(asset.etag) : std::string(asset.etag);
  res.headers.emplace_back("ETag", etag);
  res.content_type = std::string(asset.content_type);
  const std::string& inm = req.Header("if-none-match");
  if (!inm.empty() &&
      (EtagMatches(inm, asset.etag) || (gzip && EtagMatches(inm, GzipEtag(asset.etag))))) {
    res.status = 304;
    res.body.clear();
    return;
  }
  res.status = 200;
  if (send_gzip) {
    res.headers.emplace_back("Content-Encoding", "gzip");
    res.body.assign(asset.gzip);
  } else {
    res.body.assign(asset.body);
  }
}

void ServePageShell(const HttpRequest& req, HttpResponse& res, Lang lang) {
  static const std::array<std::string, 2> kShells = {BuildShell(Lang::kEn),
                                                     BuildShell(Lang::kZhCn)};
  static const std::array<std::string, 2> kEtags = [] {
    std::array<std::string, 2> out;
    for (size_t i = 0; i < 2; ++i)
      out[i] = "\"" + ledger::HashToHex(ledger::Sha256({kShells[i]})).substr(0, 32) + "\"";
    return out;
  }();
  const size_t i = lang == Lang::kZhCn ? 1 : 0;
  const Asset shell{"", "text/html; charset=utf-8", kShells[i], "", kEtags[i]};
  ServeAsset(req, res, shell);
  res.headers.emplace_back("Vary", "Accept-Language, Cookie");
  res.headers.emplace_back("Content-Language", std::string(LangTag(lang)));
}

}  // namespace battrace::server
