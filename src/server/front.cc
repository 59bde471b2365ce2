// The front of every request (docs/api.md, "Every request"): the rate limits, the head's
// checks, routing, authentication by token or session; and after the handler, the problem
// document of a failure, /metrics and the access log. Also the answers' common shapes.
#include <algorithm>

#include "server/auth.h"
#include "server/csv_export.h"
#include "server/log.h"
#include "server/problem.h"
#include "server/request_text.h"
#include "server/server_internal.h"
#include "server/web.h"

namespace battrace::server {
namespace {

// A request refused for its form or at a limit: logged at level info, for it is no failure of
// the server. `remote` is the client's address when no access log line gives it (a refusal of
// the transport's), else empty.
void LogRefused(const std::string& request_id, int status, const std::string& rule,
                const std::string& detail, const std::string& remote) {
  Json line = {{"level", "info"},    {"request_id", request_id},
               {"event", "refused"}, {"status", status},
               {"rule", rule},       {"detail", detail}};
  if (!remote.empty()) line["remote"] = remote;
  LogJson(line);
}

}  // namespace

void Reply(Call& c, const Json& body) {
  c.res.status = 200;
  c.res.content_type = "application/json";
  // Text the server takes in is checked for UTF-8 (request_text.h, the report parser); a
  // purpose an older server stored unchecked is shown with replacement characters.
  c.res.body = body.dump(-1, ' ', false, Json::error_handler_t::replace);
}

void ReplyCsv(Call& c, const std::string& filename, const std::string& first,
              std::function<bool(std::string&)> rest) {
  c.res.status = 200;
  c.res.content_type = "text/csv; charset=utf-8";
  c.res.body = std::string(kUtf8Bom) + first;
  c.res.stream = std::move(rest);
  c.res.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + filename + "\"");
}

void Api::Refused(const TransportError& error, HttpResponse& res) {
  static const HttpRequest kUnread;  // the transport could not give the request
  Call c{kUnread, res, {}, NextRequestId(), {}, nullptr, 0, {}};
  res.headers.emplace_back("X-Request-Id", c.request_id);
  std::string rule = "http.request";
  switch (error.status) {
    case 408:
      rule = "http.timeout";
      break;
    case 413:
      rule = "api.body_too_large";
      break;
    case 431:
      rule = "http.head_too_large";
      break;
    case 503:
      rule = "http.capacity";
      break;
    default:
      break;
  }
  WriteProblem(res, error.status,
               Status(error.status == 503 ? StatusCode::kUnavailable : StatusCode::kInvalidArgument,
                      error.detail, "", rule),
               c.request_id);
  if (options_.access_log || error.status >= 500) {
    LogRefused(c.request_id, error.status, rule, error.detail, error.remote_addr);
  }
  metrics_.Observe(Table().size(), error.status, 0);
}

void Api::Observe(const Call& c, size_t route_index, double seconds) {
  metrics_.Observe(route_index, c.res.status, seconds);
  if (!options_.access_log) return;
  LogJson({{"level", "info"},
           {"request_id", c.request_id},
           {"method", c.req.method},
           {"route", route_index < Table().size() ? Table()[route_index].pattern : "unmatched"},
           {"status", c.res.status},
           {"ms", seconds * 1000},
           {"principal", c.viewer.Principal()},
           {"remote", c.req.remote_addr}});
}

bool Api::Limited(Call& c, RateLimiter& limiter, const std::string& key, double per_second) {
  const int64_t wait = limiter.Take(key);
  if (wait == 0) return false;
  c.res.headers.emplace_back("Retry-After", std::to_string(wait));
  WriteProblem(c.res, 429,
               Status::Invalid("", "api.rate_limit",
                               "over " + std::to_string(per_second) + " requests per second for " +
                                   key + ": retry later"),
               c.request_id, c.lang);
  return true;
}

Status Api::Front(Call& c, size_t& route_index) {
  route_index = Table().size();
  const HttpRequest& req = c.req;
  const std::string address = "addr:" + req.remote_addr;
  // An admitted request was charged to both limits when its head was admitted.
  if (!req.admitted && Limited(c, address_limiter_, address, options_.address_rate_per_second)) {
    return Status::Ok();
  }
  BATTRACE_RETURN_IF_ERROR(CheckRequestText(req));
  BATTRACE_RETURN_IF_ERROR(CheckPurpose(req.Header("x-purpose")));
  RouteMatch m = router_.Find(req.method, req.path);
  if (!m.route) {
    if (m.allowed.empty()) return Status::NotFound("no route " + req.path);
    std::string allow;
    for (const auto& a : m.allowed)
      allow += (allow.empty() ? "" : ", ") + a;
    c.res.headers.emplace_back("Allow", allow);
    WriteProblem(c.res, 405,
                 Status::Invalid(
                     "", "http.method",
                     req.method + " is not allowed on " + req.path + " (allowed: " + allow + ")"),
                 c.request_id, c.lang);
    return Status::Ok();
  }
  route_index = *m.route;
  const Entry& e = Table()[*m.route];
  c.params = std::move(m.params);
  const bool any_query = e.query.size() == 1 && e.query.front() == "*";
  for (const auto& [name, value] : req.query) {
    if (!any_query && std::find(e.query.begin(), e.query.end(), name) == e.query.end()) {
      return Status::Invalid(name, "query.unknown_parameter",
                             "unknown query parameter '" + name + "' for " + e.pattern);
    }
  }
  // Credentials are checked on the primary whatever the route reads, so that a token revoked
  // there is refused at once on every route; a request without them needs no primary.
  const bool standby = standby_ && e.reads == Reads::kStandby;
  const bool credentials = !req.Header("authorization").empty() ||
                           CookieValue(req.Header("cookie"), kSessionCookie).has_value();
  BATTRACE_ASSIGN_OR_RETURN(lease, (standby && !credentials ? *standby_ : readers_).Get());
  c.lease.emplace(std::move(lease));
  c.store = &**c.lease;
  std::string refused_why;
  auto viewer = Authenticate(*c.store, req.Header("authorization"), c.now, &refused_why);
  if (!viewer.ok()) {
    if (options_.access_log && !refused_why.empty()) {
      LogJson({{"level", "info"},
               {"request_id", c.request_id},
               {"event", "token_refused"},
               {"reason", refused_why}});
    }
    return viewer.status();
  }
  c.viewer = std::move(viewer).value();
  if (req.Header("authorization").empty()) BATTRACE_RETURN_IF_ERROR(FromSession(c));
  if (standby && credentials) {
    BATTRACE_ASSIGN_OR_RETURN(read, standby_->Get());
    c.lease.emplace(std::move(read));  // the primary's connection goes back to its pool
    c.store = &**c.lease;
  }
  // The public's principal is its address, limited at the principal's rate.
  const std::string key =
      c.viewer.kind == access::Viewer::Kind::kPublic ? address : c.viewer.Principal();
  if (!req.admitted) Limited(c, principal_limiter_, key, options_.rate_per_second);
  return Status::Ok();
}

