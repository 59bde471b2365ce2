// Regime files: the strict reader (through strict_json.h), the directory loader with its
// cross-file checks, and lookups by duty and anchor date. The format is in rules.h and
// rules/README.md.
#include "domain/rules.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <map>
#include <utility>

#include "core/data_directory.h"
#include "core/data_files.h"
#include "domain/names.h"
#include "domain/strict_json.h"

namespace battrace {
namespace {

using namespace strict_json;  // NOLINT(google-build-using-namespace): the field layer

constexpr std::array<std::string_view, 17> kDutyKeys = {
    domain::duty::kDisassemblyInfo,
    domain::duty::kVehicleProduced,
    domain::duty::kVehicleSold,
    domain::duty::kVehicleMakerOutbound,
    domain::duty::kBatteryMakerOutbound,
    domain::duty::kSwapped,
    domain::duty::kSwapOutbound,
    domain::duty::kReplacedByPartnerShop,
    domain::duty::kReplacedByMaker,
    domain::duty::kReplacedByOtherShop,
    domain::duty::kOutletRegistered,
    domain::duty::kOutletInbound,
    domain::duty::kOutletOutbound,
    domain::duty::kRecyclerInbound,
    domain::duty::kProductOutbound,
    domain::duty::kDismantled,
    domain::duty::kUtilized,
};

constexpr size_t kMaxFileBytes = size_t{1} << 20;
constexpr size_t kNameMax = 64;
constexpr size_t kArticleMax = 32;
constexpr size_t kTitleMax = 256;
constexpr size_t kTextMax = 1024;
constexpr size_t kNoteMax = 4096;

// Reads one regime file; Status fields are JSON pointers, prefixed with the file by the caller.
class RegimeParser {
 public:
  RegimeParser() : r_("rules") {}

  Result<Regime> Top(element root) const {
    static constexpr std::array<Field, 6> kFields = {{{"name", true, Kind::kString},
                                                      {"title", true, Kind::kString},
                                                      {"source", true, Kind::kString},
                                                      {"effective_from", true, Kind::kString},
                                                      {"effective_to", false, Kind::kString},
                                                      {"rules", true, Kind::kObjectList}}};
    const Path path;
    object obj;
    BATTRACE_RETURN_IF_ERROR(r_.Object(root, path, &obj));
    Regime regime;
    std::optional<Date> from;
    BATTRACE_RETURN_IF_ERROR(r_.Fields(
        obj, path, kFields, Others::kReject, {}, [&](size_t i, element v, const Path& p) -> Status {
          switch (i) {
            case 0:
              return Text(v, p, Charset::kIdentifier, kNameMax, &regime.name);
            case 1:
              return Text(v, p, Charset::kText, kTitleMax, &regime.title);
            case 2:
              return Text(v, p, Charset::kText, kTextMax, &regime.source);
            case 3:
              return r_.Date(v, p, &from);
            case 4:
              return r_.Date(v, p, &regime.effective_to);
            default:
              return Rules(v, p, &regime.rules);
          }
        }));
    regime.effective_from = *from;
    if (regime.effective_to && *regime.effective_to <= regime.effective_from) {
      return r_.Error(
          path.Key("effective_to"), "effective_range",
          fmt::format("effective_to {} must be after effective_from {} (effective_to "
                      "is the first day no longer in force)",
                      regime.effective_to->ToString(), regime.effective_from.ToString()));
    }
    for (Rule& rule : regime.rules)
      rule.regime = regime.name;
    return regime;
  }

 private:
  Status Text(element v, const Path& p, Charset charset, size_t max, std::string* out) const {
    std::string_view s;
    BATTRACE_RETURN_IF_ERROR(r_.String(v, p, charset, max, &s));
    out->assign(s);
    return Status::Ok();
  }

  Status Rules(element v, const Path& p, std::vector<Rule>* out) const {
    array a;
    BATTRACE_RETURN_IF_ERROR(r_.Array(v, p, true, &a));
    size_t n = 0;
    for (element e : a) {
      const Path ep = p.Index(n++);
      Rule rule;
      BATTRACE_RETURN_IF_ERROR(OneRule(e, ep, &rule));
      for (size_t j = 0; j < out->size(); ++j) {
        if ((*out)[j].duty == rule.duty) {
          return r_.Error(ep.Key("duty"), "duplicate_duty",
                          fmt::format("duty \"{}\" is already given by /rules/{}: a regime "
                                      "has one rule per duty",
                                      rule.duty, j));
        }
      }
      out->push_back(std::move(rule));
    }
    return Status::Ok();
  }

