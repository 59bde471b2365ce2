// The query parameters of GET /epcis/events into the store's filter, and the same filter
// applied to event columns (battrace's report events are matched in memory).
#include "epcis/query.h"

#include <gtest/gtest.h>

#include "epcis/capture.h"
#include "epcis/epc.h"
#include "epcis/mapping.h"

namespace battrace::epcis {
namespace {

using Params = std::map<std::string, std::string>;

store::EpcisFilter FilterOf(const Params& params) {
  auto q = ParseEventQuery(params);
  EXPECT_TRUE(q.ok()) << q.status().ToString();
  return q.ok() ? q->filter : store::EpcisFilter{};
}

void ExpectRefused(const Params& params, const std::string& field, const std::string& rule) {
  auto q = ParseEventQuery(params);
  ASSERT_FALSE(q.ok()) << params.begin()->first << "=" << params.begin()->second;
  EXPECT_EQ(q.status().field(), field);
  EXPECT_EQ(q.status().rule(), rule);
}

TEST(QueryTest, NoParametersIsTheFirstPageOfEverything) {
  auto f = FilterOf({});
  EXPECT_EQ(f.limit, kDefaultPerPage);
  EXPECT_TRUE(f.types.empty() && f.epc_matches.empty() && !f.ge_event_time);
}

TEST(QueryTest, AlternativesAndCbvSpellings) {
  auto f = FilterOf({{"EQ_bizStep",
                      "shipping|urn:epcglobal:cbv:bizstep:receiving|"
                      "https://ref.gs1.org/cbv/BizStep-commissioning"},
                     {"EQ_disposition", "urn:epcglobal:cbv:disp:in_transit"},
                     {"eventType", "ObjectEvent|AssociationEvent"},
                     {"EQ_action", "ADD"}});
  EXPECT_EQ(f.biz_steps, (std::vector<std::string>{"shipping", "receiving", "commissioning"}));
  EXPECT_EQ(f.dispositions, (std::vector<std::string>{"in_transit"}));
  EXPECT_EQ(f.types, (std::vector<std::string>{"ObjectEvent", "AssociationEvent"}));
  EXPECT_EQ(f.actions, (std::vector<std::string>{"ADD"}));
  // A value outside the CBV (a user's own URI) is kept as it is.
  EXPECT_EQ(FilterOf({{"EQ_bizStep", "https://example.com/steps/welding"}}).biz_steps,
            (std::vector<std::string>{"https://example.com/steps/welding"}));
}

TEST(QueryTest, TimesAreInstantsGeInclusiveLtExclusive) {
  auto f = FilterOf({{"GE_eventTime", "2024-01-01T08:00:00+08:00"},
                     {"LT_eventTime", "2024-01-01T00:00:01.0005Z"},
                     {"GE_recordTime", "2024-01-01T00:00:00Z"}});
  const int64_t midnight = 1704067200000;
  EXPECT_EQ(*f.ge_event_time, midnight);
  EXPECT_EQ(*f.ge_record_time, midnight);
  // 1000.5 ms: an event at 1000 ms is before it, one at 1001 ms is not.
  EXPECT_EQ(*f.lt_event_time, midnight + 1001);
  store::EpcisEvent e;
  e.event_time = midnight;
  e.record_time = midnight;
  EXPECT_TRUE(MatchesFilter(e, f));
  e.event_time = midnight + 1000;
  EXPECT_TRUE(MatchesFilter(e, f));
  e.event_time = midnight + 1001;
  EXPECT_FALSE(MatchesFilter(e, f));
  e.event_time = midnight - 1;
  EXPECT_FALSE(MatchesFilter(e, f));
}

TEST(QueryTest, EpcMatchesLookInTheirRolesCanonically) {
  const std::string urn = "urn:epc:id:sgtin:0614141.107346.2017";
  auto f = FilterOf({{"MATCH_epc", urn}});
  ASSERT_EQ(f.epc_matches.size(), 1u);
  EXPECT_EQ(f.epc_matches[0].roles, (std::vector<std::string>{"epc", "child"}));
  EXPECT_EQ(f.epc_matches[0].values, (std::vector<std::string>{CanonicalEpc(urn)}));
  store::EpcisEvent e;
  e.epcs = {{"parent", CanonicalEpc(urn)}};
  EXPECT_FALSE(MatchesFilter(e, f));
  EXPECT_TRUE(MatchesFilter(e, FilterOf({{"MATCH_anyEPC", urn}})));
  EXPECT_TRUE(MatchesFilter(e, FilterOf({{"MATCH_parentID", "x|" + urn}})));
  e.epcs = {{"child", CanonicalEpc(urn)}};
  EXPECT_TRUE(MatchesFilter(e, f));
  // Two MATCH_ parameters must both hold.
  EXPECT_FALSE(MatchesFilter(e, FilterOf({{"MATCH_epc", urn}, {"MATCH_parentID", urn}})));
}

TEST(QueryTest, BatteryUrisAreNoted) {
  const std::string uri = BatteryUri("114PE24000000SG570099999");
  auto code = CodeOfUri(uri);
  ASSERT_TRUE(code.has_value());
  auto q = ParseEventQuery(
      {{"MATCH_anyEPC", uri + "|urn:epc:id:sscc:0614141.1234567890"}, {"MATCH_epc", uri}});
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->battery_codes, (std::vector<std::string>{*code}));
  // An input or class match does not name a battery of battrace's events.
  q = ParseEventQuery({{"MATCH_inputEPC", uri}});
  ASSERT_TRUE(q.ok());
  EXPECT_TRUE(q->battery_codes.empty());
}

TEST(QueryTest, OtherFiltersMatchTheirColumns) {
  store::EpcisEvent e;
  e.type = "ObjectEvent";
  e.action = "OBSERVE";
  e.biz_step = "shipping";
  e.read_point = CanonicalEpc("urn:epc:id:sgln:0614141.07346.1234");
  e.event_id = "urn:uuid:1";
  EXPECT_TRUE(MatchesFilter(e, FilterOf({{"EQ_readPoint", "urn:epc:id:sgln:0614141.07346.1234"}})));
  EXPECT_FALSE(
      MatchesFilter(e, FilterOf({{"EQ_bizLocation", "urn:epc:id:sgln:0614141.07346.1234"}})));
  EXPECT_TRUE(MatchesFilter(e, FilterOf({{"EQ_eventID", "urn:uuid:2|urn:uuid:1"}})));
  EXPECT_FALSE(MatchesFilter(e, FilterOf({{"EQ_action", "ADD|DELETE"}})));
  EXPECT_FALSE(MatchesFilter(e, FilterOf({{"eventType", "AggregationEvent"}})));
  EXPECT_TRUE(MatchesFilter(e, FilterOf({{"EQ_bizStep", "urn:epcglobal:cbv:bizstep:shipping"}})));
}

TEST(QueryTest, BadParametersAreRefusedByName) {
  ExpectRefused({{"EQ_colour", "red"}}, "EQ_colour", "query.unknown_parameter");
  ExpectRefused({{"eventType", "ObjectEvent|Thing"}}, "eventType", "epcis.query");
  ExpectRefused({{"EQ_action", "add"}}, "EQ_action", "epcis.query");
  ExpectRefused({{"GE_eventTime", "2024-01-01"}}, "GE_eventTime", "epcis.query");
  ExpectRefused({{"LT_recordTime", "2024-01-01T00:00:00"}}, "LT_recordTime", "epcis.query");
  ExpectRefused({{"EQ_bizStep", "shipping||receiving"}}, "EQ_bizStep", "epcis.query");
  ExpectRefused({{"MATCH_epc", ""}}, "MATCH_epc", "epcis.query");
  ExpectRefused({{"perPage", "0"}}, "perPage", "epcis.query");
  ExpectRefused({{"perPage", "1001"}}, "perPage", "epcis.query");
  ExpectRefused({{"perPage", "ten"}}, "perPage", "epcis.query");
  EXPECT_EQ(FilterOf({{"perPage", "1000"}}).limit, 1000u);
}

TEST(QueryTest, RecordTimeIsWrittenToTheMillisecond) {
  EXPECT_EQ(RecordTime(1704067200123456), "2024-01-01T00:00:00.123Z");
  EXPECT_EQ(RecordTime(0), "1970-01-01T00:00:00.000Z");
}

}  // namespace
}  // namespace battrace::epcis
