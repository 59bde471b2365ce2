#include "server/auth.h"

#include <sodium.h>

#include <array>
#include <cstdint>

#include "ledger/hash.h"

namespace battrace::server {
namespace {

constexpr std::string_view kTokenPrefix = "btk_";
constexpr int64_t kMicrosPerDay = int64_t{86400} * 1000000;
constexpr size_t kTokenIdBytes = 8;

std::string RandomTokenText() {
  [[maybe_unused]] static const int kInit = sodium_init();
  std::array<uint8_t, 32> bytes{};
  randombytes_buf(bytes.data(), bytes.size());
  std::string text(
      sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(text.data(), text.size(), bytes.data(), bytes.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  text.resize(text.find('\0'));
  return std::string(kTokenPrefix) + text;
}

Status BadToken(const std::string& message) {
  return Status(StatusCode::kUnauthenticated, message, "Authorization", "auth.token");
}

// The one answer for a token refused for what it is or its state; `reason` is for the log.
Status Refused(std::string* why, std::string reason) {
  if (why) *why = std::move(reason);
  return BadToken("the bearer token was not accepted");
}

}  // namespace

Result<IssuedToken> IssueToken(store::Store& store, const std::string& principal, int days,
                               Instant now, const std::string& days_field) {
  if (days < 1 || days > 3660) {
    return Status::Invalid(days_field, "auth.days",
                           "a token lives 1 to 3660 days, not " + std::to_string(days));
  }
  BATTRACE_ASSIGN_OR_RETURN(viewer, access::ResolvePrincipal(store, principal));
  IssuedToken out;
  out.text = RandomTokenText();
  out.row.hash = ledger::Sha256({out.text});
  out.row.principal = viewer.Principal();
  out.row.created = now;
  out.row.expires = now + days * kMicrosPerDay;
  BATTRACE_RETURN_IF_ERROR(store.PutToken(out.row));
  return out;
}

Status RevokeToken(store::Store& store, const std::string& text, Instant now) {
  BATTRACE_ASSIGN_OR_RETURN(revoked, store.RevokeToken(ledger::Sha256({text}), now));
  if (!revoked) return Status::NotFound("no live token with this text in the store");
  return Status::Ok();
}

Result<access::Viewer> Authenticate(store::Store& store, const std::string& authorization,
                                    Instant now, std::string* why) {
  if (authorization.empty()) return access::Viewer{};
  constexpr std::string_view kBearer = "Bearer ";
  if (!authorization.starts_with(kBearer)) {
    return BadToken("the Authorization header must be \"Bearer <token>\"");
  }
  const std::string text = authorization.substr(kBearer.size());
  if (!text.starts_with(kTokenPrefix)) return Refused(why, "not a battrace token");
  return AuthenticateHash(store, ledger::Sha256({text}), now, why);
}

Result<access::Viewer> AuthenticateHash(store::Store& store, const ledger::Hash& hash, Instant now,
                                        std::string* why, Instant* expires) {
  BATTRACE_ASSIGN_OR_RETURN(row, store.FindToken(hash));
  if (!row) return Refused(why, "unknown token");
  if (row->revoked) return Refused(why, "the token was revoked");
  if (now >= row->expires) {
    return Refused(why, "the token expired on " + FormatTimestamp(row->expires));
  }
  auto viewer = access::ResolvePrincipal(store, row->principal);
  // Only a principal the registry no longer holds refuses the token; the store failing (a lost
  // connection) is the store's error, and the token and its sessions stand.
  if (!viewer.ok() && viewer.status().code() != StatusCode::kInvalidArgument) {
    return viewer.status();
  }
  if (!viewer.ok()) {
    return Refused(why, "the token's principal " + row->principal + " is no longer registered");
  }
  if (expires) *expires = row->expires;
  return viewer;
}

std::string TokenId(const ledger::Hash& hash) {
  return ledger::HashToHex(hash).substr(0, 2 * kTokenIdBytes);
}

Result<std::string> ParseTokenId(std::string_view text, const std::string& field) {
  std::string bytes(kTokenIdBytes, '\0');
  size_t size = 0;
  const char* end = nullptr;
  if (text.size() != 2 * kTokenIdBytes ||
      sodium_hex2bin(reinterpret_cast<unsigned char*>(bytes.data()), bytes.size(), text.data(),
                     text.size(), nullptr, &size, &end) != 0 ||
      size != kTokenIdBytes || end != text.data() + text.size()) {
    return Status::Invalid(field, "tokens.id",
                           "a token id is " + std::to_string(2 * kTokenIdBytes) +
                               " hexadecimal digits, as GET /v1/tokens lists them");
  }
  return bytes;
}

}  // namespace battrace::server