  Status OneRule(element e, const Path& ep, Rule* rule) const {
    static constexpr std::array<Field, 8> kFields = {{{"duty", true, Kind::kString},
                                                      {"article", true, Kind::kString},
                                                      {"report_type", true, Kind::kString},
                                                      {"reporter_roles", true, Kind::kStringList},
                                                      {"anchor", true, Kind::kString},
                                                      {"period", true, Kind::kString},
                                                      {"configurable", true, Kind::kBool},
                                                      {"note", false, Kind::kString}}};
    object obj;
    BATTRACE_RETURN_IF_ERROR(r_.Object(e, ep, &obj));
    BATTRACE_RETURN_IF_ERROR(r_.Fields(
        obj, ep, kFields, Others::kReject, {}, [&](size_t i, element v, const Path& p) -> Status {
          switch (i) {
            case 0:
              return Duty(v, p, &rule->duty);
            case 1:
              return Text(v, p, Charset::kIdentifier, kArticleMax, &rule->article);
            case 2:
              return Type(v, p, &rule->report_type);
            case 3:
              return Roles(v, p, &rule->reporter_roles);
            case 4:
              return Text(v, p, Charset::kText, kTextMax, &rule->anchor);
            case 5:
              return PeriodValue(v, p, &rule->period);
            case 6:
              return r_.Bool(v, p, &rule->configurable);
            default:
              return Text(v, p, Charset::kText, kNoteMax, &rule->note);
          }
        }));
    for (size_t j = 0; j < rule->reporter_roles.size(); ++j) {
      const Role role = rule->reporter_roles[j];
      if (!RoleMayFile(role, rule->report_type)) {
        return r_.Error(ep.Key("reporter_roles").Index(j), "role_may_not_file",
                        fmt::format("a {} may not file {} reports (docs/report-format.md)",
                                    RoleName(role), ReportTypeName(rule->report_type)));
      }
    }
    if (rule->configurable && rule->note.empty()) {
      return r_.Error(ep.Key("note"), "note_required",
                      "a configurable rule needs a note saying why its period was chosen");
    }
    return Status::Ok();
  }

  Status Duty(element v, const Path& p, std::string* out) const {
    std::string_view s;
    BATTRACE_RETURN_IF_ERROR(r_.String(v, p, Charset::kIdentifier, kNameMax, &s));
    if (std::find(kDutyKeys.begin(), kDutyKeys.end(), s) == kDutyKeys.end()) {
      return r_.Error(
          p, "unknown_duty",
          fmt::format("\"{}\" is not a duty key; known: {}", s, fmt::join(kDutyKeys, ", ")));
    }
    out->assign(s);
    return Status::Ok();
  }

  Status Type(element v, const Path& p, ReportType* out) const {
    std::string_view s;
    BATTRACE_RETURN_IF_ERROR(r_.String(v, p, Charset::kIdentifier, kNameMax, &s));
    const std::optional<ReportType> type = ReportTypeFromName(s);
    if (!type) {
      return r_.Error(p, "report_type",
                      fmt::format("\"{}\" is not a report type (docs/report-format.md)", s));
    }
    if (*type == ReportType::kCorrection) {
      return r_.Error(p, "report_type", "a correction discharges no duty of its own");
    }
    *out = *type;
    return Status::Ok();
  }

  Status Roles(element v, const Path& p, std::vector<Role>* out) const {
    array a;
    BATTRACE_RETURN_IF_ERROR(r_.Array(v, p, true, &a));
    size_t n = 0;
    for (element e : a) {
      const Path ep = p.Index(n++);
      std::string_view s;
      BATTRACE_RETURN_IF_ERROR(r_.String(e, ep, Charset::kIdentifier, kNameMax, &s));
      const std::optional<Role> role = RoleFromName(s);
      if (!role) {
        return r_.Error(ep, "role", fmt::format("\"{}\" is not a role", s));
      }
      if (std::find(out->begin(), out->end(), *role) != out->end()) {
        return r_.Error(ep, "duplicate_role", fmt::format("role \"{}\" is listed twice", s));
      }
      out->push_back(*role);
    }
    return Status::Ok();
  }

