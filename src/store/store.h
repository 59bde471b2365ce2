// The Store interface: everything battrace keeps, behind one interface with two engines
// (SQLite in store/sqlite/, PostgreSQL in store/postgres/). Engine details never leak through it.
//
// Writes happen in WriteTxn, one per ingest batch: each report is appended to the ledger
// (idempotently, keyed by reporter and id), its effects are applied to the projections, and
// Commit makes all of it durable at once, signing a checkpoint when one is due.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/date.h"
#include "core/status.h"
#include "domain/registry_history.h"
#include "domain/state.h"
#include "ledger/hash.h"
#include "ledger/merkle.h"
#include "store/keyset.h"

namespace battrace::store {

// A validated report, serialized, ready to be appended.
struct LeafInput {
  std::string reporter;         // USCC
  std::string id;               // the reporter's own id
  std::string type;             // e.g. "battery.produced"
  std::string occurred;         // YYYY-MM-DD
  Instant reported = 0;         // receipt time
  std::string body;             // leaf data: RFC 8785 canonical JSON of the stored report
  ledger::Hash leaf_hash{};     // ledger::LeafHash(body)
  ledger::Hash content_hash{};  // ledger::LeafHash of the canonical JSON without `reported`
                                // and `receipt` (docs/ledger-format.md 1.3)
};

enum class AppendOutcome {
  kAccepted,   // new leaf
  kDuplicate,  // same (reporter, id) with the same content: the first receipt is returned
  kConflict,   // same (reporter, id) with other content: nothing is stored
};

struct AppendResult {
  AppendOutcome outcome = AppendOutcome::kAccepted;
  uint64_t leaf_index = 0;  // the leaf holding (reporter, id)
  ledger::Hash leaf_hash{};
};

struct StoredReport {
  uint64_t leaf_index = 0;
  std::string reporter, id, type, occurred;
  Instant reported = 0;
  std::string body;
  ledger::Hash leaf_hash{};
  ledger::Hash content_hash{};
  // Its latest correction, "reporter/id": not stored with the report, but set by LinkCorrections
  // for the readers that show it.
  std::optional<std::string> corrected_by;
};

struct StoredCheckpoint {
  uint64_t size = 0;
  Instant created = 0;
  std::string note;  // the signed note, as text
};

struct CheckpointPolicy {
  uint64_t every_leaves = 100000;  // sign when this many leaves were added since the last one
  int64_t every_seconds = 60;      // ... or this long has passed with at least one new leaf
};

// When a writing store trains the zstd dictionaries its report bodies are compressed with
// (store/stored_body.h, docs/data-model.md "body_dictionary"): the commit that brings the ledger
// to first_at leaves trains one, and so does the first commit each time the ledger has grown
// `growth` times over since (first_at × growth, × growth², ...). Bodies appended before the
// first stay raw.
struct DictionaryPolicy {
  uint64_t first_at = 10000;
  uint64_t growth = 10;
  size_t sample = 20000;  // reports trained on: all when fewer, else 20 runs spread over the ledger
  size_t capacity = 32768;  // the dictionary's largest size in bytes
};

// The rows a batch is about to read (its reports' keys, and the projection rows the rules
// engine asks for), so that an engine whose reads cost a network round trip fetches them
// together first. A hint: rows not named are still read, one by one.
struct ReadSet {
  std::vector<std::pair<std::string, std::string>> reports;  // (reporter, id)
  std::vector<std::string> batteries, vehicles, outlets;
  std::vector<std::pair<std::string, std::string>> models;  // (maker, model)
};

// A registry record kept as its validated JSON, with the columns access control filters on.
struct RegistryRow {
  std::string kind;  // "enterprise" or "regulator"
  std::string key;   // USCC or regulator id
  std::string division;
  std::string record;  // JSON
};

// One write transaction. Destroying it without Commit rolls everything back.
class WriteTxn : public domain::StateView {
 public:
  // Whether Warm pays for collecting a ReadSet (an embedded engine reads in microseconds).
  virtual bool WantsReadSet() const { return false; }
  virtual Status Warm(const ReadSet& rows) {
    (void)rows;
    return Status::Ok();
  }
  // Appends a report as the next leaf, or reports a duplicate or conflict (nothing written).
  virtual Result<AppendResult> Append(const LeafInput& report) = 0;
  // Writes the projection changes of the report at `leaf` (taking the rows it carries), and
  // the rules engine's part, as of effects.at: first the retraction (findings, open duties and
  // sales whose evidence is effects.retracts, and the record of the correction at `leaf`), then
  // the discharges (recorded as discharged by the report at `leaf`, "reporter/id"), then the
  // duties opened, findings and sales. Each of these sees what earlier calls of the same
  // transaction wrote.
  virtual Status Apply(domain::Effects&& effects, uint64_t leaf) = 0;
  // Makes the transaction durable (fsync'd); signs a checkpoint first when the policy says so.
  virtual Status Commit() = 0;

