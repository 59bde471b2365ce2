// The CBV 2.0 vocabulary lists, as GS1 publishes them in its JSON-LD contexts (one context per
// vocabulary, each mapping the bare word to its Web URI).
#include "epcis/cbv.h"

#include <algorithm>
#include <array>
#include <span>

namespace battrace::epcis {
namespace {

constexpr std::array<std::string_view, 41> kBizSteps = {"accepting",
                                                        "arriving",
                                                        "assembling",
                                                        "collecting",
                                                        "commissioning",
                                                        "consigning",
                                                        "creating_class_instance",
                                                        "cycle_counting",
                                                        "decommissioning",
                                                        "departing",
                                                        "destroying",
                                                        "disassembling",
                                                        "dispensing",
                                                        "encoding",
                                                        "entering_exiting",
                                                        "holding",
                                                        "inspecting",
                                                        "installing",
                                                        "killing",
                                                        "loading",
                                                        "other",
                                                        "packing",
                                                        "picking",
                                                        "receiving",
                                                        "removing",
                                                        "repackaging",
                                                        "repairing",
                                                        "replacing",
                                                        "reserving",
                                                        "retail_selling",
                                                        "sampling",
                                                        "sensor_reporting",
                                                        "shipping",
                                                        "staging_outbound",
                                                        "stock_taking",
                                                        "stocking",
                                                        "storing",
                                                        "transporting",
                                                        "unloading",
                                                        "unpacking",
                                                        "void_shipping"};

constexpr std::array<std::string_view, 33> kDispositions = {"active",
                                                            "available",
                                                            "completeness_inferred",
                                                            "completeness_verified",
                                                            "conformant",
                                                            "container_closed",
                                                            "container_open",
                                                            "damaged",
                                                            "destroyed",
                                                            "dispensed",
                                                            "disposed",
                                                            "encoded",
                                                            "expired",
                                                            "in_progress",
                                                            "in_transit",
                                                            "inactive",
                                                            "mismatch_class",
                                                            "mismatch_instance",
                                                            "mismatch_quantity",
                                                            "needs_replacement",
                                                            "no_pedigree_match",
                                                            "non_conformant",
                                                            "non_sellable_other",
                                                            "partially_dispensed",
                                                            "recalled",
                                                            "reserved",
                                                            "retail_sold",
                                                            "returned",
                                                            "sellable_accessible",
                                                            "sellable_not_accessible",
                                                            "stolen",
                                                            "unavailable",
                                                            "unknown"};

constexpr std::array<std::string_view, 13> kBizTransactionTypes = {
    "bol",       "cert",   "desadv", "inv",     "pedigree", "po",   "poc",
    "prodorder", "recadv", "rma",    "testprd", "testres",  "upevt"};

constexpr std::array<std::string_view, 3> kSourceDestTypes = {"location", "owning_party",
                                                              "possessing_party"};

constexpr std::array<std::string_view, 2> kErrorReasons = {"did_not_occur", "incorrect_data"};

constexpr std::array<std::string_view, 14> kComponents = {"altitude",
                                                          "axial_distance",
                                                          "azimuth",
                                                          "easting",
                                                          "elevation_angle",
                                                          "height",
                                                          "latitude",
                                                          "longitude",
                                                          "northing",
                                                          "polar_angle",
                                                          "spherical_radius",
                                                          "x",
                                                          "y",
                                                          "z"};

constexpr std::array<std::string_view, 72> kMeasurementTypes = {"AbsoluteHumidity",
                                                                "AbsorbedDose",
                                                                "AbsorbedDoseRate",
                                                                "Acceleration",
                                                                "Altitude",
                                                                "AmountOfSubstance",
                                                                "AmountOfSubstancePerUnitVolume",
                                                                "Angle",
                                                                "AngularAcceleration",
                                                                "AngularMomentum",
                                                                "AngularVelocity",
                                                                "Area",
                                                                "Capacitance",
                                                                "Conductance",
                                                                "Conductivity",
                                                                "Count",
                                                                "Density",
                                                                "Dimensionless",
                                                                "DoseEquivalent",
                                                                "DoseEquivalentRate",
                                                                "DynamicViscosity",
                                                                "ElectricCharge",
                                                                "ElectricCurrent",
                                                                "ElectricCurrentDensity",
                                                                "ElectricFieldStrength",
                                                                "Energy",
                                                                "Exposure",
                                                                "Force",
                                                                "Frequency",
                                                                "Illuminance",
                                                                "Inductance",
                                                                "Irradiance",
                                                                "KinematicViscosity",
                                                                "Length",
                                                                "LinearMomentum",
                                                                "Luminance",
                                                                "LuminousFlux",
                                                                "LuminousIntensity",
                                                                "MagneticFlux",
                                                                "MagneticFluxDensity",
                                                                "MagneticVectorPotential",
                                                                "Mass",
                                                                "MassConcentration",
                                                                "MassFlowRate",
                                                                "MassPerAreaTime",
                                                                "MemoryCapacity",
                                                                "MolalityOfSolute",
                                                                "MolarEnergy",
                                                                "MolarMass",
                                                                "MolarVolume",
                                                                "Power",
                                                                "Pressure",
                                                                "RadiantFlux",
                                                                "RadiantIntensity",
                                                                "Radioactivity",
                                                                "RelativeHumidity",
                                                                "Resistance",
                                                                "Resistivity",
                                                                "SolidAngle",
                                                                "SpecificVolume",
                                                                "Speed",
                                                                "SurfaceDensity",
                                                                "SurfaceTension",
                                                                "Temperature",
                                                                "Time",
                                                                "Torque",
                                                                "Voltage",
                                                                "Volume",
                                                                "VolumeFlowRate",
                                                                "VolumeFraction",
                                                                "VolumetricFlux",
                                                                "Wavenumber"};

constexpr std::array<std::string_view, 2> kSensorAlertTypes = {"ALARM_CONDITION",
                                                               "ERROR_CONDITION"};

// One vocabulary: its words and the prefixes of its spellings. `urn` is empty where the
// vocabulary has no URN form (the CBV 2.0 additions and the GS1 Web Vocabulary); `curie` is the
// compact form under the prefix GS1's own JSON-LD context declares ("cbv:", "gs1:").
struct Table {
  std::span<const std::string_view> words;  // sorted
  std::string_view web;
  std::string_view urn;
  std::string_view curie;
};

Table TableOf(Vocab vocab) {
  switch (vocab) {
    case Vocab::kBizStep:
      return {kBizSteps, "https://ref.gs1.org/cbv/BizStep-",
              "urn:epcglobal:cbv:bizstep:", "cbv:BizStep-"};
    case Vocab::kDisposition:
      return {kDispositions, "https://ref.gs1.org/cbv/Disp-",
              "urn:epcglobal:cbv:disp:", "cbv:Disp-"};
    case Vocab::kBizTransactionType:
      return {kBizTransactionTypes, "https://ref.gs1.org/cbv/BTT-",
              "urn:epcglobal:cbv:btt:", "cbv:BTT-"};
    case Vocab::kSourceDestType:
      return {kSourceDestTypes, "https://ref.gs1.org/cbv/SDT-",
              "urn:epcglobal:cbv:sdt:", "cbv:SDT-"};
    case Vocab::kErrorReason:
      return {kErrorReasons, "https://ref.gs1.org/cbv/ER-", "urn:epcglobal:cbv:er:", "cbv:ER-"};
    case Vocab::kComponent:
      return {kComponents, "https://ref.gs1.org/cbv/Comp-", "", "cbv:Comp-"};
    case Vocab::kMeasurementType:
      return {kMeasurementTypes, "https://gs1.org/voc/", "", "gs1:"};
    case Vocab::kSensorAlertType:
      return {kSensorAlertTypes, "https://gs1.org/voc/", "", "gs1:"};
  }
  return {};
}

static_assert(std::ranges::is_sorted(kBizSteps) && std::ranges::is_sorted(kDispositions) &&
                  std::ranges::is_sorted(kBizTransactionTypes) &&
                  std::ranges::is_sorted(kSourceDestTypes) &&
                  std::ranges::is_sorted(kErrorReasons) && std::ranges::is_sorted(kComponents) &&
                  std::ranges::is_sorted(kMeasurementTypes) &&
                  std::ranges::is_sorted(kSensorAlertTypes),
              "IsWord searches the lists by bisection");

bool IsWord(const Table& table, std::string_view word) {
  return std::binary_search(table.words.begin(), table.words.end(), word);
}

// The standard word `value` spells, or an empty view.
std::string_view WordOf(const Table& table, std::string_view value) {
  if (IsWord(table, value)) return value;
  for (std::string_view prefix : {table.web, table.urn, table.curie}) {
    if (prefix.empty() || !value.starts_with(prefix)) continue;
    const std::string_view word = value.substr(prefix.size());
    if (IsWord(table, word)) return word;
  }
  return {};
}

}  // namespace

std::string CbvWord(Vocab vocab, std::string_view value) {
  const std::string_view word = WordOf(TableOf(vocab), value);
  return std::string(word.empty() ? value : word);
}

std::string CbvWebUri(Vocab vocab, std::string_view value) {
  const Table table = TableOf(vocab);
  const std::string_view word = WordOf(table, value);
  if (word.empty()) return std::string(value);
  return std::string(table.web) + std::string(word);
}

std::string CbvUrnAsWebUri(std::string_view value) {
  for (Vocab vocab : {Vocab::kBizStep, Vocab::kDisposition, Vocab::kBizTransactionType,
                      Vocab::kSourceDestType, Vocab::kErrorReason}) {
    const Table table = TableOf(vocab);
    if (value.starts_with(table.urn)) {
      return std::string(table.web) + std::string(value.substr(table.urn.size()));
    }
  }
  return std::string(value);
}

}  // namespace battrace::epcis
