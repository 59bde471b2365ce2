// The request parameters (server/params.h): what each takes, and the problem naming the
// parameter for what it refuses.
#include "server/params.h"

#include <gtest/gtest.h>

#include <cstdint>

namespace battrace::server {
namespace {

HttpRequest WithQuery(std::map<std::string, std::string> query) {
  HttpRequest req;
  req.query = std::move(query);
  return req;
}

TEST(UintParam, TakesDecimalDigitsUpToTheMaximum) {
  EXPECT_EQ(*UintParam(WithQuery({{"n", "0"}}), "n", 7, 10), 0u);
  EXPECT_EQ(*UintParam(WithQuery({{"n", "10"}}), "n", 7, 10), 10u);
  EXPECT_EQ(*UintParam(WithQuery({{"n", "007"}}), "n", 0, 10), 7u);
  EXPECT_EQ(*UintParam(WithQuery({}), "n", 7, 10), 7u);  // absent: the fallback
  EXPECT_EQ(*UintParam(WithQuery({{"n", "9223372036854775807"}}), "n", 0, INT64_MAX),
            uint64_t{INT64_MAX});
}

TEST(UintParam, RefusesAnythingButDigitsNamingTheParameter) {
  for (const char* bad :
       {"", "11", "-1", "+1", " 1", "1 ", "1x", "0x1", "1.0", "1e3", "9223372036854775808",
        "18446744073709551616", "99999999999999999999999"}) {
    const uint64_t max = std::string_view(bad) == "11" ? 10 : INT64_MAX;
    auto n = UintParam(WithQuery({{"leaf", bad}}), "leaf", 0, max);
    ASSERT_FALSE(n.ok()) << "'" << bad << "'";
    EXPECT_EQ(n.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(n.status().field(), "leaf");
    EXPECT_EQ(n.status().rule(), "query.integer");
    EXPECT_EQ(n.status().message(), "leaf must be an integer from 0 to " + std::to_string(max));
  }
}

TEST(UintParam, OptionalAndRequiredLedgerIndexes) {
  EXPECT_FALSE(OptionalUintParam(WithQuery({}), "size")->has_value());
  EXPECT_EQ(**OptionalUintParam(WithQuery({{"size", "12"}}), "size"), 12u);
  EXPECT_EQ(OptionalUintParam(WithQuery({{"size", "x"}}), "size").status().rule(), "query.integer");
  EXPECT_EQ(*RequiredUintParam(WithQuery({{"leaf", "3"}}), "leaf"), 3u);
  auto absent = RequiredUintParam(WithQuery({}), "leaf");
  EXPECT_EQ(absent.status().field(), "leaf");
  EXPECT_EQ(absent.status().rule(), "query.required");
  EXPECT_EQ(absent.status().message(), "leaf is required");
  // A malformed value is refused as malformed, not as absent.
  EXPECT_EQ(RequiredUintParam(WithQuery({{"leaf", "-3"}}), "leaf").status().rule(),
            "query.integer");
}

TEST(LimitParam, OneToAThousandAHundredByDefault) {
  EXPECT_EQ(*LimitParam(WithQuery({})), kDefaultPage);
  EXPECT_EQ(*LimitParam(WithQuery({{"limit", "1"}})), 1u);
  EXPECT_EQ(*LimitParam(WithQuery({{"limit", "1000"}})), 1000u);
  for (const char* bad : {"0", "1001", "ten"}) {
    auto limit = LimitParam(WithQuery({{"limit", bad}}));
    EXPECT_EQ(limit.status().field(), "limit") << bad;
    EXPECT_EQ(limit.status().rule(), "query.integer") << bad;
  }
  EXPECT_EQ(LimitParam(WithQuery({{"limit", "0"}})).status().message(),
            "limit must be an integer from 1 to 1000");
}

TEST(EnumParam, TheIndexOfTheNameTheFirstByDefault) {
  EXPECT_EQ(*EnumParam(WithQuery({}), "sort", {"kind", "date", "-date"}), 0u);
  EXPECT_EQ(*EnumParam(WithQuery({{"sort", "-date"}}), "sort", {"kind", "date", "-date"}), 2u);
  auto bad = EnumParam(WithQuery({{"sort", "Date"}}), "sort", {"kind", "date", "-date"});
  EXPECT_EQ(bad.status().field(), "sort");
  EXPECT_EQ(bad.status().rule(), "query.enum");
  EXPECT_EQ(bad.status().message(), "sort must be one of kind, date, -date");
}

TEST(WantsCsv, TheFormatParameterElseTheAcceptHeader) {
  EXPECT_FALSE(*WantsCsv(WithQuery({})));
  EXPECT_TRUE(*WantsCsv(WithQuery({{"format", "csv"}})));
  EXPECT_FALSE(*WantsCsv(WithQuery({{"format", "json"}})));
  EXPECT_EQ(WantsCsv(WithQuery({{"format", "xml"}})).status().rule(), "query.enum");
  HttpRequest req;
  req.headers["accept"] = "text/csv";
  EXPECT_TRUE(*WantsCsv(req));
}

TEST(CodesParam, StrictByDefault) {
  EXPECT_EQ(*CodesParam(WithQuery({})), Strictness::kStrict);
  EXPECT_EQ(*CodesParam(WithQuery({{"codes", "lenient"}})), Strictness::kLenient);
  EXPECT_EQ(CodesParam(WithQuery({{"codes", "loose"}})).status().field(), "codes");
}

TEST(ReportTypeParam, OnlyWithACsvBody) {
  EXPECT_FALSE(ReportTypeParam(WithQuery({}), BodyFormat::kJsonArray)->has_value());
  EXPECT_EQ(ReportTypeParam(WithQuery({{"type", "battery.inbound"}}), BodyFormat::kNdjson)
                .status()
                .rule(),
            "reports.type");
  EXPECT_TRUE(
      ReportTypeParam(WithQuery({{"type", "battery.inbound"}}), BodyFormat::kCsv)->has_value());
  EXPECT_EQ(ReportTypeParam(WithQuery({{"type", "battery"}}), BodyFormat::kCsv).status().rule(),
            "query.enum");
}

TEST(AsOf, TheBeijingDayOfNowByDefault) {
  // 2026-06-30T16:00:00Z is 2026-07-01 in Beijing.
  const Instant now = *ParseTimestamp("2026-06-30T16:00:00Z");
  EXPECT_EQ(AsOf(WithQuery({}), now)->ToString(), "2026-07-01");
  EXPECT_EQ(AsOf(WithQuery({{"as_of", "2026-01-02"}}), now)->ToString(), "2026-01-02");
  EXPECT_EQ(AsOf(WithQuery({{"as_of", "2026-13-02"}}), now).status().field(), "as_of");
}

TEST(DateRangeParams, FromNotAfterTo) {
  store::FindingFilter filter;
  EXPECT_TRUE(
      DateRangeParams(WithQuery({{"from", "2026-01-01"}, {"to", "2026-01-31"}}), &filter).ok());
  EXPECT_EQ(filter.from->ToString(), "2026-01-01");
  EXPECT_EQ(filter.to->ToString(), "2026-01-31");
  store::FindingFilter reversed;
  EXPECT_EQ(
      DateRangeParams(WithQuery({{"from", "2026-02-01"}, {"to", "2026-01-31"}}), &reversed).rule(),
      "findings.range");
}

}  // namespace
}  // namespace battrace::server
