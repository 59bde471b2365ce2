// Every report type of report format v1 as EPCIS 2.0 events (docs/epcis.md): the events are
// schema-valid inside a query document, and the events of an export give the same reports back.
#include "epcis/mapping.h"

#include <gtest/gtest.h>

#include <set>
#include <stdexcept>

#include "../fixtures.h"
#include "domain/report.h"
#include "epcis/json_schema.h"

namespace battrace::epcis {
namespace {

using nlohmann::json;
using testing::TestCode;
using testing::TestUscc;
using testing::TestVin;

constexpr Instant kReceipt = 1775174400123456;  // 2026-04-03T00:00:00.123456Z

// Identifiers built on first use: the encoders' tables are statics of other translation units.
std::string Maker() {
  return TestUscc(1);
}
std::string Recycler() {
  return TestUscc(2);
}
std::string Shop() {
  return TestUscc(3);
}
std::string Pack() {
  return TestCode(ProductType::kPack, 1);
}
std::string Pack2() {
  return TestCode(ProductType::kPack, 2);
}
std::string Module() {
  return TestCode(ProductType::kModule, 1);
}
std::string Module2() {
  return TestCode(ProductType::kModule, 2);
}
std::string Vehicle() {
  return TestVin(1);
}

json Envelope(const char* type, const std::string& id, const std::string& reporter) {
  return {{"id", id}, {"type", type}, {"reporter", reporter}, {"occurred", "2026-04-02"}};
}

json With(json base, const json& fields) {
  base.update(fields);
  return base;
}

// One report of every type (two where a field changes the events), as filed.
std::vector<json> EveryReport() {
  return {
      With(Envelope("battery.produced", "p-1", Maker()),
           {{"code", Pack()},
            {"parts", {Module(), Module2()}},
            {"model", "BT-100"},
            {"rated_capacity_ah", 150},
            {"nominal_voltage_v", 350.5},
            {"rated_energy_kwh", 52.5},
            {"mass_kg", 380},
            {"materials", {{"li_kg", 5}, {"co_kg", 0}, {"ni_kg", 1.25}, {"mn_kg", 0}}},
            {"origin_codes", {TestCode(ProductType::kPack, 9)}},
            {"origin_kind", "remanufactured"},
            {"serial", "SN-0001"}}),
      With(Envelope("battery.produced", "p-2", Maker()), {{"code", Module()}}),
      With(Envelope("vehicle.produced", "v-1", Maker()), {{"vin", Vehicle()},
                                                          {"vehicle_type", "passenger"},
                                                          {"brand", "Brand"},
                                                          {"model", "M1"},
                                                          {"name", "Name"},
                                                          {"packs", {Pack()}},
                                                          {"swappable", true}}),
      With(Envelope("vehicle.sold", "s-1", Maker()),
           {{"vin", Vehicle()}, {"sale_date", "2026-03-30"}, {"division", "440300"}}),
      With(Envelope("battery.replaced", "r-1", Maker()), {{"vin", Vehicle()},
                                                          {"removed", {Pack()}},
                                                          {"installed", {Pack2()}},
                                                          {"repairer", Shop()}}),
      With(Envelope("battery.swapped", "w-1", Shop()),
           {{"vin", Vehicle()}, {"removed", Pack2()}, {"installed", Pack()}, {"station", "站 7"}}),
      With(Envelope("battery.outbound", "o-1", Maker()), {{"codes", {Pack(), Pack2()}},
                                                          {"to", Recycler()},
                                                          {"outlet", "OUT/1#a"},
                                                          {"source", "repair"},
                                                          {"mass_kg", 760}}),
      With(Envelope("battery.outbound", "o-2", Maker()),
           {{"codes", {Pack()}}, {"to", Recycler()}, {"source", "production"}}),
      With(Envelope("battery.inbound", "i-1", Recycler()),
           {{"codes", {Pack()}}, {"from", Maker()}, {"outlet", "N-9"}, {"mass_kg", 380}}),
      With(Envelope("vehicle.scrapped", "x-1", Shop()),
           {{"vin", Vehicle()}, {"certificate", "CERT-1"}, {"packs_present", {Pack()}}}),
      With(Envelope("vehicle.scrapped", "x-2", Shop()),
           {{"vin", Vehicle()}, {"certificate", "CERT-2"}, {"packs_present", json::array()}}),
      With(Envelope("battery.utilized", "u-1", Recycler()),
           {{"codes", {Pack(), Module()}}, {"process", "smelting"}}),
      With(Envelope("product.outbound", "m-1", Recycler()),
           {{"products",
             {{{"material", "碳酸锂 Li2CO3: 99.5%"}, {"mass_kg", 12.5}},
              {{"material", "nickel sulfate"}, {"mass_kg", 0}}}},
            {"to", Maker()}}),
      With(Envelope("outlet.registered", "n-1", Maker()), {{"outlet",
                                                            {{"id", "N-1"},
                                                             {"name", "N"},
                                                             {"address", "A"},
                                                             {"division", "440300"},
                                                             {"kind", "collection"}}}}),
      With(Envelope("outlet.changed", "n-2", Maker()), {{"outlet",
                                                         {{"id", "N-1"},
                                                          {"name", "N"},
                                                          {"address", "B"},
                                                          {"division", "440300"},
                                                          {"kind", "centralized"}}}}),
      With(Envelope("outlet.closed", "n-3", Maker()), {{"outlet", {{"id", "N-1"}}}}),
      With(
          Envelope("model.disassembly_info", "d-1", Maker()),
          {{"vehicle_model", "M1"},
           {"document", {{"uri", "https://example.com/d.pdf"}, {"sha256", std::string(64, 'a')}}}}),
      With(Envelope("battery_model.declared", "b-1", Maker()),
           {{"model", "BT-100"}, {"category", "ev"}, {"gtin", "06901234567892"}}),
      With(Envelope("battery.health", "h-1", Shop()),
           {{"code", Pack()},
            {"measured", "2026-04-02T10:15:30.5+08:00"},
            {"soh_capacity_pct", 97.5},
            {"full_cycles", 120},
            {"extreme_temperature_hours", {{"high", 3}}},
            {"accidents", {{{"date", "2026-03-01"}, {"description", "minor"}}}}}),
      With(Envelope("correction", "c-1", Maker()), {{"corrects", "o-2"},
                                                    {"reason", "wrong recipient"},
                                                    {"report",
                                                     {{"type", "battery.outbound"},
                                                      {"occurred", "2026-04-01"},
                                                      {"codes", {Pack()}},
                                                      {"to", Shop()},
                                                      {"source", "production"}}}}),
      With(Envelope("correction", "c-2", Maker()), {{"corrects", "p-2"},
                                                    {"reason", "parts"},
                                                    {"report",
                                                     {{"type", "battery.produced"},
                                                      {"occurred", "2026-04-01"},
                                                      {"code", Module()},
                                                      {"model", "M"}}}}),
      With(
          Envelope("correction", "c-3", Maker()),
          {{"corrects", "n-3"},
           {"reason", "still open"},
           {"report",
            {{"type", "outlet.closed"}, {"occurred", "2026-04-01"}, {"outlet", {{"id", "N-2"}}}}}}),
  };
}

// A report as filed; a report the parser refuses fails the test (gtest catches the throw).
Report Parse(const std::string& text) {
  Result<Report> report = ParseReport(text, {});
  if (!report.ok()) throw std::runtime_error(report.status().ToString() + "\n" + text);
  return std::move(report).value();
}

store::StoredReport Stored(const json& filed, uint64_t leaf) {
  Report report = Parse(filed.dump());
  report.reported = kReceipt;
  store::StoredReport stored;
  stored.leaf_index = leaf;
  stored.reporter = report.reporter.str();
  stored.id = report.id;
  stored.type = ReportTypeName(report.type());
  stored.occurred = report.occurred.ToString();
  stored.reported = kReceipt;
  stored.body = ReportToJson(report).dump();
  return stored;
}

json Context() {
  return json::array(
      {"https://ref.gs1.org/standards/epcis/epcis-context.jsonld", MappingContext()});
}

json QueryDocument(const std::vector<json>& events) {
  return {{"@context", Context()},
          {"type", "EPCISQueryDocument"},
          {"schemaVersion", "2.0"},
          {"creationDate", "2026-04-03T00:00:00Z"},
          {"epcisBody",
           {{"queryResults",
             {{"queryName", "SimpleEventQuery"}, {"resultsBody", {{"eventList", events}}}}}}}};
}

// The stored form without the receipt time: what an import of the export must give again.
json Filed(const Report& report) {
  Report copy = report;
  copy.reported.reset();
  return ReportToJson(copy);
}

TEST(MappingTest, UriSchemes) {
  EXPECT_EQ(BatteryUri(Pack()), "urn:battrace:gbt34014:" + Pack());
  EXPECT_EQ(EnterpriseUri(Maker()), "urn:battrace:uscc:" + Maker());
  EXPECT_EQ(VehicleUri(Vehicle()), "urn:battrace:vin:" + Vehicle());
  EXPECT_EQ(CodeOfUri(BatteryUri(Pack())), Pack());
  EXPECT_EQ(CodeOfUri("urn:battrace:gbt34014:" + Pack() + "0"), std::nullopt);
  EXPECT_EQ(CodeOfUri("urn:battrace:vin:" + Vehicle()), std::nullopt);
  EXPECT_EQ(CodeOfUri(Pack()), std::nullopt);
  EXPECT_EQ(MappingContext(), json({{"battrace", "https://battrace.org/epcis/"}}));
  EXPECT_EQ(ReportEventUri({42, 1}), "urn:battrace:report:42:1");
  const std::optional<ReportEventId> id = ReportEventOfUri("urn:battrace:report:42:1");
  ASSERT_TRUE(id.has_value());
  EXPECT_EQ(id->leaf_index, 42u);
  EXPECT_EQ(id->n, 1u);
  for (const char* other :
       {"urn:battrace:report:42", "urn:battrace:report:042:1", "urn:battrace:report:42:+1",
        "urn:battrace:report::1", "urn:battrace:report:42:1:0", "urn:battrace:report:42:x",
        "urn:battrace:report:99999999999999999999:0", "ni:///sha-256;00?ver=CBV2.0"}) {
    EXPECT_EQ(ReportEventOfUri(other), std::nullopt) << other;
  }
}

TEST(MappingTest, EveryReportTypeIsCoveredByTheSamples) {
  std::set<std::string> types;
  for (const json& r : EveryReport())
    types.insert(r["type"].get<std::string>());
  EXPECT_EQ(types.size(), kReportTypeCount);
}

TEST(MappingTest, EventsAreSchemaValidInAQueryDocument) {
  std::vector<json> all;
  uint64_t leaf = 0;
  for (const json& filed : EveryReport()) {
    const std::vector<json> events = ReportEvents(Stored(filed, leaf));
    for (size_t n = 0; n < events.size(); ++n) {
      EXPECT_EQ(events[n]["eventID"],
                "urn:battrace:report:" + std::to_string(leaf) + ":" + std::to_string(n));
      EXPECT_EQ(events[n]["recordTime"], "2026-04-03T00:00:00.123Z");
      EXPECT_EQ(events[n]["readPoint"]["id"], EnterpriseUri(filed["reporter"].get<std::string>()));
      const Status valid = EpcisSchema().Validate(QueryDocument({events[n]}));
      EXPECT_TRUE(valid.ok()) << filed["type"] << " event " << n << ": " << valid.ToString() << "\n"
                              << events[n].dump(2);
    }
    all.insert(all.end(), events.begin(), events.end());
    ++leaf;
  }
  const Status valid = EpcisSchema().Validate(QueryDocument(all));
  EXPECT_TRUE(valid.ok()) << valid.ToString();
  const json exported = EventsDocument(all, kReceipt);
  EXPECT_EQ(exported["creationDate"], "2026-04-03T00:00:00.123Z");
  const Status valid_export = EpcisSchema().Validate(exported);
  EXPECT_TRUE(valid_export.ok()) << valid_export.ToString();
}

TEST(MappingTest, TheIssuesMapping) {
  const auto events_of = [](const json& filed) { return ReportEvents(Stored(filed, 7)); };
  const std::vector<json> reports = EveryReport();
  std::vector<json> e = events_of(reports[0]);  // battery.produced with parts
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(e[0]["type"], "ObjectEvent");
  EXPECT_EQ(e[0]["action"], "ADD");
  EXPECT_EQ(e[0]["bizStep"], "commissioning");
  EXPECT_EQ(e[0]["epcList"], json::array({BatteryUri(Pack())}));
  EXPECT_EQ(e[0]["eventTime"], "2026-04-02T00:00:00+08:00");
  EXPECT_EQ(e[0]["eventTimeZoneOffset"], "+08:00");
  EXPECT_EQ(e[0]["ilmd"]["battrace:model"], "BT-100");
  EXPECT_EQ(e[0]["battrace:reportID"], "p-1");
  EXPECT_EQ(e[1]["type"], "AssociationEvent");
  EXPECT_EQ(e[1]["action"], "ADD");
  EXPECT_EQ(e[1]["bizStep"], "assembling");
  EXPECT_EQ(e[1]["parentID"], BatteryUri(Pack()));
  EXPECT_EQ(e[1]["childEPCs"], json::array({BatteryUri(Module()), BatteryUri(Module2())}));

  e = events_of(reports[4]);  // battery.replaced
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(e[0]["action"], "DELETE");
  EXPECT_EQ(e[0]["bizStep"], "removing");
  EXPECT_EQ(e[0]["parentID"], VehicleUri(Vehicle()));
  EXPECT_EQ(e[1]["bizStep"], "installing");
  EXPECT_EQ(e[1]["childEPCs"], json::array({BatteryUri(Pack2())}));

  e = events_of(reports[6]);  // battery.outbound
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0]["action"], "OBSERVE");
  EXPECT_EQ(e[0]["bizStep"], "shipping");
  EXPECT_EQ(e[0]["sourceList"],
            json::array({{{"type", "owning_party"}, {"source", EnterpriseUri(Maker())}}}));
  EXPECT_EQ(e[0]["destinationList"][0],
            json({{"type", "owning_party"}, {"destination", EnterpriseUri(Recycler())}}));
  EXPECT_EQ(e[0]["destinationList"][1]["destination"],
            "urn:battrace:outlet:" + Recycler() + ":OUT%2F1%23a");

