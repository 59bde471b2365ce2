// The custody fold: who holds or held a battery by custody its history proves (access rules).
#include "domain/holders.h"

#include <gtest/gtest.h>

#include <map>

#include "report_fixtures.h"

namespace battrace::domain {
namespace {

using nlohmann::json;
using testing::kBatteryMaker;
using testing::kModule1;
using testing::kPack1;
using testing::kPack2;
using testing::kRecycler;
using testing::kRepairShop;
using testing::kVehicleMaker;
using testing::kVin1;
using testing::kVin2;

// Registered enterprises beyond the fixtures' (valid USCCs).
constexpr const char* kDismantler = "91420882240100182E";
constexpr const char* kRecycler2 = "9145102624010022XX";
constexpr const char* kSuccessor = "913608272401000945";  // successor of kRecycler
constexpr const char* kImpostor = "91420703240100078P";   // owns neither "001" nor "LSV"

class HoldersTest : public ::testing::Test {
 protected:
  HoldersTest() {
    Add({{"uscc", kBatteryMaker}, {"roles", {"battery_maker"}}, {"manufacturer_codes", {"001"}}});
    Add({{"uscc", kVehicleMaker}, {"roles", {"vehicle_maker"}}, {"wmi", {"LSV"}}});
    Add({{"uscc", kRepairShop}, {"roles", {"repair_shop"}}});
    Add({{"uscc", kDismantler}, {"roles", {"dismantler", "swap_operator"}}});
    Add({{"uscc", kRecycler}, {"roles", {"recycler"}}});
    Add({{"uscc", kRecycler2}, {"roles", {"recycler"}}});
    Add({{"uscc", kSuccessor}, {"roles", {"recycler"}}, {"successor_of", {kRecycler}}});
    Add({{"uscc", kImpostor},
         {"roles", {"battery_maker", "vehicle_maker"}},
         {"manufacturer_codes", {"002"}},
         {"wmi", {"LGX"}}});
  }

  void Add(json e) {
    e["kind"] = "enterprise";
    e["name"] = "Enterprise";
    e["division"] = "440305";
    auto record = ParseRegistryRecord(e.dump());
    ASSERT_TRUE(record.ok()) << record.status().ToString();
    registry_.emplace(e["uscc"].get<std::string>(), std::get<Enterprise>(*record));
  }

  CustodyFold Fold() {
    return CustodyFold([this](const std::string& uscc) -> Result<std::optional<Enterprise>> {
      ++lookups_;
      auto it = registry_.find(uscc);
      if (it == registry_.end()) return std::optional<Enterprise>();
      return std::optional<Enterprise>(it->second);
    });
  }

  // Appends a report of `type` by `reporter` to the history, as the next leaf.
  void File(const std::string& type, const std::string& reporter, json body) {
    body["type"] = type;
    body["id"] = "r-" + std::to_string(history_.size());
    body["reporter"] = reporter;
    body["occurred"] = "2026-05-01";
    auto report = ParseReport(body.dump(), {});
    ASSERT_TRUE(report.ok()) << report.status().ToString() << " " << body.dump();
    history_.push_back({100 + history_.size(), std::move(report).value()});
  }

  uint64_t LastLeaf() const { return history_.back().leaf; }

  std::set<std::string> Holders(const std::string& code) {
    auto custody = Fold().Battery(code, history_);
    EXPECT_TRUE(custody.ok()) << custody.status().ToString();
    return custody.ok() ? custody->holders : std::set<std::string>{};
  }

  void Replace(const char* by, const char* vin, const char* removed, const char* installed) {
    File("battery.replaced", by,
         {{"vin", vin}, {"removed", {removed}}, {"installed", {installed}}});
  }
  void Swap(const char* by, const char* vin, const char* removed, const char* installed) {
    File("battery.swapped", by,
         {{"vin", vin}, {"removed", removed}, {"installed", installed}, {"station", "S"}});
  }
  // A battery.outbound of kPack1.
  void HandOn(const char* by, const char* to, const char* source) {
    File("battery.outbound", by, {{"codes", {kPack1}}, {"to", to}, {"source", source}});
  }

  void Produce() { File("battery.produced", kBatteryMaker, {{"code", kPack1}}); }
  // A vehicle.produced of `vin` with `pack`, by `maker`.
  void Install(const char* vin = kVin1, const char* maker = kVehicleMaker,
               const char* pack = kPack1) {
    File("vehicle.produced", maker,
         {{"vin", vin},
          {"vehicle_type", "M1"},
          {"brand", "B"},
          {"model", "M"},
          {"name", "N"},
          {"packs", {pack}}});
  }

