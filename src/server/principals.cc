#include "server/principals.h"

#include <algorithm>
#include <charconv>
#include <climits>
#include <system_error>

#include "core/division.h"
#include "domain/registry.h"
#include "domain/role.h"
#include "server/auth.h"
#include "store/cursor.h"

namespace battrace::server {
namespace {

using Json = nlohmann::json;
using Kind = access::Viewer::Kind;

constexpr size_t kMaxBody = 4096;

const char* KindName(Kind kind) {
  switch (kind) {
    case Kind::kPublic:
      return "public";
    case Kind::kEnterprise:
      return "enterprise";
    case Kind::kRegulator:
      return "regulator";
    case Kind::kAdmin:
      return "admin";
  }
  return "public";
}

// The query a tokens cursor is bound to (store/cursor.h): the one list, newest first.
constexpr std::string_view kTokensQuery = "tokens";

}  // namespace

Json MeJson(store::Store& store, const access::Viewer& viewer) {
  Json me = {{"principal", viewer.Principal()}, {"kind", KindName(viewer.kind)}};
  if (viewer.kind != Kind::kEnterprise && viewer.kind != Kind::kRegulator) return me;
  me["id"] = viewer.id;
  me["division"] = viewer.division;
  if (auto division = Division::Parse(viewer.division); division.ok()) {
    me["division_name"] = division->name();
  }
  auto row =
      store.GetRegistry(viewer.kind == Kind::kEnterprise ? "enterprise" : "regulator", viewer.id);
  if (!row.ok() || !*row) return me;
  auto record = ParseRegistryRecord((*row)->record);
  if (!record.ok()) return me;
  if (const auto* e = std::get_if<Enterprise>(&*record)) {
    me["name"] = e->name;
    Json roles = Json::array();
    for (Role role : e->roles)
      roles.push_back(std::string(RoleName(role)));
    me["roles"] = std::move(roles);
  } else if (const auto* r = std::get_if<Regulator>(&*record)) {
    me["department"] = std::string(DepartmentName(r->department));
  }
  return me;
}

Json TokenJson(const store::TokenRow& row, Instant now) {
  Json t = {{"id", TokenId(row.hash)},
            {"principal", row.principal},
            {"created", FormatTimestamp(row.created)},
            {"expires", FormatTimestamp(row.expires)}};
  if (row.revoked) {
    t["revoked"] = FormatTimestamp(*row.revoked);
    t["state"] = "revoked";
  } else {
    t["state"] = now >= row.expires ? "expired" : "live";
  }
  return t;
}

std::string FormatTokenCursor(const store::TokenRow& last) {
  return store::EncodeCursor(kTokensQuery,
                             {std::to_string(last.created), ledger::HashToHex(last.hash)});
}

Result<store::TokenCursor> ParseTokenCursor(std::string_view text) {
  BATTRACE_ASSIGN_OR_RETURN(key, store::DecodeCursor(kTokensQuery, text, 2));
  // The check value proves the server wrote the key; its fields are read strictly all the same.
  const Status bad = Status::Invalid("cursor", "query.cursor",
                                     "cursor must be a next_cursor of GET /v1/tokens, as given");
  store::TokenCursor cursor;
  const std::string& created = key[0];
  const auto [end, error] =
      std::from_chars(created.data(), created.data() + created.size(), cursor.created);
  if (error != std::errc() || end != created.data() + created.size() || cursor.created < 0)
    return bad;
  auto hash = ledger::HashFromHex(key[1], "cursor");
  if (!hash.ok()) return bad;
  cursor.hash = *hash;
  return cursor;
}

Result<IssueRequest> ParseIssueBody(std::string_view body) {
  const auto bad = [](const std::string& field, const std::string& message) {
    return Status::Invalid(field, "tokens.body", message);
  };
  if (body.size() > kMaxBody) {
    return bad("", "a token request is at most " + std::to_string(kMaxBody) + " bytes");
  }
  const Json doc = Json::parse(body, nullptr, false);
  if (!doc.is_object()) {
    return bad("", "the body must be a JSON object {\"principal\": \"...\", \"days\": N}");
  }
  IssueRequest out;
  for (const auto& [name, value] : doc.items()) {
    if (name == "principal" && value.is_string()) {
      out.principal = value.get<std::string>();
    } else if (name == "days" && value.is_number_integer()) {
      // Out of int's range is out of IssueToken's too; clamping keeps its message.
      out.days = value.is_number_unsigned()
                     ? static_cast<int64_t>(std::min<uint64_t>(value.get<uint64_t>(), INT_MAX))
                     : std::clamp<int64_t>(value.get<int64_t>(), INT_MIN, INT_MAX);
    } else if (name == "principal" || name == "days") {
      return bad("/" + name,
                 name == "days" ? "days must be an integer" : "principal must be a string");
    } else {
      return bad("/" + name, "a token request has only the members principal and days");
    }
  }
  if (out.principal.empty()) return bad("/principal", "principal is required");
  return out;
}

}  // namespace battrace::server
