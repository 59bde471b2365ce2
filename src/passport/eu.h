// The EU battery passport (Regulation (EU) 2023/1542, Art. 77 and Annex XIII) of a battery, made
// from the same record as its China digital ID: the Battery Pass data model's aspects (general
// product information, carbon footprint, circularity, material composition, performance and
// durability, labels, supply-chain due diligence), each field shown only to the access classes
// of Art. 77(2) the Regulation opens it to. What battrace does not know is left out, never
// invented. docs/passport.md is the contract: the attribute table, the access map, the identity
// rules, and each schema-required property left out and why.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "access/access.h"
#include "core/status.h"
#include "domain/state.h"
#include "store/store.h"

namespace battrace::passport {

// The access classes of Art. 77(2), nested: each sees what the classes below it see.
enum class EuAccess { kPublic, kLegitimate, kAuthority };

// "public", "legitimate", "authority".
std::string_view EuAccessName(EuAccess access);
std::optional<EuAccess> EuAccessFromName(std::string_view name);

// The access class of a viewer for a battery: a regulator, the authority; the admin, a repair
// shop, dismantler, recycler or swap operator (second life), and the battery's producer, a
// legitimate interest; everyone else (the public, other enterprises), the public.
EuAccess EuAccessFor(const access::Viewer& viewer, const domain::BatteryState& battery);

// The passport identifier of the battery `code`: "urn:uuid:" and the 32 lower-case hex digits
// of a name-based UUID (version 8, SHA-256) of the code (docs/passport.md, "Identity").
std::string EuPassportIdentifier(std::string_view code);

// A report the passport is made from: its receipt and its stored form, parsed, with a later
// correction's report in force in place of the original's fields.
struct EuSource {
  store::StoredReport report;                    // the original (its receipt)
  nlohmann::json body;                           // the fields in force
  std::vector<store::StoredReport> corrections;  // the corrections applied, in ledger order
};

// Everything the passport is made from, read from the store by EuPassportInputsFor.
struct EuPassportInputs {
  domain::BatteryState battery;
  std::optional<EuSource> produced;  // the battery's own battery.produced
  std::optional<EuSource> declared;  // the producer's battery_model.declared of its model in force
  std::vector<EuSource> health;      // the battery.health reports of the battery, in ledger order
  std::optional<EuSource> utilized;  // the first battery.utilized naming it
  std::optional<std::string> maker_name;  // the producer's registered name
  // The custodian is registered as a dismantler or recycler (the battery is waste there).
  bool custodian_treats_waste = false;
};

// The stored reports of `history` (ledger order), folded: each correction replaces the fields of
// the report it corrects (same reporter, `corrects` = its id). Those of the types the passport
// reads go into `inputs` (battery.produced of `inputs.battery.code`, battery_model.declared,
// battery.health, battery.utilized); the others are ignored.
Status AddEuSources(const std::vector<store::StoredReport>& history, EuPassportInputs& inputs);

// Reads the battery, its history, its model's declarations and the registry. NotFound when the
// store has no battery `code` (normalized).
Result<EuPassportInputs> EuPassportInputsFor(store::Store& store, const std::string& code);
// The same, with the producer's registered name from `maker_name` (e.g. a cache of the server's)
// instead of the registry.
using MakerNameFn = std::function<std::optional<std::string>(const std::string& uscc)>;
Result<EuPassportInputs> EuPassportInputsFor(store::Store& store, const std::string& code,
                                             const MakerNameFn& maker_name);

// The passport at `access` (its JSON shape: docs/passport.md).
nlohmann::json EuPassport(const EuPassportInputs& inputs, EuAccess access);

}  // namespace battrace::passport
