// Division codes against the compiled GB/T 2260 list: levels, names, the nation, unknown and
// malformed codes, jurisdiction prefixes.
#include "core/division.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace battrace {
namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;

struct KnownDivision {
  const char* code;
  DivisionLevel level;
  Fields fields;
  const char* province_code;
  const char* city_code;
  const char* prefix;
};

const KnownDivision kKnown[] = {
    {"000000",
     DivisionLevel::kNation,
     {{"level", "nation"}, {"name", "中华人民共和国"}},
     "000000",
     "000000",
     ""},
    {"440000",
     DivisionLevel::kProvince,
     {{"level", "province"}, {"name", "广东省"}, {"province", "广东省"}},
     "440000",
     "440000",
     "44"},
    {"440300",
     DivisionLevel::kCity,
     {{"level", "city"}, {"name", "深圳市"}, {"province", "广东省"}, {"city", "深圳市"}},
     "440000",
     "440300",
     "4403"},
    {"440305",
     DivisionLevel::kCounty,
     {{"level", "county"}, {"name", "南山区"}, {"province", "广东省"}, {"city", "深圳市"}},
     "440000",
     "440300",
     "440305"},
    // A district of a municipality: its city-level row is "市辖区".
    {"110108",
     DivisionLevel::kCounty,
     {{"level", "county"}, {"name", "海淀区"}, {"province", "北京市"}, {"city", "市辖区"}},
     "110000",
     "110100",
     "110108"},
    {"110100",
     DivisionLevel::kCity,
     {{"level", "city"}, {"name", "市辖区"}, {"province", "北京市"}, {"city", "市辖区"}},
     "110000",
     "110100",
     "1101"},
    // A county-level city governed by its province directly.
    {"419001",
     DivisionLevel::kCounty,
     {{"level", "county"},
      {"name", "济源市"},
      {"province", "河南省"},
      {"city", "省直辖县级行政区划"}},
     "410000",
     "419000",
     "419001"},
    // A city without counties stays a city.
    {"441900",
     DivisionLevel::kCity,
     {{"level", "city"}, {"name", "东莞市"}, {"province", "广东省"}, {"city", "东莞市"}},
     "440000",
     "441900",
     "4419"},
    {"350902",
     DivisionLevel::kCounty,
     {{"level", "county"}, {"name", "蕉城区"}, {"province", "福建省"}, {"city", "宁德市"}},
     "350000",
     "350900",
     "350902"},
};

TEST(DivisionTest, DecodesKnownDivisions) {
  for (const KnownDivision& k : kKnown) {
    SCOPED_TRACE(k.code);
    const CodeCheck check = Division::Check(k.code, Strictness::kStrict);
    EXPECT_TRUE(check.valid);
    EXPECT_EQ(check.kind, "division");
    EXPECT_EQ(check.fields, k.fields);
    EXPECT_EQ(Division::Check(k.code, Strictness::kLenient).fields, k.fields);

    auto d = Division::Parse(k.code);
    ASSERT_TRUE(d.ok()) << d.status().ToString();
    EXPECT_EQ(d->code(), k.code);
    EXPECT_EQ(d->level(), k.level);
    EXPECT_EQ(d->name(), k.fields[1].second);
    EXPECT_EQ(d->province_code(), k.province_code);
    EXPECT_EQ(d->city_code(), k.city_code);
    EXPECT_EQ(d->prefix(), k.prefix);
    EXPECT_TRUE(d->Contains(k.code));
  }
}

TEST(DivisionTest, NormalizesLikeOtherIdentifiers) {
  EXPECT_EQ(Division::Normalize(" 44-03 05\n"), "440305");
  EXPECT_EQ(Division::Normalize(Division::Normalize(" 44-03 05\n")), "440305");
  auto d = Division::Parse(" 4403-05 ");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->code(), "440305");
}

