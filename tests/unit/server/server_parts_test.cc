// The server's pure parts: routing, request batches, the head's text rules, problem documents,
// rate limits, metrics.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/rule_text.h"
#include "server/batch.h"
#include "server/metrics.h"
#include "server/problem.h"
#include "server/rate_limit.h"
#include "server/request_text.h"
#include "server/router.h"
#include "server/server.h"

namespace battrace::server {
namespace {

TEST(RequestText, RefusesBytesThatAreNotUtf8NamingWhere) {
  HttpRequest req;
  req.path = "/v1/batteries/\xff";
  EXPECT_EQ(CheckRequestText(req).field(), "path");
  EXPECT_EQ(CheckRequestText(req).rule(), "http.utf8");
  req.path = "/healthz";
  req.query = {{"\xc3\x28", "1"}};
  EXPECT_EQ(CheckRequestText(req).field(), "query");
  req.query = {{"as_of", "2026-\xed\xa0\x80"}};  // a surrogate
  EXPECT_EQ(CheckRequestText(req).field(), "as_of");
  req.query = {{"as_of", "2026-06-01"}, {"\xe6\xa3\x80", "\xe6\x9f\xa5"}};
  EXPECT_TRUE(CheckRequestText(req).ok());
}

TEST(RequestText, APurposeIsOneLineOfAtMost200Characters) {
  EXPECT_TRUE(CheckPurpose("").ok());
  EXPECT_TRUE(CheckPurpose("inspection 2026-11, case 17").ok());
  std::string cjk;
  for (int i = 0; i < 200; ++i)
    cjk += "\xe6\xa3\x80";  // 200 characters, 600 bytes
  EXPECT_TRUE(CheckPurpose(cjk).ok());
  EXPECT_EQ(CheckPurpose(cjk + "x").rule(), "api.purpose");
  for (const std::string& bad : {std::string("a\nb"), std::string("a\tb"), std::string("\x7f"),
                                 std::string("\xc2\x85"), std::string("a\0b", 3)}) {
    const Status st = CheckPurpose(bad);
    EXPECT_EQ(st.rule(), "api.purpose") << bad;
    EXPECT_EQ(st.field(), "X-Purpose");
  }
  EXPECT_EQ(CheckPurpose("\xff").rule(), "http.utf8");
  EXPECT_EQ(CheckPurpose("inspection \xe6\xa3").rule(), "http.utf8");  // truncated
}

TEST(Router, MatchesPlaceholdersAndLiterals) {
  Router r;
  const size_t battery = r.Add("GET", "/v1/batteries/{code}");
  const size_t history = r.Add("GET", "/v1/batteries/{code}/history");
  r.Add("POST", "/v1/reports");
  auto m = r.Find("GET", "/v1/batteries/ABC/history");
  ASSERT_TRUE(m.route);
  EXPECT_EQ(*m.route, history);
  EXPECT_EQ(m.params.at("code"), "ABC");
  m = r.Find("GET", "/v1/batteries/ABC");
  ASSERT_TRUE(m.route);
  EXPECT_EQ(*m.route, battery);
  EXPECT_TRUE(r.Find("HEAD", "/v1/batteries/ABC").route);  // HEAD is GET without a body
}

TEST(Router, UnknownPathHasNoAllowedMethods) {
  Router r;
  r.Add("GET", "/v1/batteries/{code}");
  for (const char* path : {"/v1/batteries", "/v1/batteries/", "/v1/batteries/A/B", "/", "",
                           "v1/batteries/A", "/v2/batteries/A"}) {
    auto m = r.Find("GET", path);
    EXPECT_FALSE(m.route) << path;
    EXPECT_TRUE(m.allowed.empty()) << path;
  }
}

TEST(Router, WrongMethodListsTheAllowedOnes) {
  Router r;
  r.Add("POST", "/v1/reports");
  r.Add("GET", "/v1/reports/{reporter}/{id}");
  auto m = r.Find("DELETE", "/v1/reports");
  EXPECT_FALSE(m.route);
  EXPECT_EQ(m.allowed, std::vector<std::string>{"POST"});
}

TEST(Router, TheApiTableHasNoDuplicates) {
  const auto labels = RouteLabels();
  std::set<std::string> seen(labels.begin(), labels.end());
  EXPECT_EQ(seen.size(), labels.size());
  EXPECT_TRUE(seen.contains("POST /v1/reports"));
  EXPECT_TRUE(seen.contains("GET /v1/batteries/{code}"));
}

constexpr const char* kReporter = "91350900587527783P";

std::string Utilized(const std::string& id, const std::string& reporter) {
  return R"({"id":")" + id + R"(","type":"battery.utilized","reporter":")" + reporter +
         R"(","occurred":"2026-05-01","codes":["001PB240000003B3C0221956"],"process":"crushing"})";
}