  e = events_of(reports[8]);  // battery.inbound
  EXPECT_EQ(e[0]["bizStep"], "receiving");
  EXPECT_EQ(e[0]["bizLocation"]["id"], "urn:battrace:outlet:" + Recycler() + ":N-9");

  e = events_of(reports[9]);  // vehicle.scrapped
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(e[0]["bizStep"], "disassembling");
  EXPECT_EQ(e[0]["action"], "DELETE");
  EXPECT_EQ(e[1]["bizStep"], "destroying");
  EXPECT_EQ(e[1]["disposition"], "destroyed");

  e = events_of(reports[11]);  // battery.utilized
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0]["type"], "TransformationEvent");
  EXPECT_EQ(e[0]["outputQuantityList"][0]["epcClass"], "urn:battrace:lot:" + Recycler() + ":u-1");

  e = events_of(reports[12]);  // product.outbound
  EXPECT_EQ(e[0]["quantityList"][0]["uom"], "KGM");
  EXPECT_EQ(e[0]["quantityList"][0]["quantity"], 12.5);

  e = events_of(reports[18]);  // battery.health: the measurement's own time
  EXPECT_EQ(e[0]["eventTime"], "2026-04-02T10:15:30.5+08:00");
  EXPECT_EQ(e[0]["bizStep"], "inspecting");

  for (size_t i : {13, 14, 15, 16, 17, 21}) {  // outlets, model-level declarations
    EXPECT_TRUE(events_of(reports[i]).empty()) << reports[i]["type"];
  }

  e = events_of(reports[19]);  // a correction: the corrected report's events, marked
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0]["battrace:reportType"], "correction");
  EXPECT_EQ(e[0]["battrace:correctedType"], "battery.outbound");
  EXPECT_EQ(e[0]["battrace:corrects"], "o-2");
  EXPECT_EQ(e[0]["eventTime"], "2026-04-01T00:00:00+08:00");
}