  // Every recorded version of the registry, this transaction's changes included; reports are
  // judged against RegistryVersions().AsOf(their date) (docs/findings.md).
  virtual domain::RegistryHistory& RegistryVersions() = 0;
  // Writes the registry change carried by the registry leaf at `leaf` (appended by Append,
  // store/registry_leaf.h): `row` becomes the current record of its key, and a version of it
  // effective from `effective` is kept (and added to RegistryVersions()). REQUIRES: `row.record`
  // is a valid registry record.
  virtual Status PutRegistry(const RegistryRow& row, Date effective, uint64_t leaf) = 0;
};

// Narrows Store::Findings; an absent field does not filter.
struct FindingFilter {
  std::optional<std::string> kind;
  std::optional<std::string> party;       // USCC, as shown (after succession)
  std::optional<std::string> division;    // findings whose authority division lies inside it
  std::optional<std::string> department;  // findings whose authority department is this one
  // Findings whose date lies in [from, to] (docs/findings.md, "Queries"): the Beijing date a
  // recorded finding became visible, the due date of an overdue duty, the Beijing date the
  // first sale of a coverage gap was recorded.
  std::optional<Date> from, to;
};

// Narrows Store::Obligations; an absent field does not filter.
struct ObligationFilter {
  std::optional<std::string> party;      // USCC, as shown (after succession)
  std::optional<std::string> division;   // duties whose authority division lies inside it
  std::optional<std::string> type;       // duties to file this report type (`fulfils`)
  std::optional<Date> due_from, due_to;  // duties due in [due_from, due_to]
};

// Findings counted by kind and authority division (Store::TallyFindings): the same findings as
// Store::Findings lists for the same date and filter, without materialising them.
struct FindingTally {
  std::string kind;
  std::string division;  // the authority's division, as shown (after succession)
  std::string month;     // "YYYY-MM" of the finding's date (docs/findings.md, "Queries"), or ""
  uint64_t count = 0;
};

// Batteries handed over by battery.outbound reports (Store::TallyHandovers), by sender (the
// reporter) and receiver (`to`), both USCCs as filed.
struct HandoverTally {
  std::string sender, receiver;
  uint64_t batteries = 0;
};

// Narrows Store::ListBatteries and Store::ListVehicles, the keyset-paged lists of GET
// /v1/batteries and /v1/vehicles; at most one field is set. The key a list is ordered by, and
// resumed after, depends on it (ListKeyWidth).
struct ListScope {
  // Batteries held now (custodian) or produced by this USCC, vehicles made by it (maker): key
  // (code) or (vin).
  std::optional<std::string> party;
  // Batteries whose custodian, vehicles whose maker, is registered in this division: key
  // (custodian, code) or (maker, vin).
  std::optional<std::string> division;
  // Neither: every battery or vehicle, key (code) or (vin).
};

// The number of parts of a key of a list narrowed by `scope`.
inline size_t ListKeyWidth(const ListScope& scope) {
  return scope.division ? 2 : 1;
}

// An API bearer token, kept only as the SHA-256 of its text (server/auth.h).
struct TokenRow {
  ledger::Hash hash{};
  std::string principal;  // "admin", "enterprise:<USCC>" or "regulator:<id>"
  Instant created = 0;
  Instant expires = 0;
  std::optional<Instant> revoked;
};

// Where a page of Store::ListTokens ends: the last token's creation time and hash.
struct TokenCursor {
  Instant created = 0;
  ledger::Hash hash{};
};

// One read of protected data (Arts. 25, 26, 30). The audit trail is append-only and chained:
// each entry's hash is AuditHash(previous entry's hash, entry) (store/audit.h), the first
// entry's previous hash being all zeros, so an edit or a deletion breaks the chain.
// A page of the audit trail (Store::ListAudit): `from` is the seq it starts after (oldest first)
// or before (newest first), excluded.
struct AuditPage {
  uint64_t from = 0;
  size_t limit = 0;
  bool newest_first = false;
};

struct AuditEntry {
  uint64_t seq = 0;  // 1, 2, ...: assigned by AppendAudit
  Instant at = 0;
  std::string principal;   // as in TokenRow
  std::string action;      // the route, e.g. "GET /v1/batteries/{code}/history"
  std::string record;      // what was read, e.g. "battery:<code>", "report:<reporter>/<id>"
  std::string purpose;     // the X-Purpose header; may be empty
  std::string request_id;  // the request's id in the server log
  ledger::Hash hash{};     // assigned by AppendAudit
};

// EPCIS 2.0 events captured through the /epcis binding (docs/epcis.md). They are not ledger
// data: not leaves, not derived from reports, not compared by `verify --replay`; a capture is
// kept as received, scoped to the enterprise that captured it.
struct EpcisEvent {
  uint64_t seq = 0;            // assigned by CaptureEpcis, ascending in capture order
  std::string event_id;        // eventID as stored: as supplied, or the hash
  std::string hash;            // EventHash of the event
  std::string dedup;           // hash, or hash + "#" + lower-hex SHA-256 of the RFC 8785 form of
                               // its errorDeclaration: what makes two captures the same fact
  std::string owner;           // the capturing enterprise's USCC
  std::string owner_division;  // its registered division at capture
  std::string capture_id;
  std::string type;         // "ObjectEvent", "AggregationEvent", ...
  int64_t event_time = 0;   // ms since the Unix epoch (UTC instant)
  int64_t record_time = 0;  // ms
  std::string action, biz_step, disposition, read_point,
      biz_location;  // "" if absent;
                     // biz_step/disposition as CbvWord, read_point/biz_location ids
  std::string body;  // the event's JSON as stored (eventID, recordTime set)
  // (role, CanonicalEpc(value)): role "epc" (epcList), "child" (childEPCs), "parent" (parentID),
  // "input" (inputEPCList), "output" (outputEPCList), "class" (epcClass of any quantity list).
  // Written by CaptureEpcis; events read back carry none (their body has them).
  std::vector<std::pair<std::string, std::string>> epcs;
};

// One capture job: its events, in document order.
struct EpcisCapture {
  std::string capture_id;  // 32 lower-hex random chars
  std::string owner;
  Instant created = 0;
  std::vector<EpcisEvent> events;
};

struct EpcisCaptureResult {
  size_t stored = 0, duplicates = 0;
};

// A capture job as recorded (GET /epcis/capture/{captureID}).
struct EpcisJob {
  std::string capture_id, owner;
  Instant created = 0;
  size_t stored = 0, duplicates = 0;
};

// One MATCH_ parameter: an event matches when it names any of `values` in any of `roles`.
struct EpcisEpcMatch {
  std::vector<std::string> roles, values;  // values already CanonicalEpc'd
};

// Narrows Store::QueryEpcis. Each list: empty = no filter, else any of its values (OR); the
// filters hold together (AND).
struct EpcisFilter {
  std::vector<std::string> types, actions, biz_steps, dispositions, read_points, biz_locations,
      event_ids;
  std::optional<int64_t> ge_event_time, lt_event_time, ge_record_time, lt_record_time;  // ms
  std::vector<EpcisEpcMatch> epc_matches;  // all must hold (AND)
  std::optional<std::string> owner;        // an enterprise sees its own
  // A regulator: events whose owner_division lies inside this division ("000000" = all).
  std::optional<std::string> division;
  uint64_t after_seq = 0;  // paging: events with seq > after_seq, ascending seq
  size_t limit = 100;
};

class Store : public ledger::NodeReader {
 public:
  ~Store() override = default;

