// RFC 8785 canonicalization: the RFC's own examples (section 3.2.2, the member sorting example
// of 3.2.3, the ES6 number table of Appendix B) and battrace's integer range rule.
#include "ledger/canonical_json.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

namespace battrace::ledger {
namespace {

using nlohmann::json;

std::string Canon(const json& v) {
  auto out = CanonicalJson(v);
  EXPECT_TRUE(out.ok()) << out.status().ToString();
  return out.ok() ? *out : std::string();
}

TEST(CanonicalJsonTest, Rfc8785Section322Example) {
  const char* input = R"({
    "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
    "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
    "literals": [null, true, false]
  })";
  EXPECT_EQ(Canon(json::parse(input)),
            "{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
            "\"string\":\"\xE2\x82\xAC$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}");
}

TEST(CanonicalJsonTest, SortsMembersByUtf16CodeUnits) {
  // RFC 8785 section 3.2.3: U+1F600 (surrogates D83D DE00) sorts before U+FB33 although its
  // UTF-8 bytes (F0 ...) sort after (EF ...).
  const char* input = R"({
    "\u20ac": "Euro Sign",
    "\r": "Carriage Return",
    "\ufb33": "Hebrew Letter Dalet With Dagesh",
    "1": "One",
    "\ud83d\ude00": "Emoji: Grinning Face",
    "\u0080": "Control",
    "\u00f6": "Latin Small Letter O With Diaeresis"
  })";
  const std::string want =
      "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\xC2\x80\":\"Control\","
      "\"\xC3\xB6\":\"Latin Small Letter O With Diaeresis\",\"\xE2\x82\xAC\":\"Euro Sign\","
      "\"\xF0\x9F\x98\x80\":\"Emoji: Grinning Face\","
      "\"\xEF\xAC\xB3\":\"Hebrew Letter Dalet With Dagesh\"}";
  EXPECT_EQ(Canon(json::parse(input)), want);
  EXPECT_EQ(Canon(nlohmann::ordered_json::parse(input)), want);
}

TEST(CanonicalJsonTest, OrderedJsonIsSortedToo) {
  nlohmann::ordered_json v;
  v["b"] = 1;
  v["a"] = nlohmann::ordered_json::array({v["b"], "x"});
  v["ab"] = nullptr;
  EXPECT_EQ(*CanonicalJson(v), R"({"a":[1,"x"],"ab":null,"b":1})");
}

struct NumberCase {
  uint64_t ieee;
  const char* want;
};

TEST(CanonicalJsonTest, Rfc8785AppendixBNumbers) {
  const NumberCase cases[] = {
      {0x0000000000000000, "0"},
      {0x8000000000000000, "0"},
      {0x0000000000000001, "5e-324"},
      {0x8000000000000001, "-5e-324"},
      {0x7fefffffffffffff, "1.7976931348623157e+308"},
      {0xffefffffffffffff, "-1.7976931348623157e+308"},
      {0x4340000000000000, "9007199254740992"},
      {0xc340000000000000, "-9007199254740992"},
      {0x4430000000000000, "295147905179352830000"},
      {0x44b52d02c7e14af5, "9.999999999999997e+22"},
      {0x44b52d02c7e14af6, "1e+23"},
      {0x44b52d02c7e14af7, "1.0000000000000001e+23"},
      {0x444b1ae4d6e2ef4e, "999999999999999700000"},
      {0x444b1ae4d6e2ef4f, "999999999999999900000"},
      {0x444b1ae4d6e2ef50, "1e+21"},
      {0x3eb0c6f7a0b5ed8c, "9.999999999999997e-7"},
      {0x3eb0c6f7a0b5ed8d, "0.000001"},
      {0x41b3de4355555553, "333333333.3333332"},
      {0x41b3de4355555554, "333333333.33333325"},
      {0x41b3de4355555555, "333333333.3333333"},
      {0x41b3de4355555556, "333333333.3333334"},
      {0x41b3de4355555557, "333333333.33333343"},
      {0xbecbf647612f3696, "-0.0000033333333333333333"},
      {0x43143ff3c1cb0959, "1424953923781206.2"},
  };
  for (const NumberCase& c : cases) {
    EXPECT_EQ(Canon(json(std::bit_cast<double>(c.ieee))), c.want) << std::hex << c.ieee;
  }
  EXPECT_EQ(Canon(json(1e21)), "1e+21");
  EXPECT_EQ(Canon(json(1e20)), "100000000000000000000");
  EXPECT_EQ(Canon(json(1e-7)), "1e-7");
  EXPECT_EQ(Canon(json(1.5)), "1.5");
  EXPECT_EQ(Canon(json(123e-20)), "1.23e-18");
}

TEST(CanonicalJsonTest, RejectsNaNAndInfinity) {
  for (double d :
       {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity(),
        -std::numeric_limits<double>::infinity()}) {
    json v = {{"soc", {1, d}}};
    auto out = CanonicalJson(v);
    ASSERT_FALSE(out.ok());
    EXPECT_EQ(out.status().rule(), "json.number");
    EXPECT_EQ(out.status().field(), "/soc/1");
  }
}