TEST(MappingTest, ExportThenImportGivesTheSameReports) {
  std::vector<json> all;
  std::vector<json> expected;
  uint64_t leaf = 100;
  for (const json& filed : EveryReport()) {
    const store::StoredReport stored = Stored(filed, leaf++);
    std::vector<json> events = ReportEvents(stored);
    if (events.empty()) continue;
    expected.push_back(Filed(Parse(filed.dump())));
    all.insert(all.end(), events.begin(), events.end());
  }
  const std::vector<MappedReport> mapped = ReportsFromEvents(all, Context());
  ASSERT_EQ(mapped.size(), expected.size());
  for (size_t i = 0; i < mapped.size(); ++i) {
    ASSERT_TRUE(mapped[i].report.ok()) << mapped[i].report.status().ToString();
    EXPECT_EQ(Filed(Parse(*mapped[i].report)), expected[i]) << *mapped[i].report;
  }
}

TEST(MappingTest, AnotherPrefixForTheNamespace) {
  std::vector<json> events = ReportEvents(Stored(EveryReport()[6], 1));
  json renamed = json::object();
  for (auto& [key, value] : events[0].items()) {
    renamed[key.starts_with("battrace:") ? "bt:" + key.substr(9) : key] = value;
  }
  const json context = json::array({{{"bt", "https://battrace.org/epcis/"}}});
  const std::vector<MappedReport> mapped = ReportsFromEvents({renamed}, context);
  ASSERT_EQ(mapped.size(), 1u);
  ASSERT_TRUE(mapped[0].report.ok()) << mapped[0].report.status().ToString();
  EXPECT_EQ(Filed(Parse(*mapped[0].report)), Filed(Parse(EveryReport()[6].dump())));
}

