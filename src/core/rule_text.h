// The rule catalogue: for every rule id an error can carry (Status::rule(), e.g. "auth.role"),
// one sentence stating the rule, in English and in Simplified Chinese, for people who read the
// error in their language (docs/api.md, "Languages"). The specific message of the error (which
// value, which limit) stays English; the sentence says which rule it broke.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/lang.h"
#include "core/status.h"

namespace battrace {

struct RuleText {
  std::string_view rule;  // the rule id, or "*.<suffix>" for a rule of any strict reader
  std::string_view zh;
  std::string_view en;
};

// Every entry of the catalogue, in its order.
const std::vector<RuleText>& RuleCatalogue();

// The sentence of `rule` in `lang`: its own entry, else the entry "*.<suffix>" of its last dot
// segment (the strict JSON readers' rules: "report.required", "rules.type", ...); nullopt when
// the catalogue has neither.
std::optional<std::string_view> RuleSentence(std::string_view rule, Lang lang);

// A title for an error answer in `lang` (HTTP status 400, 401, ...), as RFC 9457 `title`.
std::string_view ErrorTitle(int http_status, Lang lang);

// One line for a person: in English the status's field and message (and rule); in Chinese the
// field, the rule's sentence and then the English message in brackets.
std::string LocalizedError(const Status& status, Lang lang);

}  // namespace battrace