  std::map<std::string, Enterprise> registry_;
  std::vector<HistoryReport> history_;
  int lookups_ = 0;
};

TEST_F(HoldersTest, ProductionProvesCustodyOnlyForTheManufacturerCodesOwner) {
  Produce();
  File("battery.produced", kImpostor, {{"code", kPack1}});  // a duplicate by another firm
  EXPECT_EQ(Holders(kPack1), std::set<std::string>{kBatteryMaker});
}

TEST_F(HoldersTest, AnImpersonatedProductionProvesNothing) {
  File("battery.produced", kImpostor, {{"code", kPack1}, {"parts", {kModule1}}});
  EXPECT_TRUE(Holders(kPack1).empty());
  EXPECT_TRUE(Holders(kModule1).empty());
}

TEST_F(HoldersTest, APacksProvenProducerHoldsItsParts) {
  File("battery.produced", kBatteryMaker, {{"code", kPack1}, {"parts", {kModule1}}});
  EXPECT_EQ(Holders(kModule1), std::set<std::string>{kBatteryMaker});
}

TEST(ProvesCustodyTest, TheTypesTheFoldReads) {
  for (ReportType t :
       {ReportType::kBatteryProduced, ReportType::kVehicleProduced, ReportType::kBatteryReplaced,
        ReportType::kBatterySwapped, ReportType::kBatteryOutbound, ReportType::kVehicleScrapped}) {
    EXPECT_TRUE(ProvesCustody(t)) << ReportTypeName(t);
  }
  for (ReportType t : {ReportType::kVehicleSold, ReportType::kBatteryInbound,
                       ReportType::kBatteryUtilized, ReportType::kCorrection}) {
    EXPECT_FALSE(ProvesCustody(t)) << ReportTypeName(t);
  }
}

TEST_F(HoldersTest, AnInboundProvesNothing) {
  Produce();
  File("battery.inbound", kRecycler, {{"codes", {kPack1}}, {"from", kBatteryMaker}});
  File("battery.utilized", kRecycler, {{"codes", {kPack1}}, {"process", "crushing"}});
  EXPECT_EQ(Holders(kPack1), std::set<std::string>{kBatteryMaker});
}

TEST_F(HoldersTest, AnOutboundHandsOnOnlyFromAHolder) {
  Produce();
  HandOn(kRepairShop, kRecycler2, "repair");  // never held it
  File("battery.outbound", kBatteryMaker,
       {{"codes", {kPack1, kPack2}}, {"to", kRecycler}, {"source", "production"}});
  HandOn(kRecycler, kDismantler, "recycling");  // a holder now: hands on
  EXPECT_EQ(Holders(kPack1), (std::set<std::string>{kBatteryMaker, kRecycler, kDismantler}));
  EXPECT_TRUE(Holders(kPack2).empty());  // named in the maker's outbound, never produced
}

TEST_F(HoldersTest, TheWholeChainInstallationScrappingTransfer) {
  Produce();
  Install();
  File("vehicle.scrapped", kDismantler,
       {{"vin", kVin1}, {"certificate", "C-1"}, {"packs_present", {kPack1}}});
  const uint64_t scrapped = LastLeaf();
  HandOn(kDismantler, kRecycler, "dismantling");
  auto custody = Fold().Battery(kPack1, history_);
  ASSERT_TRUE(custody.ok()) << custody.status().ToString();
  EXPECT_EQ(custody->holders,
            (std::set<std::string>{kBatteryMaker, kVehicleMaker, kDismantler, kRecycler}));
  EXPECT_EQ(custody->removals, std::set<uint64_t>{scrapped});
}

TEST_F(HoldersTest, AnInstallationByAnotherThanTheWmisOwnerRecordsNothing) {
  Produce();
  Install(kVin1, kImpostor, kPack1);
  File("vehicle.scrapped", kDismantler,
       {{"vin", kVin1}, {"certificate", "C-1"}, {"packs_present", {kPack1}}});
  EXPECT_EQ(Holders(kPack1), std::set<std::string>{kBatteryMaker});
}

TEST_F(HoldersTest, ARemovalProvesCustodyOnlyFromTheVehicleThePackIsRecordedIn) {
  Produce();
  Install(kVin1);
  Replace(kRepairShop, kVin2, kPack1, kPack2);
  EXPECT_EQ(Holders(kPack1), (std::set<std::string>{kBatteryMaker, kVehicleMaker}));
  // The pack is still recorded in kVin1: a removal from there proves custody, once.
  Swap(kDismantler, kVin1, kPack1, kPack2);
  Replace(kRepairShop, kVin1, kPack1, kPack2);
  EXPECT_EQ(Holders(kPack1), (std::set<std::string>{kBatteryMaker, kVehicleMaker, kDismantler}));
}

TEST_F(HoldersTest, AReplacementNamingItsRepairerGivesTheRepairerCustody) {
  Produce();
  Install();
  File("battery.replaced", kVehicleMaker,
       {{"vin", kVin1}, {"removed", {kPack1}}, {"installed", {kPack2}}, {"repairer", kRepairShop}});
  EXPECT_TRUE(Holders(kPack1).contains(kRepairShop));
}

TEST_F(HoldersTest, ANewPackInstalledByAReplacementIsRecordedInTheVehicle) {
  Produce();  // new: no custody since its production
  Replace(kRepairShop, kVin1, kPack2, kPack1);
  EXPECT_EQ(Holders(kPack1), std::set<std::string>{kBatteryMaker});  // installing gives nothing
  Swap(kDismantler, kVin1, kPack1, kPack2);
  EXPECT_TRUE(Holders(kPack1).contains(kDismantler));
}

TEST_F(HoldersTest, AHandedOnPackIsRecordedInstalledOnlyByItsHolder) {
  Produce();
  HandOn(kBatteryMaker, kRecycler, "production");
  Replace(kRepairShop, kVin1, kPack2, kPack1);  // not a holder: the installation is not recorded
  Replace(kRepairShop, kVin1, kPack1, kPack2);
  EXPECT_FALSE(Holders(kPack1).contains(kRepairShop));
}

TEST_F(HoldersTest, APackRecordedInOneVehicleIsNotInstalledInAnother) {
  Produce();
  Install(kVin1);
  Replace(kRepairShop, kVin2, kPack2, kPack1);
  Replace(kRepairShop, kVin2, kPack1, kPack2);
  EXPECT_FALSE(Holders(kPack1).contains(kRepairShop));
}

TEST_F(HoldersTest, SuccessorsHoldWhatTheirPredecessorsHold) {
  Produce();
  HandOn(kBatteryMaker, kRecycler, "production");
  HandOn(kSuccessor, kRecycler2, "recycling");  // holds as kRecycler's successor: hands on
  CustodyFold fold = Fold();
  auto custody = fold.Battery(kPack1, history_);
  ASSERT_TRUE(custody.ok());
  EXPECT_TRUE(custody->holders.contains(kRecycler2));
  auto holds = fold.Holds(custody->holders, kSuccessor);
  ASSERT_TRUE(holds.ok());
  EXPECT_TRUE(*holds);
  auto ids = fold.SelfAndPredecessors(kSuccessor);
  ASSERT_TRUE(ids.ok());
  EXPECT_EQ(*ids, (std::vector<std::string>{kSuccessor, kRecycler}));
  holds = fold.Holds(custody->holders, kRepairShop);
  ASSERT_TRUE(holds.ok());
  EXPECT_FALSE(*holds);
}

TEST_F(HoldersTest, TheMakerOfRecordAndTheRemovalsOfAVehicle) {
  Install(kVin1);
  Install(kVin1, kImpostor, kPack2);
  File("battery.replaced", kVehicleMaker,
       {{"vin", kVin1}, {"removed", {kPack1}}, {"installed", {kPack2}}, {"repairer", kRepairShop}});
  Swap(kDismantler, kVin1, kPack2, kPack1);
  CustodyFold fold = Fold();
  auto made = fold.MadeVehicle(kVin1, history_, {kVehicleMaker});
  ASSERT_TRUE(made.ok());
  EXPECT_TRUE(*made);
  made = fold.MadeVehicle(kVin1, history_, {kImpostor});  // not the WMI's owner
  ASSERT_TRUE(made.ok());
  EXPECT_FALSE(*made);
  const auto shop = RemovalsBy(history_, {kRepairShop});
  ASSERT_EQ(shop.size(), 1u);
  EXPECT_EQ(shop[0].code, kPack1);
  EXPECT_EQ(shop[0].leaf, history_[2].leaf);
  EXPECT_TRUE(RemovalsBy(history_, {kVehicleMaker}).empty());  // it reported for the shop
  const auto swapper = RemovalsBy(history_, {kDismantler});
  ASSERT_EQ(swapper.size(), 1u);
  EXPECT_EQ(swapper[0].code, kPack2);
}

TEST_F(HoldersTest, ARegistryErrorIsReturned) {
  Produce();
  CustodyFold fold([](const std::string&) -> Result<std::optional<Enterprise>> {
    return Status::Corruption("registry unreadable");
  });
  auto custody = fold.Battery(kPack1, history_);
  ASSERT_FALSE(custody.ok());
  EXPECT_EQ(custody.status().code(), StatusCode::kCorruption);
}

TEST_F(HoldersTest, TheRegistryIsReadOncePerEnterprise) {
  Produce();
  Install();
  for (int i = 0; i < 5; ++i) {
    HandOn(kVehicleMaker, kRecycler, "installation");
  }
  CustodyFold fold = Fold();
  ASSERT_TRUE(fold.Battery(kPack1, history_).ok());
  EXPECT_EQ(lookups_, 2);  // the battery maker and the vehicle maker; holders need no look-up
}

}  // namespace
}  // namespace battrace::domain
