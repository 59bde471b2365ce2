// Browser sessions (server/session.h): their lifetimes on a clock the test moves, the bounds
// per principal and in total, the cookie's header and how it is read back, the CSRF rule;
// and the token views of server/principals.h and server/auth.h.
#include "server/session.h"

#include <gtest/gtest.h>

#include "ledger/hash.h"
#include "server/auth.h"
#include "server/principals.h"
#include "server/web.h"
#include "store/cursor.h"

namespace battrace::server {
namespace {

constexpr Instant kT0 = 1780000000000000;  // microseconds
constexpr Instant kSecond = 1000000;

ledger::Hash TokenHash(const std::string& text) {
  return ledger::Sha256({text});
}

SessionOptions Small() {
  SessionOptions o;
  o.idle_seconds = 60;
  o.lifetime_seconds = 600;
  o.max_per_principal = 2;
  o.max_total = 3;
  return o;
}

TEST(Sessions, FoundByTheirSecretOnlyAndEndedAtSignOut) {
  SessionTable table(Small());
  auto s = table.Start("admin", TokenHash("a"), kT0 + 3600 * kSecond, kT0);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->expires, kT0 + 600 * kSecond);
  auto found = table.Find(s->secret, kT0 + kSecond);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->principal, "admin");
  EXPECT_FALSE(table.Find(s->secret + "x", kT0).has_value());
  EXPECT_TRUE(table.End(s->secret));
  EXPECT_FALSE(table.End(s->secret));
  EXPECT_FALSE(table.Find(s->secret, kT0 + 2 * kSecond).has_value());
}

TEST(Sessions, EndWhenIdleAndAfterTheirLifetime) {
  SessionTable table(Small());
  auto s = table.Start("admin", TokenHash("a"), kT0 + 3600 * kSecond, kT0);
  ASSERT_TRUE(s.ok());
  // Used every 50 s: never idle 60 s, but over at 600 s whatever the use.
  Instant t = kT0;
  for (; t + 50 * kSecond < kT0 + 600 * kSecond; t += 50 * kSecond)
    ASSERT_TRUE(table.Find(s->secret, t + 50 * kSecond).has_value()) << (t - kT0) / kSecond;
  EXPECT_FALSE(table.Find(s->secret, kT0 + 600 * kSecond).has_value());
  auto idle = table.Start("admin", TokenHash("a"), kT0 + 3600 * kSecond, kT0);
  ASSERT_TRUE(idle.ok());
  EXPECT_TRUE(table.Find(idle->secret, kT0 + 59 * kSecond).has_value());
  EXPECT_FALSE(table.Find(idle->secret, kT0 + 119 * kSecond).has_value());
}

TEST(Sessions, NeverOutliveTheirToken) {
  SessionTable table(Small());
  auto s = table.Start("admin", TokenHash("a"), kT0 + 30 * kSecond, kT0);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->expires, kT0 + 30 * kSecond);
  EXPECT_TRUE(table.Find(s->secret, kT0 + 29 * kSecond).has_value());
  EXPECT_FALSE(table.Find(s->secret, kT0 + 30 * kSecond).has_value());
}

TEST(Sessions, BoundedPerPrincipalAndInTotal) {
  SessionTable table(Small());
  auto a1 = table.Start("admin", TokenHash("a"), kT0 + 3600 * kSecond, kT0);
  auto a2 = table.Start("admin", TokenHash("a"), kT0 + 3600 * kSecond, kT0 + 1);
  auto a3 = table.Start("admin", TokenHash("a"), kT0 + 3600 * kSecond, kT0 + 2);
  ASSERT_TRUE(a1.ok() && a2.ok() && a3.ok());
  EXPECT_FALSE(table.Find(a1->secret, kT0 + 3).has_value()) << "the oldest ends";
  EXPECT_TRUE(table.Find(a2->secret, kT0 + 3).has_value());
  EXPECT_TRUE(table.Find(a3->secret, kT0 + 3).has_value());
  ASSERT_TRUE(table.Start("regulator:r", TokenHash("r"), kT0 + 3600 * kSecond, kT0 + 4).ok());
  auto full = table.Start("enterprise:e", TokenHash("e"), kT0 + 3600 * kSecond, kT0 + 5);
  ASSERT_FALSE(full.ok());
  EXPECT_EQ(full.status().rule(), "session.capacity");
  // Once the others idle out, there is room again.
  EXPECT_TRUE(
      table.Start("enterprise:e", TokenHash("e"), kT0 + 3600 * kSecond, kT0 + 61 * kSecond).ok());
  EXPECT_EQ(table.size(), 1u);
}

