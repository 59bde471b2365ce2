// NDJSON and CSV report files: every valid record is read, every bad one is reported with its
// line number (and for CSV its column), and the files' own malformations are caught.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "../domain/report_fixtures.h"
#include "ingest/csv_reader.h"
#include "ingest/ndjson_reader.h"

namespace battrace::ingest {
namespace {

using battrace::testing::ValidReport;

struct Seen {
  size_t line;
  bool ok;
  std::string field;
  std::string rule;
  std::string raw;
};

template <typename Reader>
std::vector<Seen> ReadAll(Reader& reader) {
  std::vector<Seen> out;
  while (auto rec = reader.Next()) {
    out.push_back({rec->line_number, rec->report.ok(), rec->report.status().field(),
                   rec->report.status().rule(), std::string(rec->raw)});
  }
  EXPECT_TRUE(reader.status().ok());
  return out;
}

std::string MixedNdjson() {
  std::string bad_vin = ValidReport(ReportType::kVehicleSold).dump();
  bad_vin.replace(bad_vin.find(battrace::testing::kVin1), 17, "LSVAB2BM6PN000001");
  std::string text = "\xEF\xBB\xBF" + ValidReport(ReportType::kBatteryProduced).dump() + "\n";  // 1
  text += "\n";                                                       // 2 blank
  text += ValidReport(ReportType::kVehicleProduced).dump() + "\r\n";  // 3 CRLF
  text += bad_vin + "\n";                                             // 4 bad VIN
  text += "   \t\r\n";                                                // 5 blank
  text += "{\"id\": \n";                                              // 6 not JSON
  text += "{\"" + std::string(kMaxReportBytes, 'x') + "\":1}\n";      // 7 too long
  text += ValidReport(ReportType::kOutletClosed).dump();              // 8, no "\n"
  return text;
}

void ExpectMixed(const std::vector<Seen>& seen) {
  ASSERT_EQ(seen.size(), 6u);
  EXPECT_EQ(seen[0].line, 1u);
  EXPECT_TRUE(seen[0].ok);
  EXPECT_EQ(seen[1].line, 3u);
  EXPECT_TRUE(seen[1].ok);
  EXPECT_EQ(seen[1].raw.back(), '}');  // no '\r'
  EXPECT_EQ(seen[2].line, 4u);
  EXPECT_FALSE(seen[2].ok);
  EXPECT_EQ(seen[2].field, "/vin");
  EXPECT_EQ(seen[2].rule, "vin.check_digit");
  EXPECT_EQ(seen[3].line, 6u);
  EXPECT_EQ(seen[3].rule, "report.json");
  EXPECT_EQ(seen[4].line, 7u);
  EXPECT_EQ(seen[4].rule, "ingest.line_too_long");
  EXPECT_LE(seen[4].raw.size(), 256u);
  EXPECT_EQ(seen[5].line, 8u);
  EXPECT_TRUE(seen[5].ok);
}

TEST(NdjsonReaderTest, MixedFileFromABuffer) {
  const std::string text = MixedNdjson();
  NdjsonReader reader(std::string_view(text), ParseOptions{});
  ExpectMixed(ReadAll(reader));
}

TEST(NdjsonReaderTest, MixedFileFromAStream) {
  std::istringstream in(MixedNdjson());
  NdjsonReader reader(in, ParseOptions{});
  ExpectMixed(ReadAll(reader));
}

TEST(NdjsonReaderTest, ALineOfExactlyTheLimitIsRead) {
  // A valid report padded with spaces to exactly kMaxReportBytes, then "\r\n".
  std::string line = ValidReport(ReportType::kVehicleSold).dump();
  line.insert(1, kMaxReportBytes - line.size(), ' ');
  ASSERT_EQ(line.size(), kMaxReportBytes);
  std::istringstream in(line + "\r\n" + line + "x\n");
  NdjsonReader reader(in, ParseOptions{});
  const auto seen = ReadAll(reader);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_TRUE(seen[0].ok) << seen[0].rule;
  EXPECT_EQ(seen[1].rule, "ingest.line_too_long");
}

TEST(NdjsonReaderTest, ReplayOptionIsPassedOn) {
  nlohmann::json j = ValidReport(ReportType::kVehicleSold);
  j["reported"] = "2026-04-03T00:00:00Z";
  const std::string text = j.dump() + "\n";
  NdjsonReader plain(std::string_view(text), ParseOptions{});
  EXPECT_EQ(plain.Next()->report.status().rule(), "report.replay_only");
  NdjsonReader replay(std::string_view(text), ParseOptions{.replay = true});
  EXPECT_TRUE(replay.Next()->report.ok());
}

TEST(NdjsonReaderTest, EmptyInput) {
  NdjsonReader reader(std::string_view(""), ParseOptions{});
  EXPECT_FALSE(reader.Next().has_value());
}

TEST(CsvReaderTest, ReadsTypedRowsThroughTheReportParser) {
  using namespace battrace::testing;
  const std::string text =
      "id,type,reporter,occurred,code,parts,model,mass_kg,materials.li_kg,materials.co_kg,"
      "materials.ni_kg,materials.mn_kg,codes,to,source,products,mass_note\n"
      // 2: battery.produced with a quoted model holding a comma and a doubled quote
      "p-1,battery.produced," +
      std::string(kBatteryMaker) + ",2026-04-02," + kPack1 + "," + kModule1 + ";" + kCell2 +
      ",\"LFP, 280 \"\"Ah\"\"\",5.4,0.12,0,0,0.01,,,,,\n"
      // 3-4: a quoted line break: one record starting on line 3, rejected (one-line text)
      "p-2,battery.produced," +
      kBatteryMaker + ",2026-04-02," + kPack2 +
      ",,\"LFP\n280\",,,,,,,,,,\n"
      // 5: battery.outbound, lower-case scan kept as raw
      "o-1,battery.outbound," +
      kVehicleMaker + ",2026-04-02,,,,12,,,,," + kPack1 + ";001pb240000003b3c0221957," + kRecycler +
      ",repair,,\n"
      "\n"
      // 7: product.outbound
      "x-1,product.outbound," +
      kRecycler + ",2026-04-02,,,,,,,,,," + kBatteryMaker +
      ",,lithium_carbonate:12.5;nickel_sulfate:3,\n";
  CsvReader reader(std::string_view(text), ParseOptions{});
  auto first = reader.Next();
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->line_number, 2u);
  ASSERT_TRUE(first->report.ok()) << first->report.status().ToString();
  const auto& produced = std::get<BatteryProduced>(first->report->body);
  EXPECT_EQ(produced.model, "LFP, 280 \"Ah\"");
  EXPECT_EQ(produced.parts.size(), 2u);
  EXPECT_DOUBLE_EQ(produced.materials->li_kg, 0.12);
  EXPECT_DOUBLE_EQ(*produced.mass_kg, 5.4);

