// The pages' server side (server/web.h, server/assets.h): the header parsers, the page
// language, the compiled-in assets and how they are answered.
#include "server/web.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "server/assets.h"
#include "server/router.h"

namespace battrace::server {
namespace {

std::string HeaderOf(const HttpResponse& res, const std::string& name) {
  for (const auto& [n, v] : res.headers)
    if (n == name) return v;
  return "";
}

TEST(Router, ACatchAllTakesTheRestOfThePath) {
  Router r;
  const size_t asset = r.Add("GET", "/assets/{path...}");
  const size_t app = r.Add("GET", "/app/{page...}");
  auto m = r.Find("GET", "/assets/js/pages/home.mjs");
  ASSERT_TRUE(m.route);
  EXPECT_EQ(*m.route, asset);
  EXPECT_EQ(m.params.at("path"), "js/pages/home.mjs");
  m = r.Find("GET", "/assets/app.css");
  ASSERT_TRUE(m.route);
  EXPECT_EQ(m.params.at("path"), "app.css");
  m = r.Find("GET", "/app/battery/ABC/");  // the trailing slash stays
  ASSERT_TRUE(m.route);
  EXPECT_EQ(*m.route, app);
  EXPECT_EQ(m.params.at("page"), "battery/ABC/");
  // At least one non-empty segment.
  for (const char* path : {"/assets", "/assets/", "/app/", "/app"})
    EXPECT_FALSE(r.Find("GET", path).route) << path;
  m = r.Find("POST", "/assets/x.js");
  EXPECT_FALSE(m.route);
  EXPECT_EQ(m.allowed, std::vector<std::string>{"GET"});
}

TEST(Web, CookieValueFindsTheNamedCookie) {
  EXPECT_EQ(CookieValue("battrace_lang=en", "battrace_lang"), "en");
  EXPECT_EQ(CookieValue("a=1; battrace_lang=zh-CN; b=2", "battrace_lang"), "zh-CN");
  EXPECT_EQ(CookieValue("a=1;battrace_lang=\"en\"", "battrace_lang"), "en");
  EXPECT_EQ(CookieValue("x_battrace_lang=en", "battrace_lang"), std::nullopt);
  EXPECT_EQ(CookieValue("battrace_lang", "battrace_lang"), std::nullopt);
  EXPECT_EQ(CookieValue("", "battrace_lang"), std::nullopt);
  EXPECT_EQ(CookieValue("battrace_lang=; a=1", "battrace_lang"), "");
  // The first of two wins.
  EXPECT_EQ(CookieValue("battrace_lang=en; battrace_lang=zh-CN", "battrace_lang"), "en");
}

TEST(Web, EtagMatchesByWeakComparison) {
  EXPECT_TRUE(EtagMatches("\"abc\"", "\"abc\""));
  EXPECT_TRUE(EtagMatches("W/\"abc\"", "\"abc\""));
  EXPECT_TRUE(EtagMatches("\"x\", \"abc\"", "\"abc\""));
  EXPECT_TRUE(EtagMatches("*", "\"abc\""));
  EXPECT_FALSE(EtagMatches("\"abcd\"", "\"abc\""));
  EXPECT_FALSE(EtagMatches("abc", "\"abc\""));
  EXPECT_FALSE(EtagMatches("", "\"abc\""));
}

TEST(Web, AcceptsGzipUnlessRefused) {
  EXPECT_TRUE(AcceptsGzip("gzip"));
  EXPECT_TRUE(AcceptsGzip("gzip, deflate, br"));
  EXPECT_TRUE(AcceptsGzip("br;q=1.0, GZIP;q=0.5"));
  EXPECT_TRUE(AcceptsGzip("*"));
  EXPECT_TRUE(AcceptsGzip("gzip;q=0.001"));
  EXPECT_FALSE(AcceptsGzip(""));
  EXPECT_FALSE(AcceptsGzip("identity"));
  EXPECT_FALSE(AcceptsGzip("gzip;q=0"));
  EXPECT_FALSE(AcceptsGzip("gzip;q=0.000, br"));
  EXPECT_FALSE(AcceptsGzip("x-gzip2"));
}

TEST(Web, PrefersJsonWhenJsonWeighsMoreThanHtml) {
  EXPECT_TRUE(PrefersJson("application/json"));
  EXPECT_TRUE(PrefersJson("Application/JSON; charset=utf-8"));
  EXPECT_TRUE(PrefersJson("application/json, text/html;q=0.9"));
  EXPECT_TRUE(PrefersJson("text/html;q=0.5, application/*"));
  EXPECT_TRUE(PrefersJson("application/json;q=0.001"));
  EXPECT_TRUE(PrefersJson("*/*;q=0.1, application/json"));
  // A browser's header: text/html is named, JSON only through */* at a lower weight.
  EXPECT_FALSE(
      PrefersJson("text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"));
  EXPECT_FALSE(PrefersJson(""));
  EXPECT_FALSE(PrefersJson("*/*"));
  EXPECT_FALSE(PrefersJson("application/json, text/html"));  // a tie: the page
  EXPECT_FALSE(PrefersJson("text/html;q=0.9, application/json;q=0.9"));
  EXPECT_FALSE(PrefersJson("application/json;q=0"));
  EXPECT_FALSE(PrefersJson("application/json;q=0.000, */*"));
  EXPECT_FALSE(PrefersJson("text/*, application/json;q=0.5"));
  EXPECT_FALSE(PrefersJson("application/jsonp"));
  EXPECT_FALSE(PrefersJson("application/ld+json"));
  // The most specific range decides: application/json refused outright, though */* is not.
  EXPECT_FALSE(PrefersJson("application/json;q=0, */*;q=1"));
  EXPECT_TRUE(PrefersJson("text/html;q=0, */*"));
  // A malformed weight passes its range over.
  EXPECT_FALSE(PrefersJson("application/json;q=2"));
  EXPECT_FALSE(PrefersJson("application/json;q=0.5000"));
  EXPECT_FALSE(PrefersJson("application/json;q=x"));
  EXPECT_TRUE(PrefersJson("application/json;q=abc, application/*;q=0.4, text/html;q=0.3"));
}

TEST(Web, PageLanguageIsTheParameterThenTheCookieThenTheHeaderElseChinese) {
  HttpRequest req;
  EXPECT_EQ(PageLang(req), Lang::kZhCn);
  req.headers["accept-language"] = "en-US,en;q=0.9";
  EXPECT_EQ(PageLang(req), Lang::kEn);
  req.headers["accept-language"] = "fr, de";  // nothing spoken: the pages' default
  EXPECT_EQ(PageLang(req), Lang::kZhCn);
  req.headers["accept-language"] = "en;q=0.5, zh;q=0.8";
  EXPECT_EQ(PageLang(req), Lang::kZhCn);
  req.headers["accept-language"] = "en";
  req.headers["cookie"] = "battrace_lang=zh-CN";
  EXPECT_EQ(PageLang(req), Lang::kZhCn);
  req.query["lang"] = "en";
  EXPECT_EQ(PageLang(req), Lang::kEn);
  req.query["lang"] = "fr";  // unknown: passed over
  EXPECT_EQ(PageLang(req), Lang::kZhCn);
  req.headers["cookie"] = "battrace_lang=klingon";
  EXPECT_EQ(PageLang(req), Lang::kEn);
}

TEST(Assets, EveryStaticFileAndTheVendoredModulesAreCompiledIn) {
  for (const char* path :
       {"js/main.mjs", "js/dom.mjs", "css/app.css", "i18n/zh-CN.json", "i18n/en.json",
        "img/favicon.ico", "img/favicon.svg", "vendor/echarts.esm.min.mjs", "vendor/i18next.mjs"}) {
    const Asset* a = FindAsset(path);
    ASSERT_NE(a, nullptr) << path;
    EXPECT_EQ(a->path, path);
    EXPECT_FALSE(a->body.empty()) << path;
    EXPECT_EQ(a->etag.size(), 34u) << path;  // 32 hex digits in quotes
    EXPECT_EQ(a->etag.front(), '"');
  }
  EXPECT_EQ(FindAsset("js/main.mjs")->content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(FindAsset("css/app.css")->content_type, "text/css; charset=utf-8");
  EXPECT_EQ(FindAsset("img/favicon.ico")->content_type, "image/x-icon");
  // ECharts is over a megabyte; its gzip is a fraction of it, and starts with gzip's magic.
  const Asset* echarts = FindAsset("vendor/echarts.esm.min.mjs");
  EXPECT_GT(echarts->body.size(), 500000u);
  EXPECT_LT(echarts->gzip.size(), echarts->body.size() / 2);
  EXPECT_EQ(echarts->gzip.substr(0, 2), "\x1f\x8b");
  for (const char* path : {"", "js", "js/", "/js/main.mjs", "js/main.mjs/", "js/nope.mjs"})
    EXPECT_EQ(FindAsset(path), nullptr) << path;
  const auto& all = AllAssets();
  EXPECT_TRUE(std::is_sorted(all.begin(), all.end(),
                             [](const Asset& a, const Asset& b) { return a.path < b.path; }));
}

TEST(Assets, AreAnsweredWithTheirEtagGzipAndThePageHeaders) {
  const Asset& a = *FindAsset("js/main.mjs");
  HttpRequest req;
  HttpResponse res;
  ServeAsset(req, res, a);
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, a.body);
  EXPECT_EQ(HeaderOf(res, "ETag"), a.etag);
  EXPECT_EQ(HeaderOf(res, "Cache-Control"), "no-cache");
  EXPECT_EQ(HeaderOf(res, "Vary"), "Accept-Encoding");
  EXPECT_EQ(HeaderOf(res, "X-Content-Type-Options"), "nosniff");
  EXPECT_NE(HeaderOf(res, "Content-Security-Policy").find("script-src 'self'"), std::string::npos);
  EXPECT_EQ(HeaderOf(res, "Content-Encoding"), "");

  req.headers["accept-encoding"] = "gzip, br";
  HttpResponse gz;
  ServeAsset(req, gz, a);
  EXPECT_EQ(gz.body, a.gzip);
  EXPECT_EQ(HeaderOf(gz, "Content-Encoding"), "gzip");
  const std::string gz_etag = HeaderOf(gz, "ETag");
  EXPECT_NE(gz_etag, a.etag);

  // Either tag revalidates either representation.
  for (const std::string& tag : {std::string(a.etag), gz_etag}) {
    req.headers["if-none-match"] = tag;
    HttpResponse not_modified;
    ServeAsset(req, not_modified, a);
    EXPECT_EQ(not_modified.status, 304) << tag;
    EXPECT_TRUE(not_modified.body.empty());
  }
  req.headers["if-none-match"] = "\"other\"";
  HttpResponse changed;
  ServeAsset(req, changed, a);
  EXPECT_EQ(changed.status, 200);
}

TEST(Web, TheShellLinksEveryStylesheetAndTheMainModule) {
  HttpRequest req;
  HttpResponse res;
  ServePageShell(req, res, Lang::kEn);
  EXPECT_EQ(res.content_type, "text/html; charset=utf-8");
  EXPECT_NE(res.body.find("<html lang=\"en\">"), std::string::npos);
  EXPECT_NE(res.body.find("<script type=\"module\" src=\"/assets/js/main.mjs\"></script>"),
            std::string::npos);
  for (const Asset& a : AllAssets()) {
    if (a.path.starts_with("css/")) {
      EXPECT_NE(res.body.find("href=\"/assets/" + std::string(a.path) + "\""), std::string::npos);
    }
  }
  EXPECT_EQ(res.body.find("style="), std::string::npos);
  EXPECT_EQ(res.body.find("<script>"), std::string::npos);  // no inline script
  EXPECT_EQ(HeaderOf(res, "Content-Language"), "en");
  HttpResponse zh;
  ServePageShell(req, zh, Lang::kZhCn);
  EXPECT_NE(zh.body.find("<html lang=\"zh-CN\">"), std::string::npos);
  EXPECT_NE(zh.body.find("<noscript>"), std::string::npos);
  EXPECT_NE(HeaderOf(zh, "ETag"), HeaderOf(res, "ETag"));
}

}  // namespace
}  // namespace battrace::server
