// What the two engines (store/sqlite/, store/postgres/) share: the column lists their queries
// read, the readers that turn a row into a domain value (templates over the engine's row type,
// which has Text, OptText, Int, IsNull and Blob by column), the Merkle node layout, and the
// query logic that runs in C++ after the rows are read (succession, coverage gaps, filters and
// order of findings and obligations, battery histories, the audit chain).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "core/division.h"
#include "domain/registry_index.h"
#include "domain/state.h"
#include "ledger/checkpoint.h"
#include "ledger/hash.h"
#include "ledger/merkle.h"
#include "store/audit.h"
#include "store/ledger_writer.h"
#include "store/node_layout.h"
#include "store/rows.h"
#include "store/store.h"
#include "store/tables.h"

namespace battrace::store::common {

// The column lists of the described rows (store/tables.h).
inline constexpr const char* kBatteryColumns = rows::kColumnsOf<tables::kBattery>;
inline constexpr const char* kVehicleColumns = rows::kColumnsOf<tables::kVehicle>;
inline constexpr const char* kReportColumns = rows::kColumnsOf<tables::kReport>;
// The leaves of the history of the battery whose code is bound as $1 (Store::BatteryHistory):
// the reports naming it, its battery.produced and that of the battery it was assembled into,
// once each (a write transaction adds its pending rows the same way: CompleteHistory).
constexpr const char* kBatteryHistoryLeaves =
    "SELECT leaf FROM battery_event WHERE code = $1 "
    "UNION SELECT produced_leaf FROM battery WHERE code = $1 AND produced_leaf >= 0 "
    "UNION SELECT p.produced_leaf FROM battery b JOIN battery p ON p.code = b.parent "
    "WHERE b.code = $1 AND p.produced_leaf >= 0";
inline constexpr const char* kOutletColumns = rows::kColumnsOf<tables::kOutlet>;
inline constexpr const char* kModelColumns = rows::kColumnsOf<tables::kModel>;
inline constexpr const char* kDutyColumns = rows::kColumnsOf<tables::kDuty>;
inline constexpr const char* kAuditColumns = rows::kColumnsOf<tables::kAudit>;
inline constexpr const char* kFindingColumns = rows::kColumnsOf<tables::kFinding>;
inline constexpr const char* kTokenColumns = rows::kColumnsOf<tables::kToken>;

// The query of Store::ListBatteries (ListVehicles) for a scope: all, party or division
// (ListScope), in "$n" placeholders, which SQLite numbers in the order they first appear, as
// here: all ($1 the key after, $2 the limit); party ($1 the USCC, $2 the key after, $3 the
// limit); division ($1 and $2 the division range [low, high), $3 and $4 the key after, $5 the
// limit).
std::string ListBatteriesSql(const ListScope& scope);
std::string ListVehiclesSql(const ListScope& scope);

// The parameters of those queries for a scope and a key to resume after, in order, without the
// limit: the division's code range, or the party, then the key ("" parts for the first page).
Result<std::vector<std::string>> ListParams(const ListScope& scope,
                                            const std::vector<std::string>& after);

template <typename Row>
domain::BatteryState ReadBattery(const Row& s) {
  return rows::Read(tables::kBattery, s);
}

template <typename Row>
domain::VehicleState ReadVehicle(const Row& s) {
  return rows::Read(tables::kVehicle, s);
}

template <typename Row>
domain::OutletState ReadOutlet(const Row& s) {
  return rows::Read(tables::kOutlet, s);
}

template <typename Row>
domain::ModelState ReadModel(const Row& s) {
  return rows::Read(tables::kModel, s);
}

template <typename Row>
Result<domain::Duty> ReadDuty(const Row& s) {
  return rows::Read(tables::kDuty, s);
}

template <typename Row>
Result<domain::Finding> ReadFinding(const Row& s) {
  return rows::Read(tables::kFinding, s);
}

// The hashes that begin with `prefix` (at most 32 bytes) lie in [first, last].
struct HashRange {
  ledger::Hash first{}, last{};
};
HashRange HashPrefixRange(std::string_view prefix);
// The cursor that every token comes after (ListTokens' first page).
TokenCursor TokensStart();

template <typename Row>
TokenRow ReadToken(const Row& s) {
  return rows::Read(tables::kToken, s);
}

template <typename Row>
AuditEntry ReadAudit(const Row& s) {
  return rows::Read(tables::kAudit, s);
}

template <typename Row>
StoredCheckpoint ReadCheckpoint(const Row& s) {
  return rows::Read(tables::kCheckpoint, s);
}

template <typename Row>
StoredReport ReadReport(const Row& s) {
  return rows::Read(tables::kReport, s);
}

// A duty of an enterprise that has a registered successor shows the successor as party, with
// the successor's authority in the same department (Art. 17).
void ShowSuccessor(const domain::RegistryIndex& registry, std::string& party,
                   domain::Authority& authority);

// The codes inside a division are those in [low, high): division codes are digits, so the
// codes starting with the division's prefix p are those in [p, p + ":").
struct DivisionRange {
  std::string low, high;
};
// Of a division code as stored (a sale's division), whether or not it is in the list.
DivisionRange RangeOfCode(std::string_view code);

// The finding for a sale with no outlet of the maker covering its division as of `as_of`; the
// sale was recorded at `known_from`.
domain::Finding CoverageGap(const domain::Sale& sale, Instant known_from,
                            const domain::RegistryIndex& registry, Date as_of);

// Parses a division filter (a code in the list; "000000" is the nation, containing every code).
Result<std::optional<Division>> Within(const std::optional<std::string>& division);

// The bounds of a FindingFilter's date range as the store queries bind them (NULL: unbounded):
// [the start of `from`, the end of `to`) in Beijing time, as instants, for the moment a finding
// or sale was recorded; `from` and `to` as YYYY-MM-DD for due dates.
struct FindingRange {
  std::optional<int64_t> start, end;
  std::optional<std::string> first_day, last_day;
};
FindingRange RangeOf(const FindingFilter& filter);

// Findings: adds the overdue duties as findings, applies `filter` (party and division as shown,
// after succession) and sorts by kind, party, subject, due.
Status FinishFindings(std::vector<domain::Finding>& findings, std::vector<domain::Duty> overdue,
                      const FindingFilter& filter);
// Counts findings into groups (Store::TallyFindings) from the rows each engine groups in SQL,
// with the filters and the succession that Store::Findings applies to the rows it lists.
class FindingTallier {
 public:
  FindingTallier(const domain::RegistryIndex& registry, const FindingFilter& filter,
                 std::optional<Division> within, bool by_month);
  // Recorded findings of one kind, authority division and month ("" when not by month); the
  // query has applied the party filter already (recorded findings keep their party).
  void Recorded(const std::string& kind, const std::string& division, const std::string& month,
                uint64_t count);
  // Overdue duties of one kind, party and authority as stored, due in `month` ("YYYY-MM").
  void Overdue(const std::string& kind, std::string party, domain::Authority authority,
               const std::string& month, uint64_t count);
  // A sale that no outlet of its maker covers as of `as_of`, first recorded at `known_from`.
  void Gap(const domain::Sale& sale, Instant known_from, Date as_of);
  std::vector<FindingTally> Take();