  auto multi_line = reader.Next();
  ASSERT_TRUE(multi_line.has_value());
  EXPECT_EQ(multi_line->line_number, 3u);
  EXPECT_EQ(multi_line->report.status().field(), "model");
  EXPECT_EQ(multi_line->report.status().rule(), "report.characters");

  auto second = reader.Next();
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->line_number, 5u);
  ASSERT_TRUE(second->report.ok()) << second->report.status().ToString();
  const auto& out = std::get<BatteryOutbound>(second->report->body);
  EXPECT_EQ(out.codes[1].raw, "001pb240000003b3c0221957");
  EXPECT_EQ(out.source, WasteSource::kRepair);

  auto third = reader.Next();
  ASSERT_TRUE(third.has_value());
  EXPECT_EQ(third->line_number, 7u);
  ASSERT_TRUE(third->report.ok()) << third->report.status().ToString();
  const auto& products = std::get<ProductOutbound>(third->report->body).products;
  ASSERT_EQ(products.size(), 2u);
  EXPECT_EQ(products[1].material, "nickel_sulfate");
  EXPECT_DOUBLE_EQ(products[1].mass_kg, 3);
  EXPECT_FALSE(reader.Next().has_value());
}

TEST(CsvReaderTest, ErrorsNameLineAndColumn) {
  using namespace battrace::testing;
  const std::string head = "id,type,reporter,occurred,codes,to,source,mass_kg,materials.li_kg\n";
  const std::string envelope = std::string(",battery.outbound,") + kVehicleMaker + ",2026-04-02,";
  const std::string codes = std::string(kPack1) + ";" + kPack2 + ";" + kPack3 + ";";
  const std::string text = head + "a" + envelope + codes + "001PB240000003B3I0221959," + kRecycler +
                           ",repair,,\n" +                                                   // 2
                           "b" + envelope + kPack1 + "," + kRecycler + ",repair,heavy,\n" +  // 3
                           "c" + envelope + kPack1 + "," + kRecycler + ",repair,,1\n" +      // 4
                           "d" + envelope + kPack1 + "," + kRecycler + ",repair\n" +         // 5
                           "e" + envelope + kPack1 + "," + kRecycler + ",re\"\"pair,,\n" +   // 6
                           "f" + envelope + "," + kRecycler + ",repair,,\n";                 // 7
  CsvReader reader(std::string_view(text), ParseOptions{});
  const auto seen = ReadAll(reader);
  ASSERT_EQ(seen.size(), 6u);
  EXPECT_EQ(seen[0].line, 2u);
  EXPECT_EQ(seen[0].field, "codes");
  EXPECT_EQ(seen[0].rule, "battery_code.day");
  EXPECT_EQ(seen[1].line, 3u);
  EXPECT_EQ(seen[1].field, "mass_kg");
  EXPECT_EQ(seen[1].rule, "report.type");
  EXPECT_EQ(seen[2].field, "materials");  // not a field of battery.outbound
  EXPECT_EQ(seen[2].rule, "report.unknown_field");
  EXPECT_EQ(seen[3].rule, "csv.columns");
  EXPECT_EQ(seen[4].line, 6u);
  EXPECT_EQ(seen[4].rule, "csv.quote");
  EXPECT_EQ(seen[5].field, "codes");
  EXPECT_EQ(seen[5].rule, "report.empty");

  CsvReader again(std::string_view(text), ParseOptions{});
  EXPECT_NE(again.Next()->report.status().message().find("(at /codes/3)"), std::string::npos);
}

