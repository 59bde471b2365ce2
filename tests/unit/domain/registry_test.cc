// Registry records (enterprises, regulators) and the role filing table.
#include "domain/registry.h"

#include <gtest/gtest.h>

#include "domain/role.h"
#include "report_fixtures.h"

namespace battrace {
namespace {

using nlohmann::json;

json ValidEnterprise() {
  return {{"kind", "enterprise"},
          {"uscc", testing::kBatteryMaker},
          {"name", "宁德示例电池有限公司"},
          {"roles", {"vehicle_maker", "battery_maker"}},
          {"division", "350902"},
          {"manufacturer_codes", {"001", "04Q"}},
          {"wmi", {"LSV"}},
          {"cooperates_with", {testing::kVehicleMaker}},
          {"qualifications",
           {{{"type", "eia"}, {"valid_from", "2024-01-01"}, {"valid_to", "2030-12-31"}}}},
          {"successor_of", {testing::kRepairShop}}};
}

json ValidRegulator() {
  return {
      {"kind", "regulator"}, {"id", "miit-440300"}, {"department", "MIIT"}, {"division", "440300"}};
}

void ExpectError(const json& j, const std::string& field, const std::string& rule) {
  auto r = ParseRegistryRecord(j.dump());
  ASSERT_FALSE(r.ok()) << j.dump();
  EXPECT_EQ(r.status().field(), field) << r.status().ToString();
  EXPECT_EQ(r.status().rule(), rule) << r.status().ToString();
}

TEST(RegistryTest, EnterpriseParsesAndRoundTrips) {
  auto r = ParseRegistryRecord(ValidEnterprise().dump());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const auto& e = std::get<Enterprise>(*r);
  EXPECT_EQ(e.uscc.str(), testing::kBatteryMaker);
  ASSERT_EQ(e.roles.size(), 2u);
  EXPECT_EQ(e.roles[0], Role::kBatteryMaker);  // stored in enum order
  EXPECT_TRUE(e.HasRole(Role::kVehicleMaker));
  EXPECT_FALSE(e.HasRole(Role::kRecycler));
  EXPECT_EQ(e.division.code(), "350902");
  ASSERT_EQ(e.qualifications.size(), 1u);
  EXPECT_EQ(e.qualifications[0].type, QualificationType::kEia);
  EXPECT_TRUE(e.qualifications[0].ValidOn(*Date::FromYmd(2030, 12, 31)));
  EXPECT_FALSE(e.qualifications[0].ValidOn(*Date::FromYmd(2031, 1, 1)));

  const json stored = RegistryRecordToJson(*r);
  EXPECT_EQ(stored["roles"], json({"battery_maker", "vehicle_maker"}));
  auto again = ParseRegistryRecord(stored.dump());
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(RegistryRecordToJson(*again), stored);
}

TEST(RegistryTest, EnterpriseListsAreOptional) {
  json j = ValidEnterprise();
  for (const char* k :
       {"manufacturer_codes", "wmi", "cooperates_with", "qualifications", "successor_of"}) {
    j.erase(k);
  }
  auto r = ParseRegistryRecord(j.dump());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(RegistryRecordToJson(*r)["wmi"], json::array());
}

TEST(RegistryTest, RegulatorParsesIncludingNational) {
  auto r = ParseRegistryRecord(ValidRegulator().dump());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(std::get<Regulator>(*r).department, Department::kMiit);
  EXPECT_EQ(RegistryRecordToJson(*r), ValidRegulator());
  json national = ValidRegulator();
  national["division"] = "000000";
  national["department"] = "MOFCOM";
  EXPECT_TRUE(ParseRegistryRecord(national.dump()).ok());
}

TEST(RegistryTest, MalformedRecords) {
  json j = ValidEnterprise();
  j["role"] = {"battery_maker"};
  ExpectError(j, "/role", "registry.unknown_field");
  j = ValidEnterprise();
  j["roles"] = {"battery_maker", "scrap_dealer"};
  ExpectError(j, "/roles/1", "registry.enum");
  j["roles"] = {"battery_maker", "battery_maker"};
  ExpectError(j, "/roles/1", "registry.duplicate");
  j["roles"] = json::array();
  ExpectError(j, "/roles", "registry.empty");
  j = ValidEnterprise();
  j["manufacturer_codes"] = {"001", "0a1"};
  ExpectError(j, "/manufacturer_codes/1", "registry.format");
  j["manufacturer_codes"] = {"0011"};
  ExpectError(j, "/manufacturer_codes/0", "registry.too_long");
  j = ValidEnterprise();
  j["wmi"] = {"LIV"};
  ExpectError(j, "/wmi/0", "registry.format");
  j = ValidEnterprise();
  j["cooperates_with"] = {"91350900587527783Q"};
  ExpectError(j, "/cooperates_with/0", "uscc.check_character");
  j = ValidEnterprise();
  j["division"] = "359999";
  ExpectError(j, "/division", "division.unknown");
  j = ValidEnterprise();
  j["qualifications"][0]["type"] = "licence";
  ExpectError(j, "/qualifications/0/type", "registry.enum");
  j = ValidEnterprise();
  j["qualifications"][0]["valid_to"] = "2023-12-31";
  ExpectError(j, "/qualifications/0/valid_to", "registry.range");
  j = ValidEnterprise();
  j.erase("name");
  ExpectError(j, "/name", "registry.required");
  j = ValidEnterprise();
  j["kind"] = "outlet";
  ExpectError(j, "/kind", "registry.enum");
  j.erase("kind");
  ExpectError(j, "/kind", "registry.required");
  j = ValidRegulator();
  j["department"] = "miit";
  ExpectError(j, "/department", "registry.enum");
  j = ValidRegulator();
  j["uscc"] = testing::kBatteryMaker;  // an enterprise field
  ExpectError(j, "/uscc", "registry.unknown_field");
  EXPECT_EQ(ParseRegistryRecord("[1]").status().rule(), "registry.type");
  EXPECT_EQ(ParseRegistryRecord("{").status().rule(), "registry.json");
}

TEST(RoleTest, FilingTableFollowsReportsMd) {
  EXPECT_TRUE(RoleMayFile(Role::kBatteryMaker, ReportType::kBatteryProduced));
  EXPECT_FALSE(RoleMayFile(Role::kVehicleMaker, ReportType::kBatteryProduced));
  EXPECT_TRUE(RoleMayFile(Role::kVehicleMaker, ReportType::kVehicleProduced));
  EXPECT_TRUE(RoleMayFile(Role::kRepairShop, ReportType::kBatteryReplaced));
  EXPECT_TRUE(RoleMayFile(Role::kVehicleMaker, ReportType::kBatteryReplaced));
  EXPECT_FALSE(RoleMayFile(Role::kSwapOperator, ReportType::kBatteryReplaced));
  EXPECT_TRUE(RoleMayFile(Role::kSwapOperator, ReportType::kBatterySwapped));
  EXPECT_TRUE(RoleMayFile(Role::kDismantler, ReportType::kVehicleScrapped));
  EXPECT_TRUE(RoleMayFile(Role::kDismantler, ReportType::kBatteryOutbound));
  EXPECT_FALSE(RoleMayFile(Role::kDismantler, ReportType::kBatteryUtilized));
  EXPECT_TRUE(RoleMayFile(Role::kRecycler, ReportType::kProductOutbound));
  EXPECT_TRUE(RoleMayFile(Role::kRecycler, ReportType::kBatteryInbound));
  EXPECT_FALSE(RoleMayFile(Role::kRecycler, ReportType::kOutletRegistered));
  EXPECT_TRUE(RoleMayFile(Role::kBatteryMaker, ReportType::kOutletClosed));
  EXPECT_FALSE(RoleMayFile(Role::kBatteryMaker, ReportType::kModelDisassemblyInfo));
  for (size_t t = 0; t < kReportTypeCount; ++t) {
    EXPECT_FALSE(RoleMayFile(Role::kEbikeMaker, static_cast<ReportType>(t)));
  }
  for (size_t r = 0; r < kRoleCount; ++r) {
    const auto role = static_cast<Role>(r);
    EXPECT_EQ(RoleFromName(RoleName(role)), role);
  }
}

}  // namespace
}  // namespace battrace