  // Starts the (single) write transaction. REQUIRES: the store was opened with a signing key.
  virtual Result<std::unique_ptr<WriteTxn>> BeginWrite() = 0;

  // Registry: the current record of a key (the version recorded last). Records are written
  // through a WriteTxn (store::PutRegistry in store/registry_leaf.h).
  virtual Result<std::optional<RegistryRow>> GetRegistry(const std::string& kind,
                                                         const std::string& key) = 0;

  // Reports and the ledger.
  virtual Result<std::optional<StoredReport>> GetReport(const std::string& reporter,
                                                        const std::string& id) = 0;
  virtual Result<std::optional<StoredReport>> GetReportAt(uint64_t leaf) = 0;
  // Calls `fn` for each report with leaf index >= from, in order, until it returns false.
  virtual Status ScanReports(uint64_t from, const std::function<bool(const StoredReport&)>& fn) = 0;
  virtual Result<uint64_t> TreeSize() = 0;
  // Corruption naming the first leaf whose reporter and id the duplicate check would miss, when
  // the engine keeps them unique outside the report rows (PostgreSQL's report_key: a row missing
  // there would let the report be stored again, a stray row would refuse a new report as a
  // duplicate). The embedded store keeps them unique on the report rows: nothing to compare.
  virtual Status CheckReportKeys() { return Status::Ok(); }
  virtual Result<std::vector<StoredCheckpoint>> ListCheckpoints() = 0;
  virtual Result<std::optional<StoredCheckpoint>> LatestCheckpoint() = 0;
  // Signs and stores a checkpoint of the current tree and audit head (a no-op when the latest
  // one is current; a checkpoint of the same tree with a longer audit trail replaces the one
  // stored for that size).
  virtual Result<StoredCheckpoint> SignCheckpoint() = 0;
  // Appends signature lines (witness cosignatures, ledger/cosignature.h: "— <name> <base64>\n"
  // each) to the note of the checkpoint of `size`, in one transaction; a line by a key (name
  // and key id) that has signed the note already is left out, so a repeated call changes
  // nothing. The note's text and the log's signature stay as they are. Does not check the
  // cosignatures (the caller has). NotFound without a checkpoint of that size;
  // InvalidArgument ("note.format") if `lines` are not signature lines.
  virtual Status AddCheckpointSignatures(uint64_t size, std::string_view lines) = 0;
  virtual std::string Origin() const = 0;
  // The verifier key text pinned in the store (meta row verifier_key) as read when it was
  // opened; empty for a store that has none yet (pinned at its first opening with a signing
  // key). A store opened with a signing key has refused any key but this one.
  virtual std::string PinnedVerifierKey() const = 0;
  // Whether the engine stores the Merkle nodes of `level` (others it computes from them).
  virtual bool KeepsLevel(int level) const = 0;