TEST(CsvReaderTest, CorrectionsUseReportColumns) {
  using namespace battrace::testing;
  const std::string text =
      "id,type,reporter,occurred,corrects,reason,report.type,report.occurred,report.vin,"
      "report.vehicle_type,report.brand,report.model,report.name,report.packs,"
      "report.swappable\n"
      "c-1,correction," +
      std::string(kVehicleMaker) + ",2026-04-05,r-0,wrong pack," + "vehicle.produced,2026-04-03," +
      kVin1 + ",M1,Example,EX-1,Example One," + kPack2 +
      ",true\n"
      "c-2,correction," +
      kVehicleMaker + ",2026-04-05,r-0,wrong pack," +
      "vehicle.produced,2026-04-03,LSVAB2BM6PN000001,M1,Example,EX-1,Example One," + kPack2 +
      ",false\n"
      "c-3,correction," +
      kVehicleMaker + ",2026-04-05,r-0,wrong pack," + "vehicle.produced,2026-04-03," + kVin1 +
      ",M1,Example,EX-1,Example One," + kPack2 + ",maybe\n";
  CsvReader reader(std::string_view(text), ParseOptions{});
  auto ok = reader.Next();
  ASSERT_TRUE(ok->report.ok()) << ok->report.status().ToString();
  const auto& nested = std::get<Correction>(ok->report->body).report;
  EXPECT_TRUE(std::get<VehicleProduced>(nested->body).swappable);
  auto bad = reader.Next();
  EXPECT_EQ(bad->report.status().field(), "report.vin");
  EXPECT_EQ(bad->report.status().rule(), "vin.check_digit");
  auto not_bool = reader.Next();
  EXPECT_EQ(not_bool->report.status().field(), "report.swappable");
  EXPECT_EQ(not_bool->report.status().rule(), "report.type");
}

TEST(CsvReaderTest, EmptyListCellIsTheEmptyList) {
  using namespace battrace::testing;
  const std::string text =
      "id,type,reporter,occurred,vin,certificate,packs_present\n"
      "s-1,vehicle.scrapped," +
      std::string(kVehicleMaker) + ",2026-04-02," + kVin2 + ",BF-1,\n";
  CsvReader reader(std::string_view(text), ParseOptions{});
  auto rec = reader.Next();
  ASSERT_TRUE(rec->report.ok()) << rec->report.status().ToString();
  EXPECT_TRUE(std::get<VehicleScrapped>(rec->report->body).packs_present.empty());
}

