// PrepareCapture: the identity and the columns of each captured event.
#include "epcis/capture.h"

#include <gtest/gtest.h>

#include "epcis/epc.h"
#include "epcis/hash.h"

namespace battrace::epcis {
namespace {

using Json = nlohmann::json;

const char* kDocument = R"({
  "@context": ["https://ref.gs1.org/standards/epcis/epcis-context.jsonld",
               {"example": "http://ns.example.com/epcis/"}],
  "type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2024-01-01T00:00:00Z",
  "epcisBody": {"eventList": [
    {"type": "ObjectEvent", "eventTime": "2024-01-01T08:00:00.250+08:00",
     "eventTimeZoneOffset": "+08:00", "action": "OBSERVE",
     "epcList": ["urn:epc:id:sgtin:0614141.107346.2017"],
     "bizStep": "shipping", "disposition": "in_transit",
     "readPoint": {"id": "urn:epc:id:sgln:0614141.07346.1234"},
     "example:note": "first"},
    {"type": "AggregationEvent", "eventID": "urn:uuid:6a1b3b40-0000-4000-8000-000000000001",
     "eventTime": "2024-01-02T00:00:00Z", "eventTimeZoneOffset": "+00:00", "action": "ADD",
     "parentID": "urn:epc:id:sscc:0614141.1234567890",
     "childEPCs": ["urn:epc:id:sgtin:0614141.107346.2018"],
     "childQuantityList": [{"epcClass": "urn:epc:class:lgtin:4012345.012345.998877",
                            "quantity": 10, "uom": "KGM"}]},
    {"type": "ObjectEvent", "eventTime": "2024-01-01T08:00:00.250+08:00",
     "eventTimeZoneOffset": "+08:00", "action": "OBSERVE",
     "epcList": ["urn:epc:id:sgtin:0614141.107346.2017"],
     "bizStep": "shipping", "disposition": "in_transit",
     "readPoint": {"id": "urn:epc:id:sgln:0614141.07346.1234"},
     "example:note": "first",
     "errorDeclaration": {"declarationTime": "2024-01-03T00:00:00Z", "reason": "incorrect_data"}}
  ]}})";

TEST(CaptureTest, EachEventGetsItsIdentityAndColumns) {
  auto doc = ParseDocument(kDocument, Format::kJson);
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  const Instant now = 1704153600123456;  // 2024-01-02T00:00:00.123456Z
  auto capture = PrepareCapture(*doc, "91110000MA00000001", "110000", now);
  ASSERT_TRUE(capture.ok()) << capture.status().ToString();
  EXPECT_EQ(capture->capture_id.size(), 32u);
  EXPECT_EQ(capture->owner, "91110000MA00000001");
  ASSERT_EQ(capture->events.size(), 3u);

  const store::EpcisEvent& object = capture->events[0];
  const std::string hash = EventHash(doc->events[0], doc->context);
  EXPECT_EQ(object.hash, hash);
  EXPECT_EQ(object.dedup, hash);
  EXPECT_EQ(object.event_id, hash);  // none supplied: the hash
  EXPECT_EQ(object.type, "ObjectEvent");
  EXPECT_EQ(object.action, "OBSERVE");
  EXPECT_EQ(object.biz_step, "shipping");
  EXPECT_EQ(object.disposition, "in_transit");
  EXPECT_EQ(object.read_point, CanonicalEpc("urn:epc:id:sgln:0614141.07346.1234"));
  EXPECT_EQ(object.event_time, 1704067200250);  // the offset applied
  EXPECT_EQ(object.record_time, 1704153600123);
  EXPECT_EQ(object.owner_division, "110000");
  EXPECT_EQ(object.capture_id, capture->capture_id);
  EXPECT_EQ(object.epcs, (std::vector<std::pair<std::string, std::string>>{
                             {"epc", CanonicalEpc("urn:epc:id:sgtin:0614141.107346.2017")}}));
  Json body = Json::parse(object.body);
  EXPECT_EQ(body["eventID"], hash);
  EXPECT_EQ(body["recordTime"], "2024-01-02T00:00:00.123Z");
  // The document's prefixes travel with the event, for query documents mixing captures.
  EXPECT_EQ(body["@context"], Json::parse(R"([{"example": "http://ns.example.com/epcis/"}])"));
  Json sent = doc->events[0];
  body.erase("eventID");
  body.erase("recordTime");
  body.erase("@context");
  EXPECT_EQ(body, sent);

  const store::EpcisEvent& aggregation = capture->events[1];
  EXPECT_EQ(aggregation.event_id, "urn:uuid:6a1b3b40-0000-4000-8000-000000000001");
  EXPECT_EQ(aggregation.hash, EventHash(doc->events[1], doc->context));  // never checked
  EXPECT_EQ(aggregation.epcs.size(), 3u);  // child, class, parent (sorted)
  EXPECT_EQ(aggregation.epcs[0].first, "child");
  EXPECT_EQ(aggregation.epcs[1].first, "class");
  EXPECT_EQ(
      aggregation.epcs[2],
      std::make_pair(std::string("parent"), CanonicalEpc("urn:epc:id:sscc:0614141.1234567890")));

  // The error declaration leaves the hash alone but makes it another fact.
  const store::EpcisEvent& declared = capture->events[2];
  EXPECT_EQ(declared.hash, hash);
  EXPECT_EQ(declared.event_id, hash);
  ASSERT_EQ(declared.dedup.size(), hash.size() + 1 + 64);
  EXPECT_EQ(declared.dedup.substr(0, hash.size() + 1), hash + "#");
}

TEST(CaptureTest, CaptureIdsDiffer) {
  auto doc = ParseDocument(kDocument, Format::kJson);
  ASSERT_TRUE(doc.ok());
  auto a = PrepareCapture(*doc, "u", "110000", 0);
  auto b = PrepareCapture(*doc, "u", "110000", 0);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->capture_id, b->capture_id);
}

}  // namespace
}  // namespace battrace::epcis