// A hand-written event without battrace's extensions maps when its shape names one report type.
TEST(MappingTest, PlainEventsMapByTheirShape) {
  const json shipping = {
      {"type", "ObjectEvent"},
      {"eventID", "urn:uuid:1b4a1c4e-0a9c-4c8e-9d7d-3b0f2b8a0c11"},
      {"eventTime", "2026-04-01T20:00:00Z"},
      {"eventTimeZoneOffset", "+00:00"},
      {"action", "OBSERVE"},
      {"bizStep", "urn:epcglobal:cbv:bizstep:receiving"},
      {"epcList", {BatteryUri(Pack())}},
      {"readPoint", {{"id", EnterpriseUri(Recycler())}}},
      {"sourceList", {{{"type", "owning_party"}, {"source", EnterpriseUri(Maker())}}}}};
  const std::vector<MappedReport> mapped = ReportsFromEvents({shipping}, Context());
  ASSERT_EQ(mapped.size(), 1u);
  ASSERT_TRUE(mapped[0].report.ok()) << mapped[0].report.status().ToString();
  const Report report = Parse(*mapped[0].report);
  EXPECT_EQ(report.type(), ReportType::kBatteryInbound);
  EXPECT_EQ(report.id, "urn:uuid:1b4a1c4e-0a9c-4c8e-9d7d-3b0f2b8a0c11");
  EXPECT_EQ(report.occurred.ToString(), "2026-04-02");  // 04:00 in Beijing
}