  // Projections.
  virtual Result<std::optional<domain::BatteryState>> GetBattery(const std::string& code) = 0;
  virtual Result<std::optional<domain::VehicleState>> GetVehicle(const std::string& vin) = 0;
  virtual Result<std::vector<domain::BatteryState>> BatteriesInVehicle(const std::string& vin) = 0;
  virtual Result<std::vector<std::string>> PartsOf(const std::string& code) = 0;
  // Leaf indexes of the reports naming a battery code / VIN, in ledger order. A battery's
  // history includes its battery.produced and that of the battery it was assembled into.
  virtual Result<std::vector<uint64_t>> BatteryHistory(const std::string& code) = 0;
  // The reports of BatteryHistory(code), in ledger order, read in one statement.
  virtual Result<std::vector<StoredReport>> BatteryHistoryReports(const std::string& code) = 0;
  virtual Result<std::vector<uint64_t>> VehicleHistory(const std::string& vin) = 0;
  // The latest correction of the report (reporter, id), "reporter/id"; nullopt if none.
  virtual Result<std::optional<std::string>> CorrectedBy(const std::string& reporter,
                                                         const std::string& id) = 0;

  // Findings and obligations as of the end of `as_of` in Beijing time (docs/findings.md): only
  // what reports received by then revealed, and nothing a report received by then retracted
  // or discharged. A duty owed by an enterprise with a registered successor shows the successor
  // as party, with the successor's authority.
  //
  // Both are read as keyset pages (store/keyset.h): the page of up to `limit` items that
  // follows `after` (from the start without it) in the order of `sort`; SIZE_MAX gives the whole
  // rest of the list. Each page reads only as far into the store as it needs
  // (store/findings_query.h).
  //
  // Findings: those recorded when reports were stored, duties past due (kind overdue_report or
  // missing_digital_id), and outlet coverage gaps.
  virtual Result<Page<domain::Finding>> Findings(Date as_of, const FindingFilter& filter,
                                                 FindingSort sort,
                                                 const std::optional<SortKey>& after,
                                                 size_t limit) = 0;
  // The duties open as of `as_of`, due or not, narrowed by `filter`.
  virtual Result<Page<domain::Duty>> Obligations(Date as_of, const ObligationFilter& filter,
                                                 DutySort sort, const std::optional<SortKey>& after,
                                                 size_t limit) = 0;
  // The findings Findings(as_of, filter) lists, counted by kind, division and (when `by_month`)
  // month, in SQL; one entry per group, in no particular order.
  virtual Result<std::vector<FindingTally>> TallyFindings(Date as_of, const FindingFilter& filter,
                                                          bool by_month) = 0;
  // The batteries of the battery.outbound reports that occurred in [from, to] (each bound
  // optional), summed by sender and receiver.
  virtual Result<std::vector<HandoverTally>> TallyHandovers(std::optional<Date> from,
                                                            std::optional<Date> to) = 0;
  // The number of duties open now (for metrics).
  virtual Result<uint64_t> CountOpenDuties() = 0;
  // The outlets whose division lies inside `division` (all for "000000"), open or closed,
  // sorted by division and id.
  virtual Result<std::vector<domain::OutletState>> Outlets(const std::string& division) = 0;
  // Up to `limit` batteries (vehicles) of `scope` whose key comes after `after` (empty: from
  // the first; else ListKeyWidth(scope) parts), in key order (ListScope).
  virtual Result<std::vector<domain::BatteryState>> ListBatteries(
      const ListScope& scope, const std::vector<std::string>& after, size_t limit) = 0;
  virtual Result<std::vector<domain::VehicleState>> ListVehicles(
      const ListScope& scope, const std::vector<std::string>& after, size_t limit) = 0;
  // The model.disassembly_info reports filed for a vehicle model, by any maker, in ledger order.
  virtual Result<std::vector<StoredReport>> DisassemblyInfo(const std::string& vehicle_model) = 0;
  // The battery_model.declared reports of (maker, model), in ledger order (the last one is in
  // force), with corrected_by set: a declaration is matched by its model as it stands after its
  // latest correction, whose report the caller reads for the declaration's content.
  virtual Result<std::vector<StoredReport>> ModelDeclarations(const std::string& maker,
                                                              const std::string& model) = 0;
  // The battery a GS1 Digital Link names: the battery whose battery.produced has `serial` and
  // whose producer declared `gtin14` (14 digits) for that battery's model (in the declaration in
  // force). When several do, the first produced keeps the link. nullopt when none.
  virtual Result<std::optional<std::string>> FindByDigitalLink(const std::string& gtin14,
                                                               const std::string& serial) = 0;

