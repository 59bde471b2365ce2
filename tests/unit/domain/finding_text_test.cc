// The regulator members of a finding (docs/findings.md, "For regulators").
#include "domain/finding_text.h"

#include <gtest/gtest.h>

#include <array>
#include <set>
#include <string>
#include <vector>

#include "domain/finding.h"

namespace battrace::domain {
namespace {

const RuleSet& ShippedRules() {
  static const Result<RuleSet> rules = RuleSet::LoadDirectory(BATTRACE_DEFAULT_RULES_DIR);
  EXPECT_TRUE(rules.ok()) << rules.status().ToString();
  return *rules;
}

Finding Late(const std::string& article) {
  Finding f;
  f.kind = "late_report";
  f.article = article;
  f.party = "91110000MA01ABCD1X";
  f.subject = "91110000MA01ABCD1X/r-1";
  f.due = *Date::Parse("2026-06-01");
  f.evidence = {"91110000MA01ABCD1X/r-1"};
  f.authority = {"MIIT", "110000"};
  f.detail = "vehicle.produced of ... was due";
  return f;
}

TEST(FindingTextTest, EveryKindHasANameInBothLanguages) {
  std::set<std::string> names;
  for (std::string_view kind : kFindingKinds) {
    const std::string zh = FindingKindName(kind, Lang::kZhCn);
    const std::string en = FindingKindName(kind, Lang::kEn);
    EXPECT_NE(zh, kind);
    EXPECT_NE(en, kind);
    EXPECT_TRUE(names.insert(zh).second) << zh;
    EXPECT_TRUE(names.insert(en).second) << en;
  }
  EXPECT_EQ(FindingKindName("no_such_kind", Lang::kEn), "no_such_kind");
}

TEST(FindingTextTest, ChineseNumbersAsArticlesAreWritten) {
  EXPECT_EQ(ChineseNumber(1), "一");
  EXPECT_EQ(ChineseNumber(9), "九");
  EXPECT_EQ(ChineseNumber(10), "十");
  EXPECT_EQ(ChineseNumber(11), "十一");
  EXPECT_EQ(ChineseNumber(20), "二十");
  EXPECT_EQ(ChineseNumber(24), "二十四");
  EXPECT_EQ(ChineseNumber(35), "三十五");
  EXPECT_EQ(ChineseNumber(100), "一百");
  EXPECT_EQ(ChineseNumber(105), "一百零五");
  EXPECT_EQ(ChineseNumber(110), "一百一十");
  EXPECT_EQ(ChineseNumber(999), "九百九十九");
}

TEST(FindingTextTest, MeasuresArticlesInWords) {
  // One citation whole; the others vary the article and the item.
  EXPECT_EQ(*ArticleInWords("24.2a", Lang::kZhCn),
            "《新能源汽车废旧动力电池回收和综合利用管理暂行办法》第二十四条第二项");
  EXPECT_EQ(*ArticleInWords("24.2a", Lang::kEn),
            "Interim Measures for the Management of Recycling and Comprehensive Utilization of "
            "Waste Power Batteries of New Energy Vehicles, Article 24(2)");
  const std::string zh = "《新能源汽车废旧动力电池回收和综合利用管理暂行办法》";
  const std::string en =
      "Interim Measures for the Management of Recycling and Comprehensive Utilization of Waste "
      "Power Batteries of New Energy Vehicles, ";
  const std::vector<std::array<std::string, 3>> cases = {
      {"24.1", "第二十四条第一项", "Article 24(1)"},
      {"24.8", "第二十四条第八项", "Article 24(8)"},
      {"10", "第十条", "Article 10"},
      {"35", "第三十五条", "Article 35"},
  };
  for (const auto& [key, zh_tail, en_tail] : cases) {
    EXPECT_EQ(*ArticleInWords(key, Lang::kZhCn), zh + zh_tail);
    EXPECT_EQ(*ArticleInWords(key, Lang::kEn), en + en_tail);
  }
}

TEST(FindingTextTest, ProvisionsArticlesInWords) {
  EXPECT_EQ(*ArticleInWords("2018-13", Lang::kZhCn),
            "《新能源汽车动力蓄电池回收利用溯源管理暂行规定》第十三条");
  EXPECT_EQ(*ArticleInWords("2018-9", Lang::kEn),
            "Interim Provisions on the Traceability Management of New Energy Vehicle Power "
            "Battery Recycling, Article 9");
}

TEST(FindingTextTest, EveryShippedArticleHasWords) {
  for (const Regime& regime : ShippedRules().regimes()) {
    for (const Rule& r : regime.rules) {
      EXPECT_TRUE(ArticleInWords(r.article, Lang::kZhCn)) << r.article;
      EXPECT_TRUE(ArticleInWords(r.article, Lang::kEn)) << r.article;
      // The instrument follows the regime the rule belongs to.
      EXPECT_EQ(ArticleInWords(r.article, Lang::kEn)->starts_with("Interim Provisions"),
                regime.name == "2018-provisions")
          << r.article;
    }
  }
}

TEST(FindingTextTest, MalformedArticlesHaveNoWords) {
  for (const char* bad :
       {"", "x", "24.", "24.x", "0", "024", "2018-", "2018-9.1", "1000", "24.2ab", ".2"}) {
    EXPECT_FALSE(ArticleInWords(bad, Lang::kEn)) << bad;
  }
}

TEST(FindingTextTest, ConfigurableDefaultPeriodsAreFlagged) {
  const RuleSet& rules = ShippedRules();
  // 24.8 (dismantler) is configurable in the Measures: a warning, naming the period.
  auto note = PeriodNote(Late("24.8"), &rules, Lang::kEn);
  ASSERT_TRUE(note);
  EXPECT_NE(note->find("15d (24.8)"), std::string::npos) << *note;
  EXPECT_NE(note->find("configurable default"), std::string::npos);
  EXPECT_NE(PeriodNote(Late("24.8"), &rules, Lang::kZhCn)->find("可配置的默认期限"),
            std::string::npos);
  // 2018-9 carries two configurable rules (production and sales): both are named.
  note = PeriodNote(Late("2018-9"), &rules, Lang::kEn);
  ASSERT_TRUE(note);
  EXPECT_NE(note->find("15wd (24.2a)"), std::string::npos) << *note;
  EXPECT_NE(note->find("30wd (24.2b)"), std::string::npos) << *note;
  // A period the text sets: no warning.
  EXPECT_FALSE(PeriodNote(Late("24.2a"), &rules, Lang::kEn));
  EXPECT_FALSE(PeriodNote(Late("2018-13"), &rules, Lang::kEn));
  // Kinds that rest on no period: none, whatever the article.
  Finding id = Late("12");
  id.kind = "missing_digital_id";
  EXPECT_FALSE(PeriodNote(id, &rules, Lang::kEn));
  EXPECT_TRUE(PeriodNote(Late("12"), &rules, Lang::kEn));  // utilized, configurable
  EXPECT_FALSE(PeriodNote(Late("24.8"), nullptr, Lang::kEn));
}

TEST(FindingTextTest, MissingFieldsRoundTripThroughTheDetail) {
  const std::vector<std::string> fields = {"model", "ratings_or_parts"};
  const std::string detail = "pack X is installed ..." + MissingFieldsDetail(fields);
  EXPECT_EQ(detail, "pack X is installed ...; missing: model, ratings_or_parts");
  EXPECT_EQ(MissingFields(detail), fields);
  EXPECT_EQ(MissingFields("pack X" + MissingFieldsDetail({"battery.produced"})),
            std::vector<std::string>{"battery.produced"});
  EXPECT_TRUE(MissingFields("an older detail without the list").empty());
}

TEST(FindingTextTest, MessagesNameThePartyTheSubjectTheDueDateAndTheArticle) {
  const PartyInfo party{"北京新能源汽车股份有限公司", "110000"};
  const Finding f = Late("24.2a");
  EXPECT_EQ(FindingMessage(f, party, Lang::kZhCn),
            "北京新能源汽车股份有限公司（91110000MA01ABCD1X）的报告91110000MA01ABCD1X/r-1"
            "迟于应报日期2026-06-01提交（《新能源汽车废旧动力电池回收和综合利用管理暂行办法》"
            "第二十四条第二项）。");
  EXPECT_EQ(FindingMessage(f, std::nullopt, Lang::kEn),
            "91110000MA01ABCD1X filed report 91110000MA01ABCD1X/r-1 after its due date "
            "2026-06-01 (Interim Measures for the Management of Recycling and Comprehensive "
            "Utilization of Waste Power Batteries of New Energy Vehicles, Article 24(2)).");
  // Every kind has its own sentence in both languages.
  for (std::string_view kind : kFindingKinds) {
    Finding k = f;
    k.kind = std::string(kind);
    for (Lang lang : {Lang::kEn, Lang::kZhCn}) {
      const std::string m = FindingMessage(k, party, lang);
      EXPECT_EQ(m.find(std::string(kind)), std::string::npos) << "generic message for " << kind;
      EXPECT_NE(m.find("北京新能源汽车股份有限公司"), std::string::npos) << m;
      const std::string a = FindingAction(k, &ShippedRules(), lang);
      EXPECT_FALSE(a.starts_with(lang == Lang::kEn ? "Comply with" : "按")) << kind << ": " << a;
      EXPECT_EQ(a.find('{'), std::string::npos) << a;  // every placeholder filled
      EXPECT_EQ(m.find('{'), std::string::npos) << m;
    }
  }
}

TEST(FindingTextTest, ActionsNameTheReportThatDischargesTheDuty) {
  Finding f = Late("24.6b");
  f.kind = "overdue_report";
  f.subject = "031PBE0C000001A1B2C3D4E5F";
  f.fulfils = "battery.inbound";
  EXPECT_EQ(FindingAction(f, &ShippedRules(), Lang::kEn),
            "File the battery.inbound of 031PBE0C000001A1B2C3D4E5F.");
  EXPECT_EQ(FindingAction(f, &ShippedRules(), Lang::kZhCn),
            "报送031PBE0C000001A1B2C3D4E5F的battery.inbound。");
  Finding q = Late("35");
  q.kind = "unqualified_recycler";
  q.subject = "eia";
  EXPECT_EQ(FindingAction(q, &ShippedRules(), Lang::kEn),
            "Obtain a valid environmental impact assessment (EIA) approval before receiving "
            "waste batteries.");
  // A late report: the rule's report type and period.
  EXPECT_EQ(FindingAction(Late("24.2a"), &ShippedRules(), Lang::kEn),
            "File every vehicle.produced within its period (20d).");
}

TEST(FindingTextTest, RegulatorJsonKeepsThePinnedMembersFirst) {
  Finding f = Late("24.8");
  const auto j =
      RegulatorFindingJson(f, PartyInfo{"某拆解企业", "110105"}, &ShippedRules(), Lang::kZhCn);
  std::vector<std::string> keys;
  for (const auto& [k, v] : j.items())
    keys.push_back(k);
  const std::vector<std::string> expected = {
      "kind",         "article",   "party",   "subject",    "due",
      "evidence",     "authority", "detail",  "party_name", "party_division",
      "article_text", "action",    "message", "period_note"};
  EXPECT_EQ(keys, expected);
  EXPECT_EQ(j["party_name"], "某拆解企业");
  EXPECT_EQ(j["article_text"]["zh-CN"],
            "《新能源汽车废旧动力电池回收和综合利用管理暂行办法》第二十四条第八项");
  // The pinned members are FindingToJson's, unchanged.
  nlohmann::ordered_json pinned = j;
  for (const char* k :
       {"party_name", "party_division", "article_text", "action", "message", "period_note"}) {
    pinned.erase(k);
  }
  EXPECT_EQ(pinned, FindingToJson(f));
  // An unregistered party: no name, no division.
  const auto anon = RegulatorFindingJson(f, std::nullopt, &ShippedRules(), Lang::kEn);
  EXPECT_FALSE(anon.contains("party_name"));
  EXPECT_FALSE(anon.contains("party_division"));
  // missing_digital_id: the missing array.
  Finding id = f;
  id.kind = "missing_digital_id";
  id.article = "12";
  id.detail = "pack X" + MissingFieldsDetail({"battery.produced"});
  EXPECT_EQ(RegulatorFindingJson(id, std::nullopt, &ShippedRules(), Lang::kEn)["missing"],
            nlohmann::ordered_json::array({"battery.produced"}));
}

}  // namespace
}  // namespace battrace::domain
