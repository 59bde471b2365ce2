// Browser sessions (docs/api.md, "Sessions"): a person signs in once with a token and the
// browser then holds a session cookie, which page scripts cannot read (HttpOnly) and other
// sites cannot send (SameSite=Strict).
//
// The cookie's value is a fresh secret of 256 random bits; the server keeps only its SHA-256,
// beside the hash of the token the session came from. A session ends at sign-out, after an
// idle time, after an absolute lifetime (never beyond its token's expiry), and as soon as its
// token is found revoked or expired: the server checks the token on each request. Sessions
// live in this process's memory: a restart signs everyone out. Their number is bounded per
// principal (the oldest ends when a new one would exceed it) and in total (sign-in is refused
// while the table is full).
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "access/access.h"
#include "core/date.h"
#include "core/status.h"
#include "ledger/hash.h"
#include "server/http.h"

namespace battrace::server {

inline constexpr std::string_view kSessionCookie = "battrace_session";

struct SessionOptions {
  int64_t idle_seconds = 30 * 60;           // a session unused this long ends
  int64_t lifetime_seconds = 12 * 60 * 60;  // a session ends this long after sign-in at most
  size_t max_per_principal = 16;            // a new one beyond ends the principal's oldest
  size_t max_total = 100000;                // sign-in is refused (503) while this many are live
};

struct Session {
  std::string principal;
  ledger::Hash token_hash{};  // the token it was opened with
  Instant created = 0;
  Instant last_used = 0;
  Instant expires = 0;  // created + lifetime, or the token's expiry when that is sooner
};

class SessionTable {
 public:
  explicit SessionTable(SessionOptions options) : options_(options) {}

  struct Started {
    std::string secret;  // the cookie's value: shown once, kept only as its SHA-256
    Instant expires = 0;
  };
  // Opens a session for `principal`, signed in with the token of `token_hash` that expires at
  // `token_expires`. Fails (Unavailable, rule "session.capacity") while the table holds
  // max_total live sessions.
  Result<Started> Start(const std::string& principal, const ledger::Hash& token_hash,
                        Instant token_expires, Instant now);
  // The live session of a cookie value, marked used at `now`; nullopt for an unknown secret or
  // a session past its idle time or lifetime (which is then forgotten).
  std::optional<Session> Find(std::string_view secret, Instant now);
  // Ends the session of a cookie value; false when there was none.
  bool End(std::string_view secret);
  // Ends every session opened with the token of `token_hash`; returns how many.
  size_t EndForToken(const ledger::Hash& token_hash);
  size_t size();

 private:
  bool Expired(const Session& s, Instant now) const;
  void Sweep(Instant now);  // forgets the sessions past their time (mu_ held)

  SessionOptions options_;
  std::mutex mu_;
  std::unordered_map<std::string, Session> by_hash_;  // keyed by the SHA-256 of the secret
};

// Where a request for a page under /app/ goes instead of the page, or nullopt to serve it:
// without a signed-in viewer, /signin?next=<the path and query, percent-encoded>; for /app and
// /app/ themselves, the viewer's home page (a regulator's overview, an enterprise's duties, the
// admin's audit trail).
std::optional<std::string> AppRedirect(const HttpRequest& req, const access::Viewer& viewer);

// Set-Cookie values: the session cookie (HttpOnly, SameSite=Strict, Path=/, Max-Age, Secure
// under TLS), and the one that clears it.
std::string SessionCookieHeader(const std::string& secret, int64_t max_age_seconds, bool secure);
std::string ClearSessionCookieHeader(bool secure);

// The token of a sign-in body: exactly {"token": "<text>"}; else rule "session.body".
Result<std::string> ParseSignInBody(std::string_view body);

// The CSRF rule for a request the session cookie authenticates, other than GET and HEAD, and
// for sign-in and sign-out: it carries "X-Battrace-CSRF: 1" (which a cross-site form cannot
// send, nor a cross-site script without the server's consent), and its Origin, when it has
// one, is the server's own: http:// or https:// and the request's Host (a TLS-terminating
// proxy in front changes the scheme, not the host); else Forbidden, rule "auth.csrf".
Status CheckCsrf(const HttpRequest& req);

}  // namespace battrace::server