 private:
  void Add(const std::string& kind, const std::string* party, const std::string& division,
           const std::string& month, uint64_t count);

  const domain::RegistryIndex& registry_;
  const FindingFilter& filter_;
  std::optional<Division> within_;
  bool by_month_;
  std::map<std::tuple<std::string, std::string, std::string>, uint64_t> groups_;
};

// The condition on a sale (columns of `sale s`) that no outlet of its maker, registered before
// the instant `at` and not closed before it, lies in its division (RangeOfCode, in SQL).
std::string SaleUncoveredAt(const std::string& at);

// Obligations: applies `filter` and sorts by due, party, subject.
Status FinishObligations(std::vector<domain::Duty>& duties, const ObligationFilter& filter);

// A battery's history in a write transaction (kBatteryHistoryLeaves with pending rows): the
// reports naming it, its battery.produced and that of the battery it was assembled into, in
// ledger order, once each.
void CompleteHistory(std::vector<uint64_t>& leaves,
                     const std::optional<domain::BatteryState>& battery,
                     const std::optional<domain::BatteryState>& parent);

// Whether a stored model.disassembly_info report is about `vehicle_model`.
bool IsAboutModel(const StoredReport& report, const std::string& vehicle_model);

// The SQL condition that narrows a maker's battery_model.declared reports (rows of `report`) to
// those that may be about the model bound as `model`, `model_json` being the SQL of the body's
// model: declared for it, or corrected since (a correction may move a declaration to another
// model, so DeclarationsOf decides on those).
std::string MayDeclareModel(const std::string& model_json, const std::string& model);
// Of the battery_model.declared reports `declared` (one maker's, in ledger order), those
// declaring `model` as they stand after their latest correction (corrected_by set; a correction
// may change the model a declaration is about), in ledger order.
Result<std::vector<StoredReport>> DeclarationsOf(Store& store, std::vector<StoredReport> declared,
                                                 const std::string& model);
// The battery GS1 Digital Link (gtin14, serial) names, of `candidates` (the batteries whose
// battery.produced gave that serial, by produced_leaf): the first whose producer's declaration
// in force for its model declares `gtin14`. A later battery with the same pair does not take it.
Result<std::optional<std::string>> DigitalLinkHolder(
    Store& store, const std::vector<domain::BatteryState>& candidates, const std::string& gtin14);

// meta('schema_version') as stored: a decimal number from 1 to 999999999; anything else is
// damage (Corruption naming the value), never a crash.
Result<int> ParseSchemaVersion(std::string_view text);
// Refuses a store whose schema is newer than this binary knows.
Status CheckSchemaVersion(int version);
// The refusal of a store opened read-only whose schema `version` is older than this binary's:
// migrating it would write.
Status OlderSchemaReadOnly(int version);
// Refuses options that contradict each other (read_only with create or a signing key).
Status CheckOpenOptions(const OpenOptions& options);

// The filter on obligation rows that selects the duties open at the instant bound as `at` (opened
// before it, neither discharged nor retracted before it), in three parts so that each uses an
// index: duties open now (partial indexes on open duties), and those closed at or after it
// (partial indexes on discharged_at and on retracted_at). A duty is discharged or retracted,
// never both: both updates touch open duties only. `extra` narrows each part.
std::string DutiesOpenAt(const std::string& columns, const std::string& at,
                         const std::string& extra);

// The registry of stored records, given as (kind, key, record JSON), and of their versions,
// given as (kind, key, effective date, leaf, record JSON) in leaf order; a record that cannot be
// read is damage, named by kind and key.
struct StoredRecord {
  std::string kind, key, record;
};
using StoredVersion = tables::StoredVersion;
// The current records (for access, succession and routing at query time) and every version (for
// judging a report against the registry of its date).
struct LoadedRegistry {
  domain::RegistryIndex current;
  domain::RegistryHistory history;
};
Result<LoadedRegistry> BuildRegistry(const std::vector<StoredRecord>& rows,
                                     const std::vector<StoredVersion>& versions);
// The version a transaction adds to `history` for a registry change it writes.
Status AddVersion(domain::RegistryHistory& history, const RegistryRow& row, Date effective,
                  uint64_t leaf);

// The columns of registry_version, as both engines read them.
inline constexpr const char* kRegistryVersionColumns = rows::kColumnsOf<tables::kRegistryVersion>;

// The derived tables `verify --replay` compares (Store::ScanDerived): each with one query, the
// same on both engines, reading every column but generated ids as text (NULL kept) in a
// canonical order (text byte by byte, numbers by value, NULL first).
struct DerivedTable {
  std::string name;
  std::string query;
  int columns = 0;
};
const std::vector<DerivedTable>& DerivedTables();
const DerivedTable* FindDerivedTable(std::string_view name);
// A row of a derived table in canonical form: a JSON array of strings and nulls.
std::string CanonicalRow(const std::vector<std::optional<std::string>>& values);
template <typename Row>
std::string CanonicalRowOf(const Row& row, int columns) {
  std::vector<std::optional<std::string>> values;
  values.reserve(columns);
  for (int c = 0; c < columns; ++c)
    values.push_back(row.OptText(c));
  return CanonicalRow(values);
}

// Orders pairs of strings and looks them up by pairs of views, without copying the key.
struct PairLess {
  using is_transparent = void;
  template <typename A, typename B>
  bool operator()(const A& a, const B& b) const {
    using Views = std::pair<std::string_view, std::string_view>;
    return Views(a.first, a.second) < Views(b.first, b.second);
  }
};

// The projection rows a write transaction changed, the newest version of each, kept until
// Commit writes each row once, in key order (reads of the transaction see them first), with
// the history index entries to be sorted too, so that B-tree inserts land close together.
struct PendingRows {
  using Sale = tables::SaleRow;
  std::map<std::string, domain::BatteryState> batteries;
  std::map<std::string, domain::VehicleState> vehicles;
  std::map<std::string, domain::OutletState> outlets;
  std::map<std::pair<std::string, std::string>, domain::ModelState, PairLess> models;
  std::map<std::pair<std::string, std::string>, Sale> sales;  // by (maker, division)
  std::vector<std::pair<std::string, int64_t>> battery_events, vehicle_events;