TEST(DivisionTest, RejectsMalformedCodes) {
  const std::pair<const char*, int> cases[] = {{"", 0},       {"44030", 0},   {"4403055", 0},
                                               {"44O305", 3}, {"4403０5", 5}, {"abcdef", 1}};
  for (const auto& [raw, first_position] : cases) {
    const CodeCheck check = Division::Check(raw, Strictness::kStrict);
    ASSERT_FALSE(check.valid) << raw;
    EXPECT_EQ(check.errors[0].rule, "division.format") << raw;
    EXPECT_EQ(check.errors[0].position, first_position) << raw;
    EXPECT_TRUE(check.fields.empty());
    const Status st = Division::Parse(raw).status();
    EXPECT_EQ(st.rule(), "division.format") << raw;
    EXPECT_EQ(st.field(), "division");
  }
  // Every non-digit is reported at its position.
  const CodeCheck check = Division::Check("4A03B5", Strictness::kStrict);
  ASSERT_EQ(check.errors.size(), 2u);
  EXPECT_EQ(check.errors[0].position, 2);
  EXPECT_EQ(check.errors[1].position, 5);
}

TEST(DivisionTest, RejectsCodesNotInTheList) {
  for (const char* code : {"440399", "999999", "100000", "440001", "000001", "990000"}) {
    const CodeCheck check = Division::Check(code, Strictness::kLenient);
    ASSERT_FALSE(check.valid) << code;
    ASSERT_EQ(check.errors.size(), 1u);
    EXPECT_EQ(check.errors[0].rule, "division.unknown");
    EXPECT_EQ(Division::Parse(code).status().rule(), "division.unknown");
  }
}

TEST(DivisionTest, ContainsFollowsThePrefix) {
  const Division nation = *Division::Parse("000000");
  const Division guangdong = *Division::Parse("440000");
  const Division shenzhen = *Division::Parse("440300");
  const Division nanshan = *Division::Parse("440305");
  EXPECT_TRUE(nation.Contains("440305"));
  EXPECT_TRUE(nation.Contains("110101"));
  EXPECT_TRUE(guangdong.Contains("440305"));
  EXPECT_TRUE(guangdong.Contains("441900"));
  EXPECT_FALSE(guangdong.Contains("450305"));
  EXPECT_TRUE(shenzhen.Contains("440305"));
  EXPECT_TRUE(shenzhen.Contains("440399"));  // not listed, but inside by its prefix
  EXPECT_FALSE(shenzhen.Contains("440105"));
  EXPECT_FALSE(nanshan.Contains("440306"));
  EXPECT_FALSE(shenzhen.Contains("4403"));
  EXPECT_FALSE(nation.Contains(""));
  EXPECT_FALSE(guangdong.Contains("44030X"));
}

TEST(DivisionTest, ListsEveryDivisionOfALevel) {
  EXPECT_EQ(Division::All(DivisionLevel::kNation).size(), 1u);
  const auto provinces = Division::All(DivisionLevel::kProvince);
  EXPECT_EQ(provinces.size(), 31u);  // the mainland: Hong Kong, Macao and Taiwan are not listed
  EXPECT_EQ(provinces.front().code(), "110000");
  EXPECT_EQ(provinces.front().name(), "北京市");

  std::set<std::string> seen;
  for (const DivisionLevel level :
       {DivisionLevel::kProvince, DivisionLevel::kCity, DivisionLevel::kCounty}) {
    const auto all = Division::All(level);
    EXPECT_GT(all.size(), 30u);
    for (size_t i = 0; i < all.size(); ++i) {
      const Division& d = all[i];
      ASSERT_EQ(d.level(), level) << d.code();
      if (i > 0) {
        ASSERT_LT(all[i - 1].code(), d.code());
      }
      ASSERT_TRUE(seen.insert(d.code()).second) << d.code();
      // Every listed division parses back to itself, inside its province and city.
      auto again = Division::Parse(d.code());
      ASSERT_TRUE(again.ok()) << d.code();
      ASSERT_EQ(again->name(), d.name());
      ASSERT_EQ(again->level(), level);
      ASSERT_TRUE(Division::Parse(d.province_code()).ok()) << d.code();
      ASSERT_TRUE(Division::Parse(d.province_code())->Contains(d.code())) << d.code();
      ASSERT_TRUE(Division::Parse(d.city_code())->Contains(d.code())) << d.code();
      const size_t zeros = d.code().size() - d.code().find_last_not_of('0') - 1;
      ASSERT_EQ(zeros >= 4, level == DivisionLevel::kProvince) << d.code();
      ASSERT_EQ(zeros >= 2, level != DivisionLevel::kCounty) << d.code();
    }
  }
  EXPECT_GT(seen.size(), 3000u);
}

}  // namespace
}  // namespace battrace