  // Everything derived from the ledger (projections, history indexes, duties, findings, the
  // registry and its versions), table by table, for `verify --replay`: calls `fn` with each row
  // of `table` (one of common::DerivedTables()) in canonical form and order, the same on both
  // engines, until it returns false.
  virtual Status ScanDerived(std::string_view table,
                             const std::function<bool(const std::string& row)>& fn) = 0;

  // API tokens.
  virtual Status PutToken(const TokenRow& token) = 0;
  virtual Result<std::optional<TokenRow>> FindToken(const ledger::Hash& hash) = 0;
  // Marks the token revoked at `at`; false when there is no such token (or it was revoked).
  virtual Result<bool> RevokeToken(const ledger::Hash& hash, Instant at) = 0;
  // Every token, live, expired or revoked, newest first (created descending, then hash
  // descending): up to `limit` of those that come after `after` in that order (all when absent).
  virtual Result<std::vector<TokenRow>> ListTokens(const std::optional<TokenCursor>& after,
                                                   size_t limit) = 0;
  // Up to `limit` tokens whose hash begins with the bytes `prefix` (at most 32), by hash.
  virtual Result<std::vector<TokenRow>> FindTokensByPrefix(std::string_view prefix,
                                                           size_t limit) = 0;

  // The audit trail. AppendAudit assigns each entry its seq and hash and makes them durable in
  // one transaction of its own (never inside a WriteTxn). ListAudit returns up to `page.limit`
  // entries: oldest first, those with seq > `page.from`; newest first, those with seq <
  // `page.from`.
  virtual Status AppendAudit(std::vector<AuditEntry>& entries) = 0;
  virtual Result<std::vector<AuditEntry>> ListAudit(const AuditPage& page) = 0;

