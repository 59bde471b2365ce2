// API bearer tokens: 256 random bits, shown once at issue, kept only as their SHA-256, with an
// expiry and revocation. A request without a token is the public; a token that is unknown,
// expired or revoked is refused (401), never treated as the public.
#pragma once

#include <string>

#include "core/date.h"
#include "core/status.h"
#include "store/access.h"
#include "store/store.h"

namespace battrace::server {

struct IssuedToken {
  std::string text;  // "btk_" + 43 base64url characters: shown once, stored nowhere
  store::TokenRow row;
};

// Issues a token for `principal` ("admin", "enterprise:<USCC>", "regulator:<id>"; enterprises
// and regulators must be registered) valid for `days` days from `now`.
Result<IssuedToken> IssueToken(store::Store& store, const std::string& principal, int days,
                               Instant now);

// Revokes the token whose text is given; NotFound when the store has no such live token.
Status RevokeToken(store::Store& store, const std::string& text, Instant now);

// The viewer an Authorization header value names: the public for "", the token's principal
// for "Bearer <token>"; Unauthenticated (rule "auth.token") for anything else, or a token that
// is unknown, expired or revoked. A token refused for its state gets one message whatever the
// reason, so a client learns nothing of tokens it does not hold; the reason goes to `*why`
// (when given) for the server's log.
Result<store::Viewer> Authenticate(store::Store& store, const std::string& authorization,
                                   Instant now, std::string* why = nullptr);

}  // namespace battrace::server