  // Takes the projection part of the effects of the report at `leaf`. The first sale of a
  // transaction stands, unless a correction retracted it (then the next one there replaces it);
  // one already stored stands over both unless it is retracted (the engines' upsert).
  void Take(domain::Effects& effects, uint64_t leaf);
  // The history index entries, sorted, each once.
  void SortEvents();
};

// A write transaction's history of a battery (StateView::BatteryLeaves): `stored`, the committed
// index entries, with those pending in `rows`, and its battery.produced and that of its parent as
// the transaction reads them through `txn`.
Result<std::vector<uint64_t>> TxnBatteryLeaves(domain::StateView& txn, const PendingRows& rows,
                                               const std::string& code,
                                               std::vector<uint64_t> stored);
// ... of a VIN (StateView::VehicleLeaves).
std::vector<uint64_t> TxnVehicleLeaves(const PendingRows& rows, const std::string& vin,
                                       std::vector<uint64_t> stored);
// The report a stored leaf holds, parsed as on replay; nullopt for none or a registry leaf.
Result<std::optional<Report>> ParseStored(const std::optional<StoredReport>& stored);

// Whether the rules engine's part of `effects` has anything to write.
bool HasJudgment(const domain::Effects& effects);

// EPCIS: the columns of epcis_event as both engines read and write them.
inline constexpr const char* kEpcisEventColumns = rows::kColumnsOf<tables::kEpcisEvent>;
inline constexpr const char* kEpcisJobColumns = rows::kColumnsOf<tables::kEpcisJob>;

template <typename Row>
EpcisEvent ReadEpcisEvent(const Row& s) {
  return rows::Read(tables::kEpcisEvent, s);
}

template <typename Row>
EpcisJob ReadEpcisJob(const Row& s) {
  return rows::Read(tables::kEpcisJob, s);
}

// The statement of Store::QueryEpcis for one filter, with "$n" placeholders numbered in the
// order they first appear (as SQLite numbers them, and PostgreSQL reads them), and its
// parameters in that order. Only the filters that are set appear, so that each engine plans
// the statement for what it asks (an EPC query is driven by the epcis_epc index); its text
// depends on which filters are set and on whether a list has one value or more, never on the
// values, and the engines cache the prepared statement by it.
struct EpcisParam {
  enum class Kind { kText, kInt, kList } kind = Kind::kText;
  std::string text;
  int64_t number = 0;
  std::vector<std::string> list;
};
struct EpcisQuery {
  std::string sql;
  std::vector<EpcisParam> params;
};
// `in_list(column, placeholder)` is the engine's condition that `column` is one of the texts of
// the list bound at `placeholder`. InvalidArgument when the filter's division is not one.
Result<EpcisQuery> EpcisQuerySql(const EpcisFilter& filter,
                                 std::string (*in_list)(std::string_view column,
                                                        std::string_view placeholder));

// Continues the audit chain after `last` (all zeros for an empty trail): assigns seq and hash
// to each entry.
void ChainAudit(std::vector<AuditEntry>& entries, AuditHead last);

}  // namespace battrace::store::common