TEST(MappingTest, EventsThatMapToNoReportAreRefusedByIndex) {
  const json base = {{"eventTime", "2026-04-01T20:00:00Z"},
                     {"eventTimeZoneOffset", "+00:00"},
                     {"readPoint", {{"id", EnterpriseUri(Maker())}}}};
  json aggregation = With(base, {{"type", "AggregationEvent"},
                                 {"eventID", "urn:x:1"},
                                 {"action", "ADD"},
                                 {"bizStep", "packing"},
                                 {"parentID", BatteryUri(Pack())},
                                 {"childEPCs", {BatteryUri(Module())}}});
  json swap = With(base, {{"type", "AssociationEvent"},
                          {"eventID", "urn:x:2"},
                          {"battrace:reportID", "r"},
                          {"action", "DELETE"},
                          {"bizStep", "removing"},
                          {"parentID", VehicleUri(Vehicle())},
                          {"childEPCs", {BatteryUri(Pack())}}});
  json install = With(swap, {{"eventID", "urn:x:3"}, {"action", "ADD"}, {"bizStep", "installing"}});
  json foreign = With(base, {{"type", "ObjectEvent"},
                             {"eventID", "urn:x:4"},
                             {"action", "OBSERVE"},
                             {"bizStep", "shipping"},
                             {"epcList", {"urn:epc:id:sgtin:0614141.107346.2018"}}});
  json declared =
      With(foreign, {{"eventID", "urn:x:5"},
                     {"epcList", {BatteryUri(Pack())}},
                     {"errorDeclaration", {{"declarationTime", "2026-04-03T00:00:00Z"}}}});
  json outlet_type =
      With(install, {{"battrace:reportID", "n"}, {"battrace:reportType", "outlet.closed"}});
  const std::vector<MappedReport> mapped =
      ReportsFromEvents({aggregation, swap, install, foreign, outlet_type, declared}, Context());
  ASSERT_EQ(mapped.size(), 5u);
  const auto expect_refused = [&](size_t i, const std::string& field, const std::string& part) {
    ASSERT_FALSE(mapped[i].report.ok()) << i;
    EXPECT_EQ(mapped[i].report.status().rule(), "epcis.unmapped");
    EXPECT_EQ(mapped[i].report.status().field(), field);
    EXPECT_NE(mapped[i].report.status().message().find(part), std::string::npos)
        << mapped[i].report.status().message();
  };
  expect_refused(0, "/epcisBody/eventList/0", "event 0 (AggregationEvent packing): no report type");
  expect_refused(1, "/epcisBody/eventList/1", "battery.replaced or battery.swapped");
  expect_refused(2, "/epcisBody/eventList/3", "expected a battery URI");
  expect_refused(3, "/epcisBody/eventList/4", "outlet.closed states no event");
  expect_refused(4, "/epcisBody/eventList/5", "file a correction");
}

}  // namespace
}  // namespace battrace::epcis