Status Api::FromSession(Call& c) {
  auto secret = CookieValue(c.req.Header("cookie"), kSessionCookie);
  if (!secret || secret->empty()) return Status::Ok();
  std::optional<Session> session = sessions_.Find(*secret, c.now);
  if (!session) {
    ClearCookie(c);  // unknown, idle too long or past its lifetime: signed out
    return Status::Ok();
  }
  std::string why;
  auto viewer = AuthenticateHash(*c.store, session->token_hash, c.now, &why);
  if (!viewer.ok() && viewer.status().code() != StatusCode::kUnauthenticated) {
    return viewer.status();  // the store failed: the session stands
  }
  if (!viewer.ok()) {
    // The token was revoked or expired (or its principal left the registry): every session
    // opened with it ends now.
    sessions_.EndForToken(session->token_hash);
    if (options_.access_log) {
      LogJson({{"level", "info"},
               {"request_id", c.request_id},
               {"event", "session_ended"},
               {"principal", session->principal},
               {"reason", why}});
    }
    ClearCookie(c);
    return Status::Ok();
  }
  c.viewer = std::move(viewer).value();
  c.session = std::move(secret);
  if (c.req.method != "GET" && c.req.method != "HEAD") return CheckCsrf(c.req);
  return Status::Ok();
}

void Api::ClearCookie(Call& c) {
  if (c.cookie_cleared) return;
  c.res.headers.emplace_back("Set-Cookie", ClearSessionCookieHeader(Tls()));
  c.cookie_cleared = true;
}

void Api::Handle(const HttpRequest& req, HttpResponse& res) {
  const auto start = std::chrono::steady_clock::now();
  Call c{req, res, {}, NextRequestId(), {}, nullptr, options_.clock->Now(), {}};
  c.lang = NegotiateLang(req.Header("accept-language"));
  res.headers.emplace_back("X-Request-Id", c.request_id);
  size_t route_index = Table().size();
  Status st = [&]() -> Status {
    try {
      BATTRACE_RETURN_IF_ERROR(Front(c, route_index));
      if (res.status != 200) return Status::Ok();  // answered by the front: 405, 429
      return (this->*Table()[route_index].handler)(c);
    } catch (const std::exception& e) {
      return Status::Internal(std::string("uncaught: ") + e.what());
    }
  }();
  Finish(c, route_index, st, start);
}

bool Api::Admit(const HttpRequest& head, HttpResponse& res) {
  const auto start = std::chrono::steady_clock::now();
  Call c{head, res, {}, NextRequestId(), {}, nullptr, options_.clock->Now(), {}};
  c.lang = NegotiateLang(head.Header("accept-language"));
  size_t route_index = Table().size();
  Status st = [&]() -> Status {
    BATTRACE_RETURN_IF_ERROR(Front(c, route_index));
    if (res.status != 200) return Status::Ok();  // answered by the front: 405, 429
    if (Table()[route_index].handler == &Api::PostReports) return MayFile(c.viewer);
    if (Table()[route_index].handler == &Api::PostTokens) return MayAdminister(c.viewer);
    const Handler h = Table()[route_index].handler;
    if (h == &Api::EpcisPostCapture || h == &Api::EpcisPostEvent) {
      return AdmitEpcisCapture(c, h);
    }
    return Status::Ok();
  }();
  if (st.ok() && res.status == 200) return false;
  res.headers.emplace_back("X-Request-Id", c.request_id);
  Finish(c, route_index, st, start);
  return true;
}

void Api::Finish(Call& c, size_t route_index, const Status& st,
                 std::chrono::steady_clock::time_point start) {
  if (!st.ok()) {
    WriteProblem(c.res, st, c.request_id, c.lang);
    if (st.code() == StatusCode::kUnavailable) {
      LogRefused(c.request_id, c.res.status, st.rule(), st.message(), "");
    } else if (c.res.status >= 500) {
      LogJson({{"level", "error"}, {"request_id", c.request_id}, {"error", st.ToString()}});
    }
  }
  if (IsEpcisPath(c.req.path)) TypeEpcisProblem(c.res);
  if (c.req.method == "HEAD") {
    c.res.body.clear();
    c.res.stream = nullptr;
  }
  Observe(c, route_index,
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
}

}  // namespace battrace::server
