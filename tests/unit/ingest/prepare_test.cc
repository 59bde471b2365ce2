// ingest::Prepare: the leaf data is the canonical JSON of the whole stored form and the content
// hash that of the stored form without `reported`, for every report type, as two separate
// canonicalizations would give them (Prepare computes both from one).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "../domain/report_fixtures.h"
#include "ingest/pipeline.h"
#include "ledger/canonical_json.h"

namespace battrace::ingest {
namespace {

using battrace::testing::ValidReport;

constexpr Instant kNow = 1775001600000000;  // 2026-04-01T00:00:00Z

// Prepares one report read from `json` and checks its leaf against the full canonicalizations.
void ExpectLeafMatchesFullCanonicalization(const nlohmann::json& json,
                                           const ParseOptions& options) {
  SCOPED_TRACE(json.dump());
  std::vector<Item> items(1);
  items[0].line = 1;
  items[0].report = ParseReport(json.dump(), options);
  ASSERT_TRUE(items[0].report.ok()) << items[0].report.status().ToString();
  std::vector<Prepared> prepared = Prepare(items, kNow);
  ASSERT_EQ(prepared.size(), 1u);
  const Prepared& p = prepared[0];
  ASSERT_TRUE(p.error.ok()) << p.error.ToString();
  ASSERT_TRUE(p.report.has_value() && p.report->reported.has_value());

  EXPECT_EQ(p.leaf.reporter, p.report->reporter.str());
  EXPECT_EQ(p.leaf.id, p.report->id);
  EXPECT_EQ(p.leaf.type, ReportTypeName(p.report->type()));
  EXPECT_EQ(p.leaf.occurred, p.report->occurred.ToString());
  EXPECT_EQ(p.leaf.reported, *p.report->reported);

  nlohmann::json stored = ReportToJson(*p.report);
  auto body = ledger::CanonicalJson(stored);
  ASSERT_TRUE(body.ok());
  EXPECT_EQ(p.leaf.body, *body);
  ASSERT_EQ(stored.erase("reported"), 1u);
  auto content = ledger::CanonicalJson(stored);
  ASSERT_TRUE(content.ok());
  EXPECT_EQ(p.leaf.content_hash, ledger::LeafHash(*content));
}

TEST(PrepareTest, LeafAndContentHashMatchFullCanonicalizationForEveryType) {
  for (size_t t = 0; t < kReportTypeCount; ++t) {
    const auto type = static_cast<ReportType>(t);
    nlohmann::json report = ValidReport(type);
    if (type == ReportType::kBatteryHealth) {  // measured before kNow, its receipt
      report["occurred"] = "2026-03-31";
      report["measured"] = "2026-03-31T08:00:00+08:00";
    }
    ExpectLeafMatchesFullCanonicalization(report, {});

    // Replayed: its own receipt time, and strings that look like members of the envelope.
    nlohmann::json replayed = ValidReport(type);
    replayed["reported"] = "2026-04-02T08:30:00.123456Z";
    replayed["id"] = "\"reporter\":\"x\",";
    ExpectLeafMatchesFullCanonicalization(replayed, {.replay = true});
  }
}

// A measurement after the receipt time is refused once the receipt time is set.
TEST(PrepareTest, AHealthMeasurementAfterItsReceiptIsRefused) {
  std::vector<Item> items(1);
  items[0].line = 1;
  items[0].report = ParseReport(ValidReport(ReportType::kBatteryHealth).dump(), {});
  ASSERT_TRUE(items[0].report.ok());
  const std::vector<Prepared> prepared = Prepare(items, kNow);  // 2026-04-01, before `measured`
  ASSERT_EQ(prepared.size(), 1u);
  EXPECT_EQ(prepared[0].error.rule(), "report.measured_future");
  EXPECT_EQ(prepared[0].error.field(), "/measured");
}

TEST(PrepareTest, RawScansAndEscapedTextKeepTheirLeaf) {
  nlohmann::json j = ValidReport(ReportType::kBatteryProduced);
  j["code"] = "001-pb24-0000003-b3c-0221956";
  j["model"] = "\"reporter\":\"91350900587527783P\"\\ \u00e9 \U0001F600";
  ExpectLeafMatchesFullCanonicalization(j, {.codes = Strictness::kLenient});  // separators

  nlohmann::json c = ValidReport(ReportType::kCorrection);
  c["reason"] = "a \"reporter\": in the reason";
  c["report"]["packs"][0] = "001pb240000003b3c0221956";
  ExpectLeafMatchesFullCanonicalization(c, {});
}

// import --replay marks a report whose receipt time it supplies; the content hash leaves the
// marker out, so the same report filed live is a duplicate. Without marking, a marker read back
// is kept (verify --replay), and a report without `reported` is stamped and not marked.
TEST(PrepareTest, SuppliedTimesAreMarkedAndLeftOutOfTheContentHash) {
  nlohmann::json j = ValidReport(ReportType::kVehicleSold);
  std::vector<Item> live(1), supplied(1), read_back(1);
  live[0].report = ParseReport(j.dump(), {});
  j["reported"] = "2026-04-02T08:30:00.123456Z";
  supplied[0].report = ParseReport(j.dump(), {.replay = true});
  std::vector<Prepared> marked = Prepare(supplied, kNow, true);
  std::vector<Prepared> stamped = Prepare(live, kNow, true);
  ASSERT_TRUE(marked[0].error.ok() && stamped[0].error.ok());

  const nlohmann::json body = nlohmann::json::parse(marked[0].leaf.body);
  EXPECT_EQ(body["receipt"], "replayed");
  EXPECT_EQ(body["reported"], "2026-04-02T08:30:00.123456Z");
  EXPECT_FALSE(nlohmann::json::parse(stamped[0].leaf.body).contains("receipt"));
  EXPECT_EQ(marked[0].leaf.content_hash, stamped[0].leaf.content_hash);
  EXPECT_NE(marked[0].leaf.leaf_hash, stamped[0].leaf.leaf_hash);
  auto canonical = ledger::CanonicalJson(body);
  ASSERT_TRUE(canonical.ok());
  EXPECT_EQ(marked[0].leaf.body, *canonical);

  read_back[0].report = ParseReport(marked[0].leaf.body, {.replay = true});
  std::vector<Prepared> again = Prepare(read_back, 0);
  ASSERT_TRUE(again[0].error.ok());
  EXPECT_EQ(again[0].leaf.body, marked[0].leaf.body);
  EXPECT_EQ(again[0].leaf.content_hash, marked[0].leaf.content_hash);

  supplied[0].report = ParseReport(j.dump(), {.replay = true});
  std::vector<Prepared> unmarked = Prepare(supplied, kNow);
  EXPECT_FALSE(nlohmann::json::parse(unmarked[0].leaf.body).contains("receipt"));
  EXPECT_EQ(unmarked[0].leaf.content_hash, marked[0].leaf.content_hash);
}

}  // namespace
}  // namespace battrace::ingest
