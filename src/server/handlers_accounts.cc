// Who calls: browser sessions (sign-in with a token, sign-out), GET /v1/me, and the admin's
// management of tokens, each of its actions audited.
#include "ledger/hash.h"
#include "server/auth.h"
#include "server/log.h"
#include "server/params.h"
#include "server/principals.h"
#include "server/server_internal.h"

namespace battrace::server {

// Whether `viewer` may manage tokens: the admin; 401 for the public, 403 for others.
Status MayAdminister(const access::Viewer& viewer) {
  using Kind = access::Viewer::Kind;
  if (viewer.kind == Kind::kPublic) {
    return Status::Unauthenticated("managing tokens needs the admin's token or session");
  }
  if (viewer.kind != Kind::kAdmin) return Status::Forbidden("tokens are managed by the admin");
  return Status::Ok();
}

Status Api::AuditAction(Call& c, const std::string& action, const std::string& record) {
  store::AuditEntry e;
  e.at = c.now;
  e.principal = c.viewer.Principal();
  e.action = action;
  e.record = record;
  e.purpose = c.req.Header("x-purpose");
  e.request_id = c.request_id;
  return audit_.Append({std::move(e)});
}

Status Api::PostSession(Call& c) {
  BATTRACE_RETURN_IF_ERROR(CheckCsrf(c.req));
  BATTRACE_ASSIGN_OR_RETURN(token, ParseSignInBody(c.req.body));
  const ledger::Hash hash = ledger::Sha256({token});
  std::string why;
  Instant token_expires = 0;
  auto viewer = AuthenticateHash(*c.store, hash, c.now, &why, &token_expires);
  if (!viewer.ok() && viewer.status().code() != StatusCode::kUnauthenticated) {
    return viewer.status();
  }
  if (!viewer.ok()) {
    // Logged without the token: its text is a credential.
    LogJson({{"level", "info"},
             {"request_id", c.request_id},
             {"event", "signin_refused"},
             {"reason", why},
             {"remote", c.req.remote_addr}});
    return Status(StatusCode::kUnauthenticated, viewer.status().message(), "/token",
                  viewer.status().rule());
  }
  // A sign-in replaces the session the browser held.
  if (c.session) sessions_.End(*c.session);
  BATTRACE_ASSIGN_OR_RETURN(started,
                            sessions_.Start(viewer->Principal(), hash, token_expires, c.now));
  c.viewer = std::move(viewer).value();
  c.res.headers.emplace_back(
      "Set-Cookie",
      SessionCookieHeader(started.secret, (started.expires - c.now) / 1000000, Tls()));
  Reply(c, {{"principal", c.viewer.Principal()}, {"expires", FormatTimestamp(started.expires)}});
  return Status::Ok();
}

Status Api::DeleteSession(Call& c) {
  BATTRACE_RETURN_IF_ERROR(CheckCsrf(c.req));
  const bool ended = c.session && sessions_.End(*c.session);
  ClearCookie(c);
  Reply(c, {{"signed_out", ended}});
  return Status::Ok();
}

Status Api::GetMe(Call& c) {
  Reply(c, MeJson(*c.store, c.viewer));
  return Status::Ok();
}

Status Api::GetTokens(Call& c) {
  BATTRACE_RETURN_IF_ERROR(MayAdminister(c.viewer));
  std::optional<store::TokenCursor> cursor;
  if (auto text = StringParam(c.req, "cursor")) {
    BATTRACE_ASSIGN_OR_RETURN(parsed, ParseTokenCursor(*text));
    cursor = parsed;
  }
  BATTRACE_ASSIGN_OR_RETURN(limit, UintParam(c.req, "limit", kDefaultPage, kMaxPage));
  if (limit == 0) return Status::Invalid("limit", "query.integer", "limit must be at least 1");
  // One more than the page: whether there is a next page.
  BATTRACE_ASSIGN_OR_RETURN(rows, c.store->ListTokens(cursor, limit + 1));
  const bool more = rows.size() > limit;
  if (more) rows.resize(limit);
  BATTRACE_RETURN_IF_ERROR(AuditAction(c, "GET /v1/tokens", "tokens"));
  Json items = Json::array();
  for (const store::TokenRow& row : rows)
    items.push_back(TokenJson(row, c.now));
  Json out = {{"items", std::move(items)}, {"limit", limit}};
  if (more) out["next_cursor"] = FormatTokenCursor(rows.back());
  Reply(c, out);
  return Status::Ok();
}

Status Api::PostTokens(Call& c) {
  BATTRACE_RETURN_IF_ERROR(MayAdminister(c.viewer));
  BATTRACE_ASSIGN_OR_RETURN(request, ParseIssueBody(c.req.body));
  auto issued =
      IssueToken(*c.store, request.principal, static_cast<int>(request.days), c.now, "/days");
  if (!issued.ok()) {
    const Status& st = issued.status();
    return st.field() == "principal" ? Status(st.code(), st.message(), "/principal", st.rule())
                                     : st;
  }
  const std::string id = TokenId(issued->row.hash);
  BATTRACE_RETURN_IF_ERROR(AuditAction(c, "POST /v1/tokens", "token:" + id));
  Json out = TokenJson(issued->row, c.now);
  out["token"] = issued->text;
  Reply(c, out);
  return Status::Ok();
}

Status Api::DeleteToken(Call& c) {
  BATTRACE_RETURN_IF_ERROR(MayAdminister(c.viewer));
  BATTRACE_ASSIGN_OR_RETURN(prefix, ParseTokenId(c.params["id"], "id"));
  // Two tokens sharing 8 bytes of hash (one chance in 2^32 among 2^16 tokens) would make the id
  // ambiguous: refused rather than guessed.
  BATTRACE_ASSIGN_OR_RETURN(rows, c.store->FindTokensByPrefix(prefix, 2));
  if (rows.empty()) return Status::NotFound("no token with id " + c.params["id"]);
  if (rows.size() > 1) {
    return Status::Conflict("the id " + c.params["id"] +
                            " names more than one token: revoke it by its text");
  }
  store::TokenRow& row = rows.front();
  BATTRACE_RETURN_IF_ERROR(AuditAction(c, "DELETE /v1/tokens/{id}", "token:" + c.params["id"]));
  BATTRACE_ASSIGN_OR_RETURN(revoked, c.store->RevokeToken(row.hash, c.now));
  if (revoked) row.revoked = c.now;  // else it was revoked before: that time stands
  sessions_.EndForToken(row.hash);
  Reply(c, TokenJson(row, c.now));
  return Status::Ok();
}

}  // namespace battrace::server