  // Read as text, so that "20 days" is a period.format error rather than a character error.
  Status PeriodValue(element v, const Path& p, Period* out) const {
    std::string_view s;
    BATTRACE_RETURN_IF_ERROR(r_.String(v, p, Charset::kText, kNameMax, &s));
    auto period = Period::Parse(s);
    if (!period.ok()) return strict_json::Reader::Relocate(period.status(), p);
    *out = *period;
    return Status::Ok();
  }

  strict_json::Reader r_;
};

Result<Regime> ParseRegime(std::string_view text, const std::string& source_name) {
  const std::string prefix = source_name + "#";
  strict_json::element root;
  Status parsed = strict_json::ParseDocument(text, kMaxFileBytes, "rules", &root);
  if (!parsed.ok()) return parsed.WithFieldPrefix(prefix);
  auto regime = RegimeParser().Top(root);
  if (!regime.ok()) return regime.status().WithFieldPrefix(prefix);
  regime->file = source_name;
  return regime;
}

std::string Span(const Regime& r) {
  return fmt::format("{}..{}", r.effective_from.ToString(),
                     r.effective_to ? fmt::format("{} (exclusive)", r.effective_to->ToString())
                                    : std::string("open-ended"));
}

}  // namespace

std::span<const std::string_view> DutyKeys() {
  return kDutyKeys;
}

bool Rule::Binds(Role role) const {
  return std::find(reporter_roles.begin(), reporter_roles.end(), role) != reporter_roles.end();
}

bool Regime::InForceOn(Date d) const {
  return effective_from <= d && (!effective_to || d < *effective_to);
}

Result<RuleSet> RuleSet::FromJson(std::string_view text, const std::string& source_name) {
  auto regime = ParseRegime(text, source_name);
  if (!regime.ok()) return regime.status();
  RuleSet set;
  set.regimes_.push_back(std::move(regime).value());
  return set;
}

Result<RuleSet> RuleSet::LoadDirectory(const std::string& dir) {
  BATTRACE_ASSIGN_OR_RETURN(files, ReadJsonFiles(dir, "regime file"));
  RuleSet set;
  std::map<std::string, std::string, std::less<>> file_of_name;
  for (const DataFile& file : files) {
    const std::string& name = file.name;
    auto regime = ParseRegime(file.text, name);
    if (!regime.ok()) return regime.status();
    const auto [it, inserted] = file_of_name.emplace(regime->name, name);
    if (!inserted) {
      return Status::Invalid(
          name + "#/name", "rules.duplicate_regime",
          fmt::format("{} already defines the regime \"{}\"", it->second, regime->name));
    }
    set.regimes_.push_back(std::move(regime).value());
  }
  std::stable_sort(set.regimes_.begin(), set.regimes_.end(), [](const Regime& a, const Regime& b) {
    return a.effective_from < b.effective_from;
  });
  for (size_t i = 1; i < set.regimes_.size(); ++i) {
    const Regime& a = set.regimes_[i - 1];
    const Regime& b = set.regimes_[i];
    if (!a.effective_to || b.effective_from < *a.effective_to) {
      return Status::Invalid(b.file + "#/effective_from", "rules.overlap",
                             fmt::format("the regime \"{}\" ({}) overlaps \"{}\" of {} ({}): one "
                                         "regime at most may be in force on a day",
                                         b.name, Span(b), a.name, a.file, Span(a)));
    }
  }
  return set;
}

std::string RuleSet::DefaultDirectory() {
  return DataDirectory("BATTRACE_RULES_DIR", BATTRACE_DEFAULT_RULES_DIR);
}

const Regime* RuleSet::RegimeOn(Date d) const {
  for (const Regime& r : regimes_) {
    if (r.InForceOn(d)) return &r;
  }
  return nullptr;
}

const Rule* RuleSet::Find(std::string_view duty, Date anchor) const {
  const Regime* regime = RegimeOn(anchor);
  if (regime == nullptr) return nullptr;
  for (const Rule& rule : regime->rules) {
    if (rule.duty == duty) return &rule;
  }
  return nullptr;
}

LegalCalendar::Due DueDate(const Rule& rule, Date anchor, const LegalCalendar& calendar) {
  LegalCalendar::Due due = calendar.DueDate(anchor, rule.period);
  if (rule.configurable) {
    due.warnings.push_back(
        fmt::format("the period {} of duty {} under {} is a configurable default, not a period "
                    "confirmed from the text",
                    rule.period.ToString(), rule.duty, rule.regime));
  }
  return due;
}

}  // namespace battrace
