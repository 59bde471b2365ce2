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

// The weight (q-value, RFC 9110 12.4.2) of a list element's parameters (`params`: what follows
// the element's value, from its first ';'), in thousandths: 1000 without a q parameter, nullopt
// when its value is not a qvalue ("0", "0.5", "1.000": at most three decimals, at most 1).
std::optional<int> Weight(std::string_view params) {
  std::optional<int> weight = 1000;
  bool seen = false;
  ForEachItem(params, ';', [&](std::string_view param) {
    if (seen || param.size() < 2 || !EqualsIgnoreCase(param.substr(0, 2), "q=")) return;
    seen = true;
    const std::string_view q = Trim(param.substr(2));
    weight.reset();
    if (q.empty() || (q[0] != '0' && q[0] != '1')) return;
    int value = (q[0] - '0') * 1000;
    if (q.size() > 1) {
      if (q[1] != '.' || q.size() > 5) return;
      int scale = 100;
      for (const char c : q.substr(2)) {
        if (c < '0' || c > '9') return;
        value += (c - '0') * scale;
        scale /= 10;
      }
    }
    if (value <= 1000) weight = value;
  });
  return weight;
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
    // q=0, q=0.0, q=0.00, q=0.000: not acceptable.
    if (Weight(item.substr(semi)) != 0) gzip = true;
  });
  return gzip;
}

bool PrefersJson(std::string_view accept) {
  // The weight of `type`/`subtype` (lower case), in thousandths, from the most specific range
  // naming it (the first of equally specific ones); 0 when none does.
  const auto weight_of = [accept](std::string_view type, std::string_view subtype) {
    int best_specificity = -1, weight = 0;
    ForEachItem(accept, ',', [&](std::string_view item) {
      const size_t semi = std::min(item.find(';'), item.size());
      const std::string_view range = Trim(item.substr(0, semi));
      const size_t slash = range.find('/');
      if (slash == std::string_view::npos) return;
      const std::string_view t = range.substr(0, slash), s = range.substr(slash + 1);
      int specificity = -1;
      if (EqualsIgnoreCase(t, type) && EqualsIgnoreCase(s, subtype)) {
        specificity = 2;
      } else if (EqualsIgnoreCase(t, type) && s == "*") {
        specificity = 1;
      } else if (t == "*" && s == "*") {
        specificity = 0;
      }
      if (specificity <= best_specificity) return;
      const std::optional<int> w = Weight(item.substr(semi));
      if (!w) return;
      best_specificity = specificity;
      weight = *w;
    });
    return weight;
  };
  const int json = weight_of("application", "json");
  return json > 0 && json > weight_of("text", "html");
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