// An entry of a list of objects holds its fields in order; an empty part leaves a field out.
TEST(CsvReaderTest, ObjectListEntriesWithOptionalFieldsLeftOut) {
  using namespace battrace::testing;
  const std::string text =
      "id,type,reporter,occurred,model,category,gtin,materials,hazardous_substances,"
      "extinguishing_agents,carbon_footprint.per_kwh,idle_temperature_c.min,"
      "idle_temperature_c.max\n"
      "d-1,battery_model.declared," +
      std::string(kBatteryMaker) +
      ",2026-04-02,LFP-280,ev,6901234567892,"
      "LiFePO4:15365-14-7:120.5:true:cathode;graphite::::anode,LiPF6:21324-40-3:::,"
      "water;CO2,61.5,-20,45\n"
      "d-2,battery_model.declared," +
      std::string(kBatteryMaker) + ",2026-04-02,LFP-280,ev,,graphite:7782-42-4:::,,,,,\n";
  CsvReader reader(std::string_view(text), ParseOptions{});
  auto rec = reader.Next();
  ASSERT_TRUE(rec->report.ok()) << rec->report.status().ToString();
  const auto& d = std::get<BatteryModelDeclared>(rec->report->body);
  ASSERT_EQ(d.materials.size(), 2u);
  EXPECT_EQ(*d.materials[0].mass_kg, 120.5);
  EXPECT_TRUE(*d.materials[0].critical);
  EXPECT_EQ(d.materials[1].name, "graphite");
  EXPECT_FALSE(d.materials[1].cas.has_value());
  EXPECT_EQ(d.materials[1].component, MaterialComponent::kAnode);
  ASSERT_EQ(d.hazardous_substances.size(), 1u);
  EXPECT_FALSE(d.hazardous_substances[0].hazard_class.has_value());
  EXPECT_EQ(d.extinguishing_agents, (std::vector<std::string>{"water", "CO2"}));
  EXPECT_EQ(*d.gtin, "06901234567892");
  EXPECT_EQ(d.idle_temperature_c->min, -20);
  rec = reader.Next();
  ASSERT_FALSE(rec->report.ok());
  EXPECT_EQ(rec->report.status().rule(), "cas.check_digit");
  EXPECT_EQ(rec->report.status().field(), "materials");
}

TEST(CsvReaderTest, BadHeadersStopTheFile) {
  for (const std::string header : {"id,type,id\n", "id,,type\n", "id,reporter\n", "\"id,type\n"}) {
    const std::string text = header + "x,y,z\n";
    CsvReader reader(std::string_view(text), ParseOptions{});
    auto rec = reader.Next();
    ASSERT_TRUE(rec.has_value()) << header;
    EXPECT_EQ(rec->line_number, 1u);
    EXPECT_FALSE(rec->report.ok());
    EXPECT_FALSE(reader.Next().has_value()) << header;
  }
}

TEST(CsvReaderTest, OverlappingColumnsAreAnError) {
  using namespace battrace::testing;
  const std::string text =
      "id,type,reporter,occurred,outlet,outlet.id\n"
      "o-1,outlet.closed," +
      std::string(kVehicleMaker) + ",2026-04-02,x,outlet-1\n";
  CsvReader reader(std::string_view(text), ParseOptions{});
  EXPECT_EQ(reader.Next()->report.status().rule(), "csv.columns");
}

TEST(CsvSplitTest, Rfc4180Cells) {
  auto cells = SplitCsvRecord("a,\"b,c\",\"d\"\"e\",,\"\"");
  ASSERT_TRUE(cells.ok());
  EXPECT_EQ(*cells, (std::vector<std::string>{"a", "b,c", "d\"e", "", ""}));
  EXPECT_EQ(SplitCsvRecord("\"a\"b").status().rule(), "csv.quote");
  EXPECT_EQ(SplitCsvRecord("\"a").status().rule(), "csv.quote");
  EXPECT_EQ(SplitCsvRecord("a\"b").status().rule(), "csv.quote");
  EXPECT_EQ(SplitCsvRecord("")->size(), 1u);
}

}  // namespace
}  // namespace battrace::ingest
