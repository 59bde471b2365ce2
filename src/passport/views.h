// The JSON views of batteries, vehicles and stored reports, per access level: the public
// digital ID (what a QR scan shows anyone), and the full record the access rules
// (access/access.h) allow to holders, regulators and admins. The API and `battrace show` both
// render through here, so a field is public or not in one place.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "access/access.h"
#include "core/lang.h"
#include "domain/state.h"
#include "store/store.h"

namespace battrace::passport {

// The public digital ID: code, type, chemistry, maker, production month, status, and what to
// do with the battery when it is retired. Never custodians, vehicles, owners or commercial data.
// `maker_name`: the producer's registered name, when known. `recycling_guidance` is in `lang`
// (the API's Accept-Language).
nlohmann::json PublicDigitalId(const domain::BatteryState& battery,
                               const std::optional<std::string>& maker_name, Lang lang = Lang::kEn);

// The record as the viewer may see it: the public digital ID, plus, for a full view, the
// model, the battery it is part of, its parts, custodian, vehicle and the completeness of its
// digital ID (Art. 12).
nlohmann::json BatteryView(const access::BatteryRecord& record,
                           const std::optional<std::string>& maker_name, Lang lang = Lang::kEn);

// What the holder of a battery in `status` should do with it (Arts. 18-21), in `lang`.
const char* RecyclingGuidance(const std::string& status, Lang lang);

nlohmann::json VehicleView(const access::VehicleRecord& record);

// A row of GET /v1/batteries, a list of batteries the viewer may read in full: code, type,
// chemistry code, model, status, the holder (custodian, with its registered name when known),
// vehicle and producer.
nlohmann::json BatteryListItem(const domain::BatteryState& battery,
                               const std::optional<std::string>& custodian_name);
// A row of GET /v1/vehicles: the vehicle's record without its history.
nlohmann::json VehicleListItem(const domain::VehicleState& vehicle);

// A stored report with its receipt: leaf index, leaf hash, the report as stored.
nlohmann::json ReportView(const store::StoredReport& report);

}  // namespace battrace::passport