TEST(Sessions, EndWithTheirToken) {
  SessionTable table(Small());
  auto a = table.Start("admin", TokenHash("a"), kT0 + 3600 * kSecond, kT0);
  auto b = table.Start("regulator:r", TokenHash("r"), kT0 + 3600 * kSecond, kT0);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(table.EndForToken(TokenHash("a")), 1u);
  EXPECT_FALSE(table.Find(a->secret, kT0 + 1).has_value());
  EXPECT_TRUE(table.Find(b->secret, kT0 + 1).has_value());
}

TEST(Sessions, SecretsAreFreshAndUrlSafe) {
  SessionTable table(Small());
  auto a = table.Start("admin", TokenHash("a"), kT0 + 3600 * kSecond, kT0);
  auto b = table.Start("admin", TokenHash("a"), kT0 + 3600 * kSecond, kT0);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->secret, b->secret);
  EXPECT_EQ(a->secret.size(), 43u);  // 256 bits, base64url without padding
  EXPECT_EQ(a->secret.find_first_not_of(
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos);
}

TEST(SessionCookie, CarriesItsAttributesAndIsReadBack) {
  const std::string header = SessionCookieHeader("s3cret", 3600, false);
  EXPECT_EQ(header, "battrace_session=s3cret; Path=/; Max-Age=3600; HttpOnly; SameSite=Strict");
  EXPECT_NE(SessionCookieHeader("s", 1, true).find("; Secure"), std::string::npos);
  EXPECT_EQ(ClearSessionCookieHeader(false),
            "battrace_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
  // Read back by the pages' cookie reader (server/web.h) beside the language cookie.
  EXPECT_EQ(CookieValue("battrace_lang=en; " + header.substr(0, header.find(';')), kSessionCookie),
            "s3cret");
}

TEST(SessionCsrf, NeedsTheHeaderAndTheServersOwnOrigin) {
  HttpRequest req;
  req.method = "POST";
  req.headers = {{"host", "127.0.0.1:8080"}};
  EXPECT_EQ(CheckCsrf(req).rule(), "auth.csrf");
  EXPECT_EQ(CheckCsrf(req).field(), "X-Battrace-CSRF");
  req.headers["x-battrace-csrf"] = "true";
  EXPECT_EQ(CheckCsrf(req).field(), "X-Battrace-CSRF");
  req.headers["x-battrace-csrf"] = "1";
  EXPECT_TRUE(CheckCsrf(req).ok()) << "no Origin: a same-origin request of an old browser";
  req.headers["origin"] = "http://127.0.0.1:8080";
  EXPECT_TRUE(CheckCsrf(req).ok());
  req.headers["origin"] = "https://127.0.0.1:8080";
  EXPECT_TRUE(CheckCsrf(req).ok()) << "behind a TLS-terminating proxy";
  req.headers["origin"] = "http://127.0.0.1:8081";
  EXPECT_EQ(CheckCsrf(req).field(), "Origin");
  req.headers["origin"] = "http://evil.example";
  EXPECT_EQ(CheckCsrf(req).code(), StatusCode::kForbidden);
  req.headers["origin"] = "null";
  EXPECT_EQ(CheckCsrf(req).rule(), "auth.csrf");
}

TEST(SignInBody, IsExactlyATokenMember) {
  EXPECT_EQ(*ParseSignInBody(R"({"token":"btk_x"})"), "btk_x");
  for (const char* bad : {"", "[]", R"({"token":1})", R"({"token":""})", R"({"tok":"x"})",
                          R"({"token":"x","next":"/"})"}) {
    EXPECT_EQ(ParseSignInBody(bad).status().rule(), "session.body") << bad;
  }
}

TEST(TokenViews, IdsCursorsAndBodies) {
  store::TokenRow row;
  row.hash = TokenHash("btk_example");
  row.principal = "admin";
  row.created = kT0;
  row.expires = kT0 + 10 * kSecond;
  const std::string id = TokenId(row.hash);
  EXPECT_EQ(id, ledger::HashToHex(row.hash).substr(0, 16));
  auto bytes = ParseTokenId(id, "id");
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(*bytes, std::string(reinterpret_cast<const char*>(row.hash.data()), 8));
  EXPECT_EQ(ParseTokenId(id + "0", "id").status().rule(), "tokens.id");
  EXPECT_EQ(ParseTokenId("0123456789abcdeg", "id").status().rule(), "tokens.id");

  EXPECT_EQ(TokenJson(row, kT0)["state"], "live");
  EXPECT_EQ(TokenJson(row, kT0 + 10 * kSecond)["state"], "expired");
  row.revoked = kT0 + kSecond;
  EXPECT_EQ(TokenJson(row, kT0)["state"], "revoked");
  EXPECT_FALSE(TokenJson(row, kT0).contains("token"));

  auto cursor = ParseTokenCursor(FormatTokenCursor(row));
  ASSERT_TRUE(cursor.ok());
  EXPECT_EQ(cursor->created, row.created);
  EXPECT_EQ(cursor->hash, row.hash);
  for (const char* bad : {"", ".", "12", "x.00", "99999999999999999999.00", "1.zz"}) {
    EXPECT_EQ(ParseTokenCursor(bad).status().rule(), "query.cursor") << bad;
  }
  // Another list's cursor, with the same key, is not a tokens cursor.
  EXPECT_EQ(ParseTokenCursor(store::EncodeCursor("findings", {std::to_string(row.created),
                                                              ledger::HashToHex(row.hash)}))
                .status()
                .rule(),
            "query.cursor");

  auto issue = ParseIssueBody(R"({"principal":"admin"})");
  ASSERT_TRUE(issue.ok());
  EXPECT_EQ(issue->days, 90);
  EXPECT_EQ(ParseIssueBody(R"({"principal":"admin","days":1e3})").status().field(), "/days");
  EXPECT_EQ(ParseIssueBody(R"({"principal":"admin","x":1})").status().field(), "/x");
  EXPECT_EQ(ParseIssueBody(R"({"days":5})").status().field(), "/principal");
  EXPECT_EQ(ParseIssueBody(R"({"principal":"admin","days":-99999999999})")->days, INT32_MIN);
}

TEST(AppRedirect, SendsTheSignedOutToSignInAndTheSignedInHome) {
  HttpRequest req;
  access::Viewer pub;
  req.path = "/";
  EXPECT_FALSE(AppRedirect(req, pub).has_value()) << "public pages are served";
  req.path = "/application";
  EXPECT_FALSE(AppRedirect(req, pub).has_value());
  req.path = "/app/findings";
  req.query = {{"kind", "overdue_report"}, {"q", "a&b=c d"}};
  EXPECT_EQ(AppRedirect(req, pub),
            "/signin?next=/app/findings%3Fkind%3Doverdue_report%26q%3Da%2526b%253Dc%2520d");
  access::Viewer reg;
  reg.kind = access::Viewer::Kind::kRegulator;
  EXPECT_FALSE(AppRedirect(req, reg).has_value());
  req.query.clear();
  req.path = "/app/";
  EXPECT_EQ(AppRedirect(req, reg), "/app/overview");
  req.path = "/app";
  EXPECT_EQ(AppRedirect(req, pub), "/signin?next=/app");
  access::Viewer ent;
  ent.kind = access::Viewer::Kind::kEnterprise;
  EXPECT_EQ(AppRedirect(req, ent), "/app/obligations");
  access::Viewer admin;
  admin.kind = access::Viewer::Kind::kAdmin;
  EXPECT_EQ(AppRedirect(req, admin), "/app/audit");
}

}  // namespace
}  // namespace battrace::server
