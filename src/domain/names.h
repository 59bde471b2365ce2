// The stable names the regulation engine writes into findings and duties (docs/findings.md):
// finding kinds, duty keys (rules/README.md) and the article keys findings cite. They are part
// of the JSON that `battrace findings --json`, the API and the simulator's answer key share, and
// of the rows the stores keep: a name here never changes.
#pragma once

#include <string_view>

namespace battrace::domain {

// Finding kinds (docs/findings.md), in the order of kFindingKinds (domain/finding.h).
namespace finding_kind {
inline constexpr std::string_view kLateReport = "late_report";
inline constexpr std::string_view kOverdueReport = "overdue_report";
inline constexpr std::string_view kUnlicensedDestination = "unlicensed_destination";
inline constexpr std::string_view kProhibitedUse = "prohibited_use";
inline constexpr std::string_view kUnqualifiedRecycler = "unqualified_recycler";
inline constexpr std::string_view kScrappedWithoutBattery = "scrapped_without_battery";
inline constexpr std::string_view kDuplicateCode = "duplicate_code";
inline constexpr std::string_view kImpersonatedCode = "impersonated_code";
inline constexpr std::string_view kConflictingCustody = "conflicting_custody";
inline constexpr std::string_view kMissingDigitalId = "missing_digital_id";
inline constexpr std::string_view kOutletCoverageGap = "outlet_coverage_gap";
inline constexpr std::string_view kSuspiciousTechQuery = "suspicious_tech_query";
inline constexpr std::string_view kUnknownBattery = "unknown_battery";
inline constexpr std::string_view kUnknownVehicle = "unknown_vehicle";
inline constexpr std::string_view kImpersonatedVin = "impersonated_vin";
inline constexpr std::string_view kImplausibleFact = "implausible_fact";
}  // namespace finding_kind

// Duty keys: the Article 24 row ids a rule file keys its rules by (rules/README.md; the list a
// rule file may use is DutyKeys(), domain/rules.h), named by who owes which report. Besides them,
// kDigitalId keys the missing_digital_id duty, which no rule file times.
namespace duty {
inline constexpr std::string_view kDisassemblyInfo = "24.1";         // model.disassembly_info
inline constexpr std::string_view kVehicleProduced = "24.2a";        // vehicle maker
inline constexpr std::string_view kVehicleSold = "24.2b";            // vehicle maker
inline constexpr std::string_view kVehicleMakerOutbound = "24.2c";   // its own waste
inline constexpr std::string_view kBatteryMakerOutbound = "24.3";    // its own waste, re-made
inline constexpr std::string_view kSwapped = "24.4a";                // swap operator
inline constexpr std::string_view kSwapOutbound = "24.4b";           // swap operator
inline constexpr std::string_view kReplacedByPartnerShop = "24.5a";  // shop cooperating with maker
inline constexpr std::string_view kReplacedByMaker = "24.5b";        // vehicle maker
inline constexpr std::string_view kReplacedByOtherShop = "24.5c";    // shop without cooperation
inline constexpr std::string_view kOutletRegistered = "24.6a";       // battery or vehicle maker
inline constexpr std::string_view kOutletInbound = "24.6b";          // at a maker's outlet
inline constexpr std::string_view kOutletOutbound = "24.6c";         // from a maker's outlet
inline constexpr std::string_view kRecyclerInbound = "24.7a";        // recycler
inline constexpr std::string_view kProductOutbound = "24.7b";        // recycler
inline constexpr std::string_view kDismantled = "24.8";              // dismantler
inline constexpr std::string_view kUtilized = "utilized";            // battery.utilized
inline constexpr std::string_view kDigitalId = "12";  // a pack's digital ID (missing_digital_id)
}  // namespace duty

// Article keys of the 2026 Measures that findings cite directly (a finding on a timed duty cites
// its rule's `article` instead, which a rule file spells: "24.2a", "2018-9").
namespace article {
inline constexpr std::string_view kCoding = "10";          // battery codes, custody records
inline constexpr std::string_view kDigitalId = "12";       // a pack's digital ID
inline constexpr std::string_view kBatteryOutlets = "14";  // a battery maker's outlets, by province
inline constexpr std::string_view kVehicleOutlets = "15";  // a vehicle maker's outlets, by city
inline constexpr std::string_view kLicensedDestination = "20";  // waste only to recyclers
inline constexpr std::string_view kScrappedTogether = "21";     // vehicle and battery together
inline constexpr std::string_view kNoEbikes = "22";             // no waste to e-bike makers
inline constexpr std::string_view kReporting = "24";            // the reporting duties
inline constexpr std::string_view kInvestmentFiling = "34";     // NDRC
inline constexpr std::string_view kEnvironment = "35";          // EIA, discharge permit (MEE)
}  // namespace article

}  // namespace battrace::domain
