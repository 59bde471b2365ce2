// EPCIS documents as an import source: recognized by content, validated whole, their events
// mapped back to reports (each judged by the report parser), unmapped events refused by index.
#include "ingest/epcis_source.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "../fixtures.h"

namespace battrace::ingest {
namespace {

using nlohmann::json;

json Receiving(const std::string& id) {
  return {{"type", "ObjectEvent"},
          {"eventTime", "2026-07-02T09:30:00+08:00"},
          {"eventTimeZoneOffset", "+08:00"},
          {"epcList", {"urn:battrace:gbt34014:" + testing::TestCode(ProductType::kPack, 1)}},
          {"action", "OBSERVE"},
          {"bizStep", "receiving"},
          {"readPoint", {{"id", "urn:battrace:uscc:" + testing::TestUscc(2)}}},
          {"sourceList",
           {{{"type", "owning_party"}, {"source", "urn:battrace:uscc:" + testing::TestUscc(1)}}}},
          {"battrace:reportID", id}};
}

std::string Document(const json& events) {
  return json{{"@context",
               {"https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
                {{"battrace", "https://battrace.org/epcis/"}}}},
              {"type", "EPCISDocument"},
              {"schemaVersion", "2.0"},
              {"creationDate", "2026-07-03T00:00:00Z"},
              {"epcisBody", {{"eventList", events}}}}
      .dump(2);
}

TEST(EpcisSourceTest, RecognizedByContent) {
  EXPECT_EQ(EpcisFormatOf("\xEF\xBB\xBF  <?xml version=\"1.0\"?><epcis:EPCISDocument/>"),
            epcis::Format::kXml);
  EXPECT_EQ(EpcisFormatOf(Document(json::array())), epcis::Format::kJson);
  EXPECT_EQ(EpcisFormatOf(R"({"type": "EPCISQueryDocument"})"), epcis::Format::kJson);
  EXPECT_EQ(EpcisFormatOf(R"({"type": "battery.inbound", "id": "a"})"), std::nullopt);
  EXPECT_EQ(EpcisFormatOf("{\"type\": \"EPCISDocument\"}\n{\"type\": \"EPCISDocument\"}\n"),
            std::nullopt);  // NDJSON
  EXPECT_EQ(EpcisFormatOf(R"([{"type": "EPCISDocument"}])"), std::nullopt);
  EXPECT_EQ(EpcisFormatOf("id,type\n"), std::nullopt);
}

TEST(EpcisSourceTest, EventsBecomeReportsAndUnmappedEventsAreRejectsAtTheirIndex) {
  json packing = Receiving("p");
  packing["type"] = "AggregationEvent";
  packing["action"] = "ADD";
  packing["bizStep"] = "packing";
  packing["parentID"] = "urn:epc:id:sscc:0614141.1234567890";
  packing["childEPCs"] = packing["epcList"];
  packing.erase("epcList");
  packing.erase("sourceList");
  auto source = OpenEpcisSource(Document({Receiving("r-1"), packing, Receiving("r-2")}),
                                epcis::Format::kJson, {});
  std::vector<Item> items = source->Next(1);  // a document comes whole, whatever the batch
  ASSERT_TRUE(source->status().ok()) << source->status().ToString();
  EXPECT_TRUE(source->AllOrNothing());
  EXPECT_EQ(source->FormatName(), "EPCIS JSON");
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[0].line, 1u);
  ASSERT_TRUE(items[0].report.ok()) << items[0].report.status().ToString();
  EXPECT_EQ(items[0].report->id, "r-1");
  EXPECT_EQ(items[0].report->type(), ReportType::kBatteryInbound);
  EXPECT_EQ(items[0].report->occurred.ToString(), "2026-07-02");
  EXPECT_EQ(items[1].line, 2u);
  ASSERT_FALSE(items[1].report.ok());
  EXPECT_EQ(items[1].report.status().rule(), "epcis.unmapped");
  EXPECT_EQ(items[1].report.status().field(), "/epcisBody/eventList/1");
  EXPECT_EQ(items[2].line, 3u);
  EXPECT_TRUE(items[2].report.ok());
  EXPECT_TRUE(source->Next(10).empty());
}

TEST(EpcisSourceTest, AnInvalidDocumentGivesNoItems) {
  json event = Receiving("r-1");
  event.erase("eventTime");
  auto source = OpenEpcisSource(Document({event}), epcis::Format::kJson, {});
  EXPECT_TRUE(source->Next(10).empty());
  EXPECT_EQ(source->status().rule(), "epcis.schema");
}

}  // namespace
}  // namespace battrace::ingest
