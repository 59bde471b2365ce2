// API bearer tokens: 256 random bits, shown once at issue, kept only as their SHA-256, with an
// expiry and revocation. A request without a token is the public; a token that is unknown,
// expired or revoked is refused (401), never treated as the public.
#pragma once

#include <string>
#include <string_view>

#include "access/access.h"
#include "core/date.h"
#include "core/status.h"
#include "store/store.h"

namespace battrace::server {

struct IssuedToken {
  std::string text;  // "btk_" + 43 base64url characters: shown once, stored nowhere
  store::TokenRow row;
};

// Issues a token for `principal` ("admin", "enterprise:<USCC>", "regulator:<id>"; enterprises
// and regulators must be registered) valid for `days` days from `now` (1 to 3660, else rule
// "auth.days" on `days_field`: the option or the JSON member that gave it).
Result<IssuedToken> IssueToken(store::Store& store, const std::string& principal, int days,
                               Instant now, const std::string& days_field = "--days");

// A token's public id: the hex of the first 8 bytes of its hash. It names the token (to list
// and revoke it) without letting anyone use it.
std::string TokenId(const ledger::Hash& hash);
// The bytes a public id stands for; else rule "tokens.id" on `field`.
Result<std::string> ParseTokenId(std::string_view text, const std::string& field);

// Revokes the token whose text is given; NotFound when the store has no such live token.
Status RevokeToken(store::Store& store, const std::string& text, Instant now);

// The viewer an Authorization header value names: the public for "", the token's principal
// for "Bearer <token>"; Unauthenticated (rule "auth.token") for anything else, or a token that
// is unknown, expired or revoked. A token refused for its state gets one message whatever the
// reason, so a client learns nothing of tokens it does not hold; the reason goes to `*why`
// (when given) for the server's log. A store that fails to read (a lost connection) refuses
// nothing: its error is returned, with its own code (503 store.unavailable on PostgreSQL).
Result<access::Viewer> Authenticate(store::Store& store, const std::string& authorization,
                                    Instant now, std::string* why = nullptr);

// The same for a token known by its hash (a browser session's token, a sign-in's): the
// token's principal while the token is live and its principal registered; else the one
// refusal, with the reason in `*why`. `expires`, when given, receives the token's expiry.
Result<access::Viewer> AuthenticateHash(store::Store& store, const ledger::Hash& hash, Instant now,
                                        std::string* why = nullptr, Instant* expires = nullptr);

}  // namespace battrace::server
