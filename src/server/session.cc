#include "server/session.h"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <nlohmann/json.hpp>
#include <vector>

namespace battrace::server {
namespace {

constexpr int64_t kMicrosPerSecond = 1000000;
constexpr size_t kMaxSignInBody = 4096;

std::string KeyOf(std::string_view secret) {
  const ledger::Hash h = ledger::Sha256({secret});
  return {reinterpret_cast<const char*>(h.data()), h.size()};
}

std::string RandomSecret() {
  [[maybe_unused]] static const int kInit = sodium_init();
  std::array<uint8_t, 32> bytes{};
  randombytes_buf(bytes.data(), bytes.size());
  std::string text(
      sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(text.data(), text.size(), bytes.data(), bytes.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  text.resize(text.find('\0'));
  return text;
}

// Percent-encodes every byte but the unreserved characters of RFC 3986 and "/".
std::string Escape(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
      out.push_back(ch);
    } else {
      out += {'%', kHex[c >> 4], kHex[c & 15]};
    }
  }
  return out;
}

std::string CookieAttributes(int64_t max_age_seconds, bool secure) {
  return "; Path=/; Max-Age=" + std::to_string(max_age_seconds) + "; HttpOnly; SameSite=Strict" +
         (secure ? "; Secure" : "");
}

Status Csrf(const std::string& field, const std::string& message) {
  return {StatusCode::kForbidden, message, field, "auth.csrf"};
}

}  // namespace

bool SessionTable::Expired(const Session& s, Instant now) const {
  return now >= s.expires || now - s.last_used >= options_.idle_seconds * kMicrosPerSecond;
}

void SessionTable::Sweep(Instant now) {
  std::erase_if(by_hash_, [&](const auto& entry) { return Expired(entry.second, now); });
}

Result<SessionTable::Started> SessionTable::Start(const std::string& principal,
                                                  const ledger::Hash& token_hash,
                                                  Instant token_expires, Instant now) {
  Session s;
  s.principal = principal;
  s.token_hash = token_hash;
  s.created = now;
  s.last_used = now;
  s.expires = std::min(now + options_.lifetime_seconds * kMicrosPerSecond, token_expires);
  Started out{RandomSecret(), s.expires};
  std::lock_guard lock(mu_);
  // The principal's own sessions, oldest first: those beyond the bound end.
  std::vector<std::unordered_map<std::string, Session>::iterator> own;
  for (auto it = by_hash_.begin(); it != by_hash_.end(); ++it) {
    if (it->second.principal == principal) own.push_back(it);
  }
  if (own.size() >= options_.max_per_principal) {
    std::sort(own.begin(), own.end(),
              [](const auto& a, const auto& b) { return a->second.created < b->second.created; });
    for (size_t i = 0; i + options_.max_per_principal <= own.size(); ++i)
      by_hash_.erase(own[i]);
  }
  if (by_hash_.size() >= options_.max_total) Sweep(now);
  if (by_hash_.size() >= options_.max_total) {
    return Status(StatusCode::kUnavailable,
                  "the server holds " + std::to_string(by_hash_.size()) +
                      " sessions, its limit: sign in again later",
                  "", "session.capacity");
  }
  by_hash_.emplace(KeyOf(out.secret), std::move(s));
  return out;
}

std::optional<Session> SessionTable::Find(std::string_view secret, Instant now) {
  std::lock_guard lock(mu_);
  auto it = by_hash_.find(KeyOf(secret));
  if (it == by_hash_.end()) return std::nullopt;
  if (Expired(it->second, now)) {
    by_hash_.erase(it);
    return std::nullopt;
  }
  it->second.last_used = now;
  return it->second;
}

bool SessionTable::End(std::string_view secret) {
  std::lock_guard lock(mu_);
  return by_hash_.erase(KeyOf(secret)) > 0;
}

size_t SessionTable::EndForToken(const ledger::Hash& token_hash) {
  std::lock_guard lock(mu_);
  return std::erase_if(by_hash_,
                       [&](const auto& entry) { return entry.second.token_hash == token_hash; });
}

size_t SessionTable::size() {
  std::lock_guard lock(mu_);
  return by_hash_.size();
}

std::optional<std::string> AppRedirect(const HttpRequest& req, const access::Viewer& viewer) {
  using Kind = access::Viewer::Kind;
  if (req.path != "/app" && !req.path.starts_with("/app/")) return std::nullopt;
  if (viewer.kind == Kind::kPublic) {
    std::string next = req.path;
    char sep = '?';
    for (const auto& [name, value] : req.query) {
      next += sep + Escape(name) + "=" + Escape(value);
      sep = '&';
    }
    return "/signin?next=" + Escape(next);
  }
  if (req.path != "/app" && req.path != "/app/") return std::nullopt;
  switch (viewer.kind) {
    case Kind::kRegulator:
      return "/app/overview";
    case Kind::kEnterprise:
      return "/app/obligations";
    default:
      return "/app/audit";
  }
}

std::string SessionCookieHeader(const std::string& secret, int64_t max_age_seconds, bool secure) {
  return std::string(kSessionCookie) + "=" + secret +
         CookieAttributes(std::max<int64_t>(max_age_seconds, 0), secure);
}

std::string ClearSessionCookieHeader(bool secure) {
  return std::string(kSessionCookie) + "=" + CookieAttributes(0, secure);
}

Result<std::string> ParseSignInBody(std::string_view body) {
  const auto bad = [](const std::string& field, const std::string& message) {
    return Status::Invalid(field, "session.body", message);
  };
  if (body.size() > kMaxSignInBody) {
    return bad("", "a sign-in body is at most " + std::to_string(kMaxSignInBody) + " bytes");
  }
  const nlohmann::json doc = nlohmann::json::parse(body, nullptr, false);
  if (!doc.is_object()) return bad("", "the body must be a JSON object {\"token\": \"btk_...\"}");
  for (const auto& [name, value] : doc.items()) {
    if (name != "token") return bad("/" + name, "a sign-in body has only the member token");
  }
  const auto it = doc.find("token");
  if (it == doc.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) {
    return bad("/token", "token must be the token's text, a non-empty string");
  }
  return it->get<std::string>();
}

Status CheckCsrf(const HttpRequest& req) {
  if (req.Header("x-battrace-csrf") != "1") {
    return Csrf("X-Battrace-CSRF",
                "a request signed in by the session cookie must carry X-Battrace-CSRF: 1");
  }
  const std::string& origin = req.Header("origin");
  if (origin.empty()) return Status::Ok();
  const std::string& host = req.Header("host");
  if (origin != "https://" + host && origin != "http://" + host) {
    return Csrf("Origin", "the request's Origin is another site than this server (" + host + ")");
  }
  return Status::Ok();
}

}  // namespace battrace::server