TEST(CanonicalJsonTest, IntegersMustBeExactEsNumbers) {
  constexpr int64_t k53 = int64_t{1} << 53;
  EXPECT_EQ(Canon(json(k53)), "9007199254740992");
  EXPECT_EQ(Canon(json(-k53)), "-9007199254740992");
  EXPECT_EQ(Canon(json(uint64_t{1000000000000000000})), "1000000000000000000");
  EXPECT_EQ(Canon(json(int64_t{-1000000000000000000})), "-1000000000000000000");
  EXPECT_EQ(Canon(json(int64_t{-42})), "-42");
  for (const json& bad :
       {json(k53 + 1), json(-k53 - 1), json(uint64_t{1} << 60),
        json(std::numeric_limits<uint64_t>::max()), json(std::numeric_limits<int64_t>::min())}) {
    EXPECT_EQ(CanonicalJson(bad).status().rule(), "json.number.range") << bad.dump();
  }
}

TEST(CanonicalJsonTest, EscapesOnlyWhatRfc8785Requires) {
  std::string all_controls;
  for (int c = 0; c < 0x20; ++c)
    all_controls.push_back(static_cast<char>(c));
  EXPECT_EQ(Canon(json(all_controls)),
            "\"\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\b\\t\\n\\u000b\\f\\r"
            "\\u000e\\u000f\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017\\u0018"
            "\\u0019\\u001a\\u001b\\u001c\\u001d\\u001e\\u001f\"");
  EXPECT_EQ(Canon(json("/\x7f\xE2\x80\xA8<>&'")), "\"/\x7f\xE2\x80\xA8<>&'\"");
}

TEST(CanonicalJsonTest, RejectsInvalidUtf8) {
  for (const char* bad : {"\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xE2\x82", "\x80",
                          "\xF8\x88\x80\x80\x80"}) {
    EXPECT_EQ(CanonicalJson(json(bad)).status().rule(), "json.utf8");
    json obj;
    obj[std::string("k") + bad] = 1;
    EXPECT_EQ(CanonicalJson(obj).status().rule(), "json.utf8");
  }
  json nested = {{"a/b~", {{"x", "\xFF"}}}};
  EXPECT_EQ(CanonicalJson(nested).status().field(), "/a~1b~0/x");
}

TEST(CanonicalJsonTest, RejectsBinary) {
  EXPECT_EQ(CanonicalJson(json::binary({1, 2})).status().rule(), "json.type");
}

TEST(CanonicalJsonTest, AppendsToExistingBuffer) {
  std::string out = "x";
  ASSERT_TRUE(AppendCanonicalJson(json::parse(R"({ "b" : [ ], "a" : { } })"), &out).ok());
  EXPECT_EQ(out, R"(x{"a":{},"b":[]})");
}

// The member goes where its name sorts: first, between two members, last, into an empty object,
// and by UTF-16 code units (U+E000 after U+1F600), whatever the values hold.
TEST(CanonicalJsonTest, WithMemberEqualsCanonicalFormWithTheMemberAdded) {
  const json objects[] = {
      json::object(),
      json::parse(R"({"b":1})"),
      json::parse(R"({"a":"\"m\":1,","z":[{"m":2}]})"),
      json::parse(R"({"reporter":"x","report":{"reporter":"y"},"id":"r"})"),
      json::parse("{\"\U0001F600\":1,\"\uE000\":2}"),
  };
  const std::string names[] = {"m", "reported", "\uE001", "\U0001F601", "0"};
  for (const json& object : objects) {
    for (const std::string& name : names) {
      SCOPED_TRACE(object.dump() + " + " + name);
      const json value = {{"v", 1.5}, {"s", "t"}};
      std::string without = "stale";
      std::string with = "stale";
      ASSERT_TRUE(CanonicalJsonWithMember(object, name, value, &without, &with).ok());
      EXPECT_EQ(without, Canon(object));
      json added = object;
      added[name] = value;
      EXPECT_EQ(with, Canon(added));
    }
  }
}

TEST(CanonicalJsonTest, WithMemberErrors) {
  std::string without, with;
  EXPECT_EQ(CanonicalJsonWithMember(json::parse(R"({"a":1})"), "a", 2, &without, &with).code(),
            StatusCode::kInternal);
  EXPECT_EQ(CanonicalJsonWithMember(json::array(), "a", 2, &without, &with).code(),
            StatusCode::kInternal);
  EXPECT_EQ(CanonicalJsonWithMember(json::object(), "\xff", 2, &without, &with).rule(),
            "json.utf8");
  const Status nan = CanonicalJsonWithMember(json::object(), "a", NAN, &without, &with);
  EXPECT_EQ(nan.rule(), "json.number");
  EXPECT_EQ(nan.field(), "/a");
  const Status bad = CanonicalJsonWithMember({{"b", {{"c", NAN}}}}, "a", 2, &without, &with);
  EXPECT_EQ(bad.field(), "/b/c");
}

}  // namespace
}  // namespace battrace::ledger
