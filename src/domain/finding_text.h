// Findings for people and regulators (docs/findings.md, "For regulators"): the article in
// words, what the party must do, a message per kind, the warning of a configurable default
// period, in English and Simplified Chinese. Built from a finding's members, never from its
// free-text `detail`, except the missing fields of a missing_digital_id, which the engine writes
// there in a fixed form (MissingFieldsDetail).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/lang.h"
#include "domain/rules.h"
#include "domain/state.h"

namespace battrace::domain {

// An article key as findings cite it, in words: "24.2a" -> 《新能源汽车废旧动力电池回收和综合利用
// 管理暂行办法》第二十四条第二项 / "Interim Measures for ..., Article 24(2)"; "2018-13" -> the
// 2018 Interim Provisions, Article 13. nullopt for a key that is neither spelling (rules/README.md,
// "Article spelling").
std::optional<std::string> ArticleInWords(std::string_view article, Lang lang);

// Chinese numerals of 1 <= n <= 999 as article numbers are written: 9 九, 10 十, 24 二十四, 105
// 一百零五.
std::string ChineseNumber(int n);

// The registered name and division of a finding's party, from the current registry.
struct PartyInfo {
  std::string name;
  std::string division;
};

// The name of a finding kind (a heading, a chart's label): "逾期未报" / "Overdue report"; the kind
// itself for one that is not in kFindingKinds.
std::string FindingKindName(std::string_view kind, Lang lang);

// What the party of `finding` must do, one sentence.
std::string FindingAction(const Finding& finding, const RuleSet* rules, Lang lang);

// One sentence stating the finding from its members (party name, subject, due, article).
std::string FindingMessage(const Finding& finding, const std::optional<PartyInfo>& party,
                           Lang lang);

// The warning that the finding's due date rests on a configurable default period (a rule with
// `configurable: true` and the finding's article, for late_report and overdue_report); nullopt
// otherwise.
std::optional<std::string> PeriodNote(const Finding& finding, const RuleSet* rules, Lang lang);

// The fields of a complete digital ID a battery.produced lacked, in report-format order
// ("model", "rated_capacity_ah", "rated_energy_kwh", "mass_kg", "materials", "parts"), or
// {"battery.produced"} when the battery was never reported produced.
// The engine ends a missing_digital_id's detail with "; missing: a, b" (MissingFieldsDetail);
// MissingFields reads that list back (empty when the detail has none).
std::string MissingFieldsDetail(const std::vector<std::string>& fields);
std::vector<std::string> MissingFields(std::string_view detail);

// FindingToJson and then, for regulators: "party_name" and "party_division" (when registered),
// "article_text" ({"zh-CN": ..., "en": ...}), "action" and "message" (in `lang`),
// "period_note" (when a default period was used, in `lang`), "missing" (missing_digital_id).
nlohmann::ordered_json RegulatorFindingJson(const Finding& finding,
                                            const std::optional<PartyInfo>& party,
                                            const RuleSet* rules, Lang lang);

}  // namespace battrace::domain