  // EPCIS. CaptureEpcis stores the capture's events that are not duplicates (the same owner
  // and dedup as a stored event, or as an earlier event of the same capture) with their EPC
  // index rows, and the job row (always, even when every event was a duplicate), in one
  // transaction of its own (never inside a WriteTxn): all or nothing. It assigns each stored
  // event its seq (a duplicate keeps seq 0; seqs may skip values). Captures are serialized, so
  // seqs become visible in ascending order and a reader paging by seq misses none; two
  // captures of the same event at once store it once.
  virtual Result<EpcisCaptureResult> CaptureEpcis(EpcisCapture& capture) = 0;
  // The job of a capture; nullopt when there is none.
  virtual Result<std::optional<EpcisJob>> GetEpcisJob(const std::string& capture_id) = 0;
  // Up to `filter.limit` events matching `filter` with seq > `filter.after_seq`, by seq; every
  // filter is applied in SQL, the owner or division scope included.
  virtual Result<std::vector<EpcisEvent>> QueryEpcis(const EpcisFilter& filter) = 0;
  // Every stored event with this event_id (the event and its error declarations), by seq,
  // whoever owns them (the caller applies access).
  virtual Result<std::vector<EpcisEvent>> GetEpcisEvents(const std::string& event_id) = 0;
};

// A store opened without a signing key is a reader: it sees what other connections and
// processes commit (tree size, registry) on each call, as the server's reader pool needs.
struct OpenOptions {
  bool create = false;                  // create the file and schema if missing
  std::optional<std::string> key_path;  // the signing key; needed to write
  // Opens for reading only, writing nothing at all: no journal-mode switch, no migration (a
  // store of an older schema is refused), no -wal or -shm file created beside an embedded
  // store that has none (docs/operations.md). Excludes create and key_path.
  bool read_only = false;
  CheckpointPolicy checkpoints;
  DictionaryPolicy dictionaries;
  int64_t cache_mib = 256;  // page cache (SQLite)
  // Leaves per partition of the report and history tables of a PostgreSQL store created now
  // (meta('partition_leaves'), docs/operations.md); unset: 10,000,000. Refused on SQLite,
  // whose tables are not partitioned, and when not creating.
  std::optional<int64_t> partition_leaves;
  // Where the store reads the time it writes (checkpoint times). Not owned; must outlive the
  // store. Tests pass a FakeClock.
  const Clock* clock = &SystemClock();
};

// Sets corrected_by of each report (Store::CorrectedBy).
Status LinkCorrections(Store& store, std::vector<StoredReport>& reports);

// The signing key file kept beside an embedded store: "<db>.key".
std::string DefaultKeyPath(const std::string& db_path);

}  // namespace battrace::store