TEST(Batch, ParsesEachItemOnItsOwn) {
  const std::string body = "[" + Utilized("r1", kReporter) + R"(,{"id":"r2"},)" +
                           Utilized("r3", "91440300708461136T") + "]";
  auto items = ParseBatch(body, kReporter, 10);
  ASSERT_TRUE(items.ok()) << items.status().ToString();
  ASSERT_EQ(items->size(), 3u);
  EXPECT_TRUE((*items)[0].report.ok());
  EXPECT_FALSE((*items)[1].report.ok());
  ASSERT_FALSE((*items)[2].report.ok());
  EXPECT_EQ((*items)[2].report.status().rule(), "auth.reporter");
  EXPECT_EQ((*items)[2].report.status().field(), "/reporter");
  EXPECT_EQ((*items)[2].line, 3u);
}

TEST(Batch, RefusesWholeBodies) {
  for (const char* body : {"", "{}", "[1,", "\"x\"", "null"}) {
    auto items = ParseBatch(body, kReporter, 10);
    ASSERT_FALSE(items.ok()) << body;
    EXPECT_EQ(items.status().rule(), "api.body") << body;
  }
  auto big = ParseBatch("[1,2,3]", kReporter, 2);
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.status().rule(), "api.batch_too_large");
}

TEST(Problem, NamesFieldAndRuleButNoInternals) {
  auto p = Problem(400, Status::Invalid("/3/codes/0", "battery_code.date", "bad date"), "rid");
  EXPECT_EQ(p["status"], 400);
  EXPECT_EQ(p["field"], "/3/codes/0");
  EXPECT_EQ(p["rule"], "battery_code.date");
  EXPECT_EQ(p["type"], "urn:battrace:problem:battery_code.date");
  EXPECT_EQ(p["request_id"], "rid");
  auto internal = Problem(500, Status::IOError("disk I/O error in /var/lib/x.db: SELECT"), "r");
  EXPECT_EQ(internal["detail"].get<std::string>().find("SELECT"), std::string::npos);
  EXPECT_EQ(HttpStatus(StatusCode::kUnauthenticated), 401);
  EXPECT_EQ(HttpStatus(StatusCode::kForbidden), 403);
  EXPECT_EQ(HttpStatus(StatusCode::kConflict), 409);
}

TEST(Problem, ALimitReachedSaysWhichAndNotThatTheServerFailed) {
  const Status full(StatusCode::kUnavailable, "8 CSV downloads are streaming", "", "api.downloads");
  EXPECT_EQ(HttpStatus(full.code()), 503);
  auto en = Problem(503, full, "r");
  EXPECT_EQ(en["detail"], "8 CSV downloads are streaming");
  EXPECT_EQ(en["rule"], "api.downloads");
  auto zh = Problem(503, full, "r", Lang::kZhCn);
  EXPECT_EQ(zh["detail"].get<std::string>(), *RuleSentence("api.downloads", Lang::kZhCn));
  EXPECT_EQ(zh["detail_en"], "8 CSV downloads are streaming");
  // A failure of the server's own, at the same status, still tells nothing of its cause.
  auto failed = Problem(503, Status::IOError("database is locked"), "r", Lang::kZhCn);
  EXPECT_EQ(failed["detail"], "服务器出错，请提供请求编号");
  EXPECT_EQ(failed["detail_en"], "the server failed; quote the request id");
}

TEST(RateLimiter, BurstThenWait) {
  RateLimiter limiter(1, 3);
  EXPECT_EQ(limiter.Take("a"), 0);
  EXPECT_EQ(limiter.Take("a"), 0);
  EXPECT_EQ(limiter.Take("a"), 0);
  EXPECT_GE(limiter.Take("a"), 1);  // the burst is spent: wait about a second
  EXPECT_EQ(limiter.Take("b"), 0);  // other keys have their own bucket
  RateLimiter off(0, 1);
  for (int i = 0; i < 100; ++i)
    EXPECT_EQ(off.Take("a"), 0);
}

TEST(Metrics, RendersPrometheusText) {
  Metrics m({"GET /v1/batteries/{code}"});
  m.Observe(0, 200, 0.0007);
  m.Observe(0, 404, 0.02);
  m.Observe(5, 404, 0.001);  // past the table: the unmatched series
  m.Reports(3, 1, 2);
  const std::string text = m.Render(42, 7);
  EXPECT_NE(
      text.find("battrace_http_requests_total{route=\"GET /v1/batteries/{code}\",code=\"2xx\"} 1"),
      std::string::npos);
  EXPECT_NE(text.find("route=\"unmatched\",code=\"4xx\"} 1"), std::string::npos);
  EXPECT_NE(text.find("le=\"0.001\"} 1"), std::string::npos);
  EXPECT_NE(text.find("le=\"+Inf\"} 2"), std::string::npos);
  EXPECT_NE(text.find("battrace_reports_total{outcome=\"rejected\"} 2"), std::string::npos);
  EXPECT_NE(text.find("battrace_ledger_leaves 42"), std::string::npos);
  EXPECT_NE(text.find("battrace_open_obligations 7"), std::string::npos);
}

}  // namespace
}  // namespace battrace::server
