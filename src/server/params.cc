// Parameter parsing: integers with std::from_chars, enumerations by name, the rest through the
// value types' own parsers (Date, Uscc, Division, BatteryCode), their problems renamed to the
// parameter.
#include "server/params.h"

#include <charconv>

#include "core/battery_code.h"
#include "core/division.h"
#include "core/uscc.h"
#include "domain/finding.h"
#include "server/web.h"
#include "store/cursor.h"

namespace battrace::server {

std::optional<std::string> StringParam(const HttpRequest& req, const std::string& name) {
  auto it = req.query.find(name);
  if (it == req.query.end()) return std::nullopt;
  return it->second;
}

Result<uint64_t> UintParam(const HttpRequest& req, const std::string& name, uint64_t fallback,
                           uint64_t max) {
  auto it = req.query.find(name);
  if (it == req.query.end()) return fallback;
  const std::string& v = it->second;
  // For an unsigned type from_chars takes decimal digits alone: no sign, space or prefix.
  uint64_t n = 0;
  const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || end != v.data() + v.size() || n > max) {
    return Status::Invalid(name, "query.integer",
                           name + " must be an integer from 0 to " + std::to_string(max));
  }
  return n;
}

Result<std::optional<uint64_t>> OptionalUintParam(const HttpRequest& req, const std::string& name) {
  if (!StringParam(req, name)) return std::optional<uint64_t>();
  BATTRACE_ASSIGN_OR_RETURN(n, UintParam(req, name, 0, INT64_MAX));
  return std::optional<uint64_t>(n);
}

Result<uint64_t> RequiredUintParam(const HttpRequest& req, const std::string& name) {
  BATTRACE_ASSIGN_OR_RETURN(n, OptionalUintParam(req, name));
  if (!n) return Status::Invalid(name, "query.required", name + " is required");
  return *n;
}

Result<size_t> EnumParam(const HttpRequest& req, const std::string& name,
                         const std::vector<std::string_view>& names) {
  auto v = StringParam(req, name);
  if (!v) return size_t{0};
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == *v) return i;
  }
  std::string known;
  for (std::string_view n : names)
    known += (known.empty() ? "" : ", ") + std::string(n);
  return Status::Invalid(name, "query.enum", name + " must be one of " + known);
}

Result<size_t> LimitParam(const HttpRequest& req) {
  auto v = StringParam(req, "limit");
  if (v && *v == "0") {
    return Status::Invalid("limit", "query.integer", "limit must be an integer from 1 to 1000");
  }
  BATTRACE_ASSIGN_OR_RETURN(limit, UintParam(req, "limit", kDefaultPage, kMaxPage));
  return static_cast<size_t>(limit);
}

Result<bool> WantsCsv(const HttpRequest& req) {
  if (auto v = StringParam(req, "format")) {
    if (*v == "csv") return true;
    if (*v == "json") return false;
    return Status::Invalid("format", "query.enum", "format must be json or csv");
  }
  return req.Header("accept").find("text/csv") != std::string::npos;
}

bool JsonAsked(const HttpRequest& req) {
  const std::optional<std::string> format = StringParam(req, "format");
  return format ? *format == "json" : PrefersJson(req.Header("accept"));
}

Result<Date> AsOf(const HttpRequest& req, Instant now) {
  auto v = StringParam(req, "as_of");
  if (!v) return BeijingDate(now);
  return Date::Parse(*v, "as_of");
}

Result<std::optional<std::string>> PartyParam(const HttpRequest& req) {
  auto v = StringParam(req, "party");
  if (!v) return std::optional<std::string>();
  auto uscc = Uscc::Parse(*v, Strictness::kLenient);
  if (!uscc.ok()) return Status::Invalid("party", uscc.status().rule(), uscc.status().message());
  return std::optional<std::string>(uscc->str());
}

Result<std::optional<std::string>> DivisionParam(const HttpRequest& req) {
  auto v = StringParam(req, "division");
  if (!v) return std::optional<std::string>();
  auto d = Division::Parse(*v);
  if (!d.ok()) return Status::Invalid("division", d.status().rule(), d.status().message());
  return std::optional<std::string>(d->code());
}

Result<std::optional<std::string>> DepartmentParam(const HttpRequest& req) {
  auto v = StringParam(req, "department");
  if (!v) return std::optional<std::string>();
  BATTRACE_RETURN_IF_ERROR(domain::CheckDepartment(*v, "department"));
  return v;
}

Status DateRangeParams(const HttpRequest& req, store::FindingFilter* filter) {
  for (const char* name : {"from", "to"}) {
    auto v = StringParam(req, name);
    if (!v) continue;
    BATTRACE_ASSIGN_OR_RETURN(d, Date::Parse(*v, name));
    (std::string_view(name) == "from" ? filter->from : filter->to) = d;
  }
  return domain::CheckFindingRange(filter->from, filter->to, "from");
}

Result<Strictness> CodesParam(const HttpRequest& req) {
  auto v = StringParam(req, "codes");
  if (!v || *v == "strict") return Strictness::kStrict;
  if (*v == "lenient") return Strictness::kLenient;
  return Status::Invalid("codes", "query.enum", "codes must be strict or lenient");
}

Result<std::optional<ReportType>> ReportTypeParam(const HttpRequest& req, BodyFormat format) {
  auto v = StringParam(req, "type");
  if (!v) return std::optional<ReportType>();
  if (format != BodyFormat::kCsv) {
    return Status::Invalid("type", "reports.type",
                           "type names the report type of a text/csv body; this body is " +
                               std::string(format == BodyFormat::kNdjson ? "NDJSON" : "JSON") +
                               ", whose reports each carry their type");
  }
  auto type = ReportTypeFromName(*v);
  if (!type) {
    std::string names;
    for (size_t i = 0; i < kReportTypeCount; ++i) {
      names += (i == 0 ? "" : ", ") + std::string(ReportTypeName(static_cast<ReportType>(i)));
    }
    return Status::Invalid("type", "query.enum", "type must be one of " + names);
  }
  return std::optional<ReportType>(type);
}

Result<std::optional<store::SortKey>> CursorParam(const HttpRequest& req, const std::string& query,
                                                  size_t key_size) {
  auto v = StringParam(req, "cursor");
  if (!v) return std::optional<store::SortKey>();
  BATTRACE_ASSIGN_OR_RETURN(key, store::DecodeCursor(query, *v, key_size));
  return std::optional<store::SortKey>(std::move(key));
}

Result<std::string> CodeParam(const std::map<std::string, std::string>& params) {
  auto it = params.find("code");
  BATTRACE_ASSIGN_OR_RETURN(
      code, BatteryCode::Parse(it == params.end() ? "" : it->second, Strictness::kLenient));
  return code.str();
}

}  // namespace battrace::server
