// GCC 12 at -O1 with the sanitizers takes std::regex's state copies (inside <functional>, which
// gtest includes first) for reads of uninitialized storage: a false positive that -Werror would
// make fatal in the sanitized build.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include "core/rule_text.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "domain/report_type.h"

namespace battrace {
namespace {

// The text of a C++ source with its // comments blanked (string literals kept).
std::string WithoutComments(const std::string& text) {
  std::string out;
  bool in_string = false, in_char = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if ((in_string || in_char) && c == '\\') {
      out += c;
      if (i + 1 < text.size()) out += text[++i];
      continue;
    }
    if (!in_char && c == '"') in_string = !in_string;
    if (!in_string && c == '\'') in_char = !in_char;
    if (!in_string && !in_char && c == '/' && i + 1 < text.size() && text[i + 1] == '/') {
      while (i < text.size() && text[i] != '\n')
        ++i;
      out += '\n';
      continue;
    }
    out += c;
  }
  return out;
}

// Every rule id written as a string literal in src/: a dotted lower-case literal
// ("auth.role"), or any literal passed as Status::Invalid's rule argument ("usage"). Report type
// names ("battery.inbound") and data file names ("registry.ndjson") are not rules.
std::map<std::string, std::string> RuleIdsInSources() {
  const std::filesystem::path src = std::filesystem::path(BATTRACE_TEST_DATA) / ".." / "src";
  const std::regex dotted(R"re("([a-z][a-z0-9_]*(\.[a-z0-9_]+)+)")re");
  const std::regex field_title(R"re(\s*,\s*"[^\x01-\x7f])re");
  const std::regex invalid_rule(
      R"re(Status::Invalid\(\s*(?:[^,()]|\([^()]*\))*,\s*"([a-z0-9_.]+)")re");
  std::map<std::string, std::string> ids;  // id -> a file using it
  std::set<std::string> fields;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(src)) {
    const auto ext = entry.path().extension();
    if (!entry.is_regular_file() || (ext != ".cc" && ext != ".h")) continue;
    std::ifstream in(entry.path());
    std::stringstream buffer;
    buffer << in.rdbuf();
    const std::string code = WithoutComments(buffer.str());
    const std::string file = entry.path().lexically_relative(src).string();
    for (const std::regex* re : {&dotted, &invalid_rule}) {
      for (std::sregex_iterator it(code.begin(), code.end(), *re), end; it != end; ++it) {
        const std::string id = (*it)[1];
        if (ReportTypeFromName(id)) continue;
        // A field paired with its Chinese column title ({"outlet.id", "网点编号"}) is no rule,
        // wherever else its name is written (the catalogue pairs rules with their sentences).
        if (re == &dotted && file != "core/rule_text.cc" &&
            std::regex_search(it->suffix().first, it->suffix().second, field_title,
                              std::regex_constants::match_continuous)) {
          fields.insert(id);
          continue;
        }
        if (id.ends_with(".ndjson") || id.ends_with(".csv") || id.ends_with(".key")) continue;
        ids.emplace(id, file);
      }
    }
  }
  for (const std::string& field : fields)
    ids.erase(field);
  return ids;
}

TEST(RuleTextTest, EveryRuleEmittedInTheSourcesHasASentence) {
  const auto ids = RuleIdsInSources();
  ASSERT_GT(ids.size(), 80u) << "the scan of src/ found too few rule ids: is the path right?";
  std::string missing;
  for (const auto& [id, file] : ids) {
    if (!RuleSentence(id, Lang::kZhCn) || !RuleSentence(id, Lang::kEn)) {
      missing += "\n  " + id + " (" + file + ")";
    }
  }
  EXPECT_TRUE(missing.empty())
      << "rule ids without an entry in the rule catalogue (src/core/rule_text.cc); add a "
         "zh-CN and an en sentence for each:"
      << missing;
}

TEST(RuleTextTest, CatalogueEntriesAreDistinctAndComplete) {
  std::set<std::string_view> seen;
  for (const RuleText& t : RuleCatalogue()) {
    EXPECT_TRUE(seen.insert(t.rule).second) << "twice: " << t.rule;
    EXPECT_FALSE(t.zh.empty()) << t.rule;
    EXPECT_FALSE(t.en.empty()) << t.rule;
    EXPECT_NE(t.zh, t.en) << t.rule;
  }
}

TEST(RuleTextTest, StrictReaderRulesFallBackToTheirSuffix) {
  // "report.required" has no entry of its own: the shared "*.required" answers.
  EXPECT_EQ(*RuleSentence("report.required", Lang::kEn), "a required field must be present");
  EXPECT_EQ(*RuleSentence("rules.required", Lang::kZhCn), "缺少必填字段");
  // An own entry wins over the suffix.
  EXPECT_EQ(*RuleSentence("report.unknown_field", Lang::kZhCn), "报告含有未定义的字段");
  EXPECT_FALSE(RuleSentence("no.such_rule", Lang::kEn));
  EXPECT_FALSE(RuleSentence("", Lang::kZhCn));
}

TEST(RuleTextTest, LocalizedErrorKeepsTheEnglishMessage) {
  const Status st = Status::Invalid("party", "uscc.check_character", "check character is 'X'");
  EXPECT_EQ(LocalizedError(st, Lang::kEn), "party: check character is 'X' [uscc.check_character]");
  EXPECT_EQ(LocalizedError(st, Lang::kZhCn),
            "party: 统一社会信用代码校验码错误（check character is 'X'） [uscc.check_character]");
  // No rule (or none in the catalogue): the English message alone.
  EXPECT_EQ(LocalizedError(Status::NotFound("no battery X"), Lang::kZhCn), "no battery X");
}

TEST(RuleTextTest, TitlesFollowTheHttpStatus) {
  EXPECT_EQ(ErrorTitle(400, Lang::kEn), "Bad request");
  EXPECT_EQ(ErrorTitle(400, Lang::kZhCn), "请求有误");
  EXPECT_EQ(ErrorTitle(403, Lang::kZhCn), "无权访问");
  EXPECT_EQ(ErrorTitle(502, Lang::kZhCn), "服务器内部错误");
  EXPECT_EQ(ErrorTitle(418, Lang::kEn), "Error");
}

}  // namespace
}  // namespace battrace
