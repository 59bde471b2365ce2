#include "store/engine_common.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <nlohmann/json.hpp>
#include <tuple>

#include "core/str_cat.h"
#include "domain/registry.h"
#include "store/audit.h"
#include "store/registry_leaf.h"
#include "store/schema.h"

namespace battrace::store::common {
namespace {

constexpr int kLevelShift = 56;

std::optional<Department> DepartmentByName(std::string_view name) {
  for (Department d : {Department::kMiit, Department::kNdrc, Department::kMee, Department::kMot,
                       Department::kMofcom, Department::kSamr}) {
    if (DepartmentName(d) == name) return d;
  }
  return std::nullopt;
}

}  // namespace

int64_t NodeKey(int level, uint64_t index) {
  return static_cast<int64_t>((static_cast<uint64_t>(level) << kLevelShift) | index);
}

NodeSpan SpanOf(const ledger::NodeId& id) {
  const int base = id.level - id.level % kNodeStride;
  const int up = id.level - base;
  return {base, id.index << up, uint64_t{1} << up};
}

Result<ledger::Hash> FoldNode(const ledger::NodeId& id, std::vector<ledger::Hash> hashes) {
  if (hashes.size() != SpanOf(id).count) {
    return Status::NotFound("ledger node (level " + std::to_string(id.level) + ", index " +
                            std::to_string(id.index) + ") is not stored");
  }
  while (hashes.size() > 1) {
    std::vector<ledger::Hash> parents(hashes.size() / 2);
    for (size_t k = 0; k < parents.size(); ++k) {
      parents[k] = ledger::NodeHash(hashes[2 * k], hashes[2 * k + 1]);
    }
    hashes.swap(parents);
  }
  return hashes.front();
}

HashRange HashPrefixRange(std::string_view prefix) {
  HashRange r;
  r.last.fill(0xff);
  const size_t n = std::min(prefix.size(), r.first.size());
  std::memcpy(r.first.data(), prefix.data(), n);
  std::memcpy(r.last.data(), prefix.data(), n);
  return r;
}

TokenCursor TokensStart() {
  TokenCursor c;
  c.created = INT64_MAX;  // later than any token's creation
  return c;
}

ledger::Hash HashFromBytes(std::string_view bytes) {
  ledger::Hash h{};
  if (bytes.size() == h.size()) std::memcpy(h.data(), bytes.data(), h.size());
  return h;
}

namespace {

// The two lists differ only in their table, key and owner columns.
std::string ListSql(const ListScope& scope, const char* columns, const char* table, const char* key,
                    const char* owner, const char* second_owner) {
  const std::string cols = columns, t = table, k = key, o = owner;
  if (scope.division) {
    // Along the registry's primary key (kind, key) from the key after, and each owner's rows
    // along the (owner, key) index: both in the list's order, so nothing is sorted.
    return "SELECT " + cols + " FROM registry r JOIN " + t + " ON " + t + "." + o +
           " = r.key WHERE r.kind = 'enterprise' AND r.division >= $1 AND r.division < $2 "
           "AND r.key >= $3 AND (r.key > $3 OR " +
           t + "." + k + " > $4) ORDER BY r.key, " + t + "." + k + " LIMIT $5";
  }
  if (scope.party) {
    // One ordered range per owner column, merged: at most 2 * limit rows are sorted.
    std::string sub = "SELECT " + k + " FROM (SELECT " + k + " FROM " + t + " WHERE " + o +
                      " = $1 AND " + k + " > $2 ORDER BY " + k + " LIMIT $3) AS own";
    if (second_owner != nullptr) {
      sub += " UNION ALL SELECT " + k + " FROM (SELECT " + k + " FROM " + t + " WHERE " +
             second_owner + " = $1 AND " + k + " > $2 ORDER BY " + k + " LIMIT $3) AS made";
    }
    return "SELECT " + cols + " FROM " + t + " WHERE " + k + " IN (" + sub + ") ORDER BY " + k +
           " LIMIT $3";
  }
  return "SELECT " + cols + " FROM " + t + " WHERE " + k + " > $1 ORDER BY " + k + " LIMIT $2";
}

}  // namespace

std::string ListBatteriesSql(const ListScope& scope) {
  return ListSql(scope, kBatteryColumns, "battery", "code", "custodian", "producer");
}

std::string ListVehiclesSql(const ListScope& scope) {
  return ListSql(scope, kVehicleColumns, "vehicle", "vin", "maker", nullptr);
}

Result<std::vector<std::string>> ListParams(const ListScope& scope,
                                            const std::vector<std::string>& after) {
  std::vector<std::string> out;
  if (scope.division) {
    // Division codes are digits, so the codes starting with a prefix p are those in [p, p + ":").
    BATTRACE_ASSIGN_OR_RETURN(within, Division::Parse(*scope.division));
    out.push_back(within.prefix());
    out.push_back(within.prefix() + ":");
  } else if (scope.party) {
    out.push_back(*scope.party);
  }
  for (size_t i = 0; i < ListKeyWidth(scope); ++i)
    out.push_back(i < after.size() ? after[i] : "");
  return out;
}

std::string JoinPacks(const std::vector<std::string>& packs) {
  std::string out;
  for (const std::string& p : packs) {
    if (!out.empty()) out += ' ';
    out += p;
  }
  return out;
}

std::vector<std::string> SplitPacks(std::string_view packs) {
  std::vector<std::string> out;
  for (size_t at = 0; at < packs.size();) {
    size_t end = packs.find(' ', at);
    if (end == std::string_view::npos) end = packs.size();
    out.emplace_back(packs.substr(at, end - at));
    at = end + 1;
  }
  return out;
}

Result<Date> StoredDate(std::string_view text) {
  auto d = Date::Parse(std::string(text));
  if (!d.ok()) return Status::Corruption("a stored date is not a date: " + d.status().message());
  return *d;
}

std::string EvidenceJson(const std::vector<std::string>& evidence) {
  return nlohmann::json(evidence).dump();
}

Result<std::vector<std::string>> ParseEvidence(std::string_view json) {
  const auto evidence = nlohmann::json::parse(json, nullptr, false);
  if (!evidence.is_array()) return Status::Corruption("a finding's evidence is not a JSON array");
  std::vector<std::string> out;
  for (const auto& e : evidence) {
    if (!e.is_string()) return Status::Corruption("a finding's evidence holds a non-string");
    out.push_back(e.get<std::string>());
  }
  return out;
}

void ShowSuccessor(const domain::RegistryIndex& registry, std::string& party,
                   domain::Authority& authority) {
  const Enterprise* successor = registry.SuccessorOf(party);
  if (successor == nullptr) return;
  party = successor->uscc.str();
  if (auto department = DepartmentByName(authority.department)) {
    authority = registry.AuthorityFor(*department, party);
  }
}

DivisionRange RangeOfCode(std::string_view code) {
  // The prefix as Division::prefix, without needing the code in the list.
  while (code.size() >= 2 && code.substr(code.size() - 2) == "00")
    code.remove_suffix(2);
  return {std::string(code), std::string(code) + ":"};
}

domain::Finding CoverageGap(const domain::Sale& sale, Instant known_from,
                            const domain::RegistryIndex& registry, Date as_of) {
  const bool province = sale.article == "14";
  domain::Finding f;
  f.kind = "outlet_coverage_gap";
  f.article = sale.article;
  f.party = sale.maker;
  f.subject = sale.division;
  f.evidence = {sale.evidence};
  f.authority = registry.AuthorityFor(Department::kMiit, sale.maker);
  f.date = BeijingDate(known_from);
  f.detail = std::string(province ? "batteries" : "vehicles") + " of " + sale.maker +
             " were sold in " + (province ? "province " : "city ") + sale.division +
             ", where it had no recycling service outlet registered and open as of " +
             as_of.ToString() + " (Art. " + sale.article + ")";
  return f;
}

Result<std::optional<Division>> Within(const std::optional<std::string>& division) {
  if (!division) return std::optional<Division>();
  BATTRACE_ASSIGN_OR_RETURN(d, Division::Parse(*division));
  return std::optional<Division>(std::move(d));
}

FindingRange RangeOf(const FindingFilter& filter) {
  FindingRange r;
  if (filter.from) {
    r.start = EndOfBeijingDay(filter.from->AddDays(-1));
    r.first_day = filter.from->ToString();
  }
  if (filter.to) {
    r.end = EndOfBeijingDay(*filter.to);
    r.last_day = filter.to->ToString();
  }
  return r;
}

Status FinishFindings(std::vector<domain::Finding>& out, std::vector<domain::Duty> overdue,
                      const FindingFilter& filter) {
  BATTRACE_ASSIGN_OR_RETURN(within, Within(filter.division));
  for (domain::Duty& d : overdue) {
    domain::Finding f;
    f.kind = std::move(d.kind);
    f.article = std::move(d.article);
    f.party = std::move(d.party);
    f.subject = std::move(d.subject);
    f.due = d.due;
    f.evidence = {std::move(d.evidence)};
    f.authority = std::move(d.authority);
    f.detail = std::move(d.detail);
    f.fulfils = std::move(d.fulfils);
    f.date = d.due;
    out.push_back(std::move(f));
  }
  std::erase_if(out, [&](const domain::Finding& f) {
    return (filter.kind && f.kind != *filter.kind) || (filter.party && f.party != *filter.party) ||
           (within && !within->Contains(f.authority.division));
  });
  std::sort(out.begin(), out.end(), [](const domain::Finding& a, const domain::Finding& b) {
    return std::tie(a.kind, a.party, a.subject, a.due, a.evidence, a.article, a.detail) <
           std::tie(b.kind, b.party, b.subject, b.due, b.evidence, b.article, b.detail);
  });
  return Status::Ok();
}

FindingTallier::FindingTallier(const domain::RegistryIndex& registry, const FindingFilter& filter,
                               std::optional<Division> within, bool by_month)
    : registry_(registry), filter_(filter), within_(std::move(within)), by_month_(by_month) {}

void FindingTallier::Add(const std::string& kind, const std::string* party,
                         const std::string& division, const std::string& month, uint64_t count) {
  if ((filter_.kind && kind != *filter_.kind) ||
      (party != nullptr && filter_.party && *party != *filter_.party) ||
      (within_ && !within_->Contains(division))) {
    return;
  }
  groups_[{kind, division, by_month_ ? month : std::string()}] += count;
}

void FindingTallier::Recorded(const std::string& kind, const std::string& division,
                              const std::string& month, uint64_t count) {
  Add(kind, nullptr, division, month, count);
}

void FindingTallier::Overdue(const std::string& kind, std::string party,
                             domain::Authority authority, const std::string& month,
                             uint64_t count) {
  ShowSuccessor(registry_, party, authority);
  Add(kind, &party, authority.division, month, count);
}

void FindingTallier::Gap(const domain::Sale& sale, Instant known_from, Date as_of) {
  const domain::Finding f = CoverageGap(sale, known_from, registry_, as_of);
  Add(f.kind, &f.party, f.authority.division, BeijingDate(known_from).ToString().substr(0, 7), 1);
}

std::vector<FindingTally> FindingTallier::Take() {
  std::vector<FindingTally> out;
  out.reserve(groups_.size());
  for (auto& [key, count] : groups_) {
    out.push_back({std::get<0>(key), std::get<1>(key), std::get<2>(key), count});
  }
  groups_.clear();
  return out;
}

std::string SaleUncoveredAt(const std::string& at) {
  // The prefix of the sale's division as RangeOfCode strips it: a province "440000" is "44", a
  // city "440300" is "4403".
  const std::string prefix =
      "(CASE WHEN s.division LIKE '%0000' THEN substr(s.division, 1, 2) "
      "WHEN s.division LIKE '%00' THEN substr(s.division, 1, 4) ELSE s.division END)";
  return "NOT EXISTS (SELECT 1 FROM outlet o WHERE o.owner = s.maker AND o.division >= " + prefix +
         " AND o.division < " + prefix + " || ':' AND o.registered_at < " + at +
         " AND (o.closed = 0 OR o.closed_at >= " + at + "))";
}

Status FinishObligations(std::vector<domain::Duty>& out, const ObligationFilter& filter) {
  BATTRACE_ASSIGN_OR_RETURN(within, Within(filter.division));
  // Party and division are those shown, after succession, which the stored rows do not hold:
  // both filters apply to the rows read, as in Findings.
  std::erase_if(out, [&](const domain::Duty& d) {
    return (filter.party && d.party != *filter.party) ||
           (within && !within->Contains(d.authority.division)) ||
           (filter.type && d.fulfils != *filter.type) ||
           (filter.due_from && d.due < *filter.due_from) ||
           (filter.due_to && *filter.due_to < d.due);
  });
  std::sort(out.begin(), out.end(), [](const domain::Duty& a, const domain::Duty& b) {
    return std::tie(a.due, a.party, a.subject, a.kind, a.duty, a.evidence) <
           std::tie(b.due, b.party, b.subject, b.kind, b.duty, b.evidence);
  });
  return Status::Ok();
}

void CompleteHistory(std::vector<uint64_t>& leaves,
                     const std::optional<domain::BatteryState>& battery,
                     const std::optional<domain::BatteryState>& parent) {
  if (battery && battery->produced_leaf >= 0) leaves.push_back(battery->produced_leaf);
  if (parent && parent->produced_leaf >= 0) leaves.push_back(parent->produced_leaf);
  std::sort(leaves.begin(), leaves.end());
  leaves.erase(std::unique(leaves.begin(), leaves.end()), leaves.end());
}

namespace {

void AddPending(std::vector<uint64_t>& leaves,
                const std::vector<std::pair<std::string, int64_t>>& events,
                const std::string& key) {
  for (const auto& [k, leaf] : events) {
    if (k == key) leaves.push_back(static_cast<uint64_t>(leaf));
  }
}

}  // namespace

Result<std::vector<uint64_t>> TxnBatteryLeaves(domain::StateView& txn, const PendingRows& rows,
                                               const std::string& code,
                                               std::vector<uint64_t> stored) {
  AddPending(stored, rows.battery_events, code);
  BATTRACE_ASSIGN_OR_RETURN(battery, txn.GetBattery(code));
  std::optional<domain::BatteryState> parent;
  if (battery && battery->parent) {
    BATTRACE_ASSIGN_OR_RETURN(p, txn.GetBattery(*battery->parent));
    parent = std::move(p);
  }
  CompleteHistory(stored, battery, parent);
  return stored;
}

std::vector<uint64_t> TxnVehicleLeaves(const PendingRows& rows, const std::string& vin,
                                       std::vector<uint64_t> stored) {
  AddPending(stored, rows.vehicle_events, vin);
  CompleteHistory(stored, std::nullopt, std::nullopt);
  return stored;
}

Result<std::optional<Report>> ParseStored(const std::optional<StoredReport>& stored) {
  if (!stored || IsRegistryLeafType(stored->type)) return std::optional<Report>();
  auto report = ParseReport(stored->body, {.replay = true, .codes = Strictness::kLenient});
  if (!report.ok()) {
    return Status::Corruption("the report at leaf " + std::to_string(stored->leaf_index) +
                              " does not parse: " + report.status().message());
  }
  return std::optional<Report>(std::move(report).value());
}

bool IsAboutModel(const StoredReport& report, const std::string& vehicle_model) {
  const auto body = nlohmann::json::parse(report.body, nullptr, false);
  const auto model = body.is_object() ? body.find("vehicle_model") : body.end();
  return model != body.end() && model->is_string() && *model == vehicle_model;
}

namespace {

// The body of a stored report as it stands after its latest correction: the corrected report a
// correction carries, or its own.
Result<nlohmann::json> BodyInForce(Store& store, const StoredReport& report) {
  if (report.corrected_by) {
    const size_t slash = report.corrected_by->find('/');
    BATTRACE_ASSIGN_OR_RETURN(correction, store.GetReport(report.corrected_by->substr(0, slash),
                                                          report.corrected_by->substr(slash + 1)));
    if (!correction) return Status::Corruption("correction " + *report.corrected_by + " missing");
    auto body = nlohmann::json::parse(correction->body, nullptr, false);
    if (!body.is_object() || !body.contains("report")) {
      return Status::Corruption("correction " + *report.corrected_by + " has no report");
    }
    return body["report"];
  }
  auto body = nlohmann::json::parse(report.body, nullptr, false);
  if (!body.is_object())
    return Status::Corruption("report at leaf " + std::to_string(report.leaf_index) +
                              " is not a JSON object");
  return body;
}

std::string StringMember(const nlohmann::json& body, const char* key) {
  const auto it = body.find(key);
  return it != body.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

std::string MayDeclareModel(const std::string& model_json, const std::string& model) {
  return "(" + model_json + " = " + model +
         " OR EXISTS (SELECT 1 FROM correction c WHERE c.original = report.reporter || '/' || "
         "report.id))";
}

Result<std::vector<StoredReport>> DeclarationsOf(Store& store, std::vector<StoredReport> declared,
                                                 const std::string& model) {
  BATTRACE_RETURN_IF_ERROR(LinkCorrections(store, declared));
  std::vector<StoredReport> out;
  for (StoredReport& r : declared) {
    BATTRACE_ASSIGN_OR_RETURN(body, BodyInForce(store, r));
    if (StringMember(body, "model") == model) out.push_back(std::move(r));
  }
  return out;
}

Result<std::optional<std::string>> DigitalLinkHolder(
    Store& store, const std::vector<domain::BatteryState>& candidates, const std::string& gtin14) {
  for (const domain::BatteryState& b : candidates) {
    if (!b.producer || !b.model) continue;
    BATTRACE_ASSIGN_OR_RETURN(declared, store.ModelDeclarations(*b.producer, *b.model));
    if (declared.empty()) continue;
    BATTRACE_ASSIGN_OR_RETURN(body, BodyInForce(store, declared.back()));
    if (StringMember(body, "gtin") == gtin14) return std::optional<std::string>(b.code);
  }
  return std::optional<std::string>();
}

Result<int> ParseSchemaVersion(std::string_view text) {
  int version = 0;
  bool ok = !text.empty() && text.size() <= 9 && text.front() != '0';
  for (char c : text) {
    ok = ok && c >= '0' && c <= '9';
    if (ok) version = version * 10 + (c - '0');
  }
  if (!ok) {
    std::string shown(text.substr(0, 40));
    for (char& c : shown) {
      if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) c = '?';
    }
    return Status::Corruption("the store's meta schema_version is not a version number: '" + shown +
                              "' (restore the store from a backup)");
  }
  return version;
}

Status CheckSchemaVersion(int version) {
  if (version <= LatestSchemaVersion()) return Status::Ok();
  return Status::FailedPrecondition("the store has schema version " + std::to_string(version) +
                                    ", newer than this battrace knows (" +
                                    std::to_string(LatestSchemaVersion()) +
                                    "): use a newer battrace; the store was not changed");
}

Status OlderSchemaReadOnly(int version) {
  return Status::FailedPrecondition(
      "the store has schema version " + std::to_string(version) + ", older than this battrace's (" +
      std::to_string(LatestSchemaVersion()) +
      "), and was opened read-only: a command that writes (e.g. `battrace import`) migrates it");
}

Status CheckOpenOptions(const OpenOptions& options) {
  if (options.read_only && (options.create || options.key_path)) {
    return Status::Internal("a store opened read-only is neither created nor signed");
  }
  return Status::Ok();
}

std::string DutiesOpenAt(const std::string& columns, const std::string& at,
                         const std::string& extra) {
  const std::string select = "SELECT " + columns + " FROM obligation WHERE ";
  const std::string tail = " AND opened_at < " + at + " " + extra;
  return select + "discharged_at IS NULL AND retracted_at IS NULL" + tail + " UNION ALL " + select +
         "discharged_at >= " + at + tail + " UNION ALL " + select + "retracted_at >= " + at + tail;
}

LastCheckpoint LastCheckpoint::Of(const std::optional<StoredCheckpoint>& checkpoint) {
  LastCheckpoint last;
  if (!checkpoint) return last;
  last.size = checkpoint->size;
  last.time = checkpoint->created;
  // The body ends at the note's last blank line (ledger-format.md, 4.2).
  const size_t blank = checkpoint->note.rfind("\n\n");
  if (blank == std::string::npos) return last;
  auto body =
      ledger::Checkpoint::ParseBody(std::string_view(checkpoint->note).substr(0, blank + 1));
  if (!body.ok()) return last;
  auto audit = AuditHeadOf(*body);
  if (audit.ok()) last.audit = *audit;
  return last;
}

bool LastCheckpoint::Behind(uint64_t tree_size, const std::optional<AuditHead>& head) const {
  return tree_size != size || head != audit;
}

bool CheckpointDue(const CheckpointPolicy& policy, const LastCheckpoint& last, uint64_t size,
                   const std::optional<AuditHead>& audit, Instant now) {
  return last.Behind(size, audit) && (size - last.size >= policy.every_leaves ||
                                      now - last.time >= policy.every_seconds * 1000000);
}

Result<StoredCheckpoint> SignedCheckpoint(const std::string& origin,
                                          const ledger::Frontier& frontier,
                                          const std::optional<AuditHead>& audit,
                                          const ledger::SigningKey& key, Instant now) {
  ledger::Checkpoint cp;
  cp.origin = origin;
  cp.size = frontier.size();
  cp.root = frontier.Root();
  if (audit) cp.extensions.push_back(AuditHeadLine(*audit));
  BATTRACE_ASSIGN_OR_RETURN(note, ledger::SignNote(cp.Body(), key));
  return StoredCheckpoint{cp.size, now, std::move(note)};
}

Result<std::string> NoteWithSignatures(std::string_view note, std::string_view lines) {
  const std::string joined = std::string(note) + std::string(lines);
  BATTRACE_ASSIGN_OR_RETURN(parts, ledger::SplitNote(joined));
  std::string out(parts.text);
  out.push_back('\n');
  std::vector<std::pair<std::string_view, uint32_t>> signers;
  for (const ledger::NoteSignature& sig : parts.signatures) {
    const std::pair<std::string_view, uint32_t> signer(sig.name, sig.key_id);
    if (std::find(signers.begin(), signers.end(), signer) != signers.end()) continue;
    signers.push_back(signer);
    out.append(sig.line).push_back('\n');
  }
  return out;
}

Result<LoadedRegistry> BuildRegistry(const std::vector<StoredRecord>& rows,
                                     const std::vector<StoredVersion>& versions) {
  LoadedRegistry out;
  std::vector<RegistryRecord> records;
  records.reserve(rows.size());
  for (const StoredRecord& r : rows) {
    auto record = ParseRegistryRecord(r.record);
    if (!record.ok()) {
      return Status::Corruption("registry record " + r.kind + " " + r.key +
                                " cannot be read: " + record.status().message());
    }
    out.history.AddUnversioned(r.kind, r.key, *record);
    records.push_back(std::move(record).value());
  }
  out.current = domain::RegistryIndex(records);
  for (const StoredVersion& v : versions) {
    auto record = ParseRegistryRecord(v.record);
    auto effective = Date::Parse(v.effective);
    if (!record.ok() || !effective.ok()) {
      return Status::Corruption("registry version of " + v.kind + " " + v.key + " at leaf " +
                                std::to_string(v.leaf) + " cannot be read");
    }
    out.history.Add(v.kind, v.key,
                    {*effective, static_cast<uint64_t>(v.leaf), v.record, std::move(*record)});
  }
  return out;
}

Status AddVersion(domain::RegistryHistory& history, const RegistryRow& row, Date effective,
                  uint64_t leaf) {
  BATTRACE_ASSIGN_OR_RETURN(record, ParseRegistryRecord(row.record));
  history.Add(row.kind, row.key, {effective, leaf, row.record, std::move(record)});
  return Status::Ok();
}

namespace {

// SELECT of every column as text, ordered by `order` (each NULL first).
DerivedTable Derived(std::string name, const std::vector<std::string>& columns,
                     const std::vector<std::string>& order, const std::string& from = "") {
  std::string sql = "SELECT ";
  for (size_t i = 0; i < columns.size(); ++i) {
    if (i) sql += ", ";
    sql += "CAST(" + columns[i] + " AS TEXT)";
  }
  sql += " FROM " + (from.empty() ? name + " t" : from) + " ORDER BY ";
  for (size_t i = 0; i < order.size(); ++i) {
    if (i) sql += ", ";
    sql += order[i] + " NULLS FIRST";
  }
  return {std::move(name), std::move(sql), static_cast<int>(columns.size())};
}

std::vector<std::string> Qualified(const std::string& columns, const std::string& table = "t") {
  std::vector<std::string> out;
  for (size_t at = 0; at <= columns.size();) {
    size_t end = columns.find(',', at);
    if (end == std::string::npos) end = columns.size();
    std::string name = columns.substr(at, end - at);
    name.erase(0, name.find_first_not_of(' '));
    out.push_back(StrCat(table, ".", name));
    at = end + 1;
  }
  return out;
}

std::vector<std::string> Concat(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

}  // namespace

// The EPCIS tables (epcis_event, epcis_epc, epcis_job) are not here: captured events are kept as
// captured, derived from no report, so a replay has nothing to rebuild them from.
const std::vector<DerivedTable>& DerivedTables() {
  static const std::vector<DerivedTable> kTables = [] {
    const std::string duty =
        std::string(kDutyColumns) + ", opened_at, discharged_at, discharged_by, retracted_at";
    const std::string finding = std::string(kFindingColumns) + ", known_from, retracted_at";
    return std::vector<DerivedTable>{
        Derived("registry", Qualified("kind, key, division, record"), Qualified("kind, key")),
        Derived("registry_version", Qualified(kRegistryVersionColumns), Qualified("leaf")),
        Derived("battery", Qualified(kBatteryColumns), Qualified("code")),
        Derived("vehicle", Qualified(kVehicleColumns), Qualified("vin")),
        Derived("battery_event", Qualified("code, leaf"), Qualified("code, leaf")),
        Derived("vehicle_event", Qualified("vin, leaf"), Qualified("vin, leaf")),
        Derived("outlet", Qualified(kOutletColumns), Qualified("id")),
        Derived("model", Qualified(kModelColumns), Qualified("maker, model")),
        Derived("sale", Qualified("maker, division, article, evidence, known_from, retracted_at"),
                Qualified("maker, division")),
        Derived("correction", Qualified("original, leaf, correction"), Qualified("original, leaf")),
        Derived("obligation", Qualified(duty),
                Qualified("party, subject, kind, duty, opened_at, " + duty)),
        Derived("finding", Qualified(finding),
                Qualified("party, subject, kind, known_from, " + finding)),
        // The index from a report to the findings it is evidence of, by the finding's columns
        // (finding ids are the engine's).
        Derived(
            "finding_evidence",
            Concat(Qualified("evidence", "e"), Qualified("kind, party, subject, known_from", "f")),
            Concat(Qualified("evidence", "e"), Qualified(finding, "f")),
            "finding_evidence e JOIN finding f ON f.id = e.finding"),
    };
  }();
  return kTables;
}

const DerivedTable* FindDerivedTable(std::string_view name) {
  for (const DerivedTable& t : DerivedTables()) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

std::string CanonicalRow(const std::vector<std::optional<std::string>>& values) {
  nlohmann::json row = nlohmann::json::array();
  for (const auto& v : values) {
    row.push_back(v ? nlohmann::json(*v) : nlohmann::json(nullptr));
  }
  return row.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void PendingRows::Take(domain::Effects& effects, uint64_t leaf) {
  for (domain::BatteryState& b : effects.batteries) {
    std::string key = b.code;
    batteries.insert_or_assign(std::move(key), std::move(b));
  }
  for (domain::VehicleState& v : effects.vehicles) {
    std::string key = v.vin;
    vehicles.insert_or_assign(std::move(key), std::move(v));
  }
  for (std::string& code : effects.battery_refs) {
    battery_events.emplace_back(std::move(code), static_cast<int64_t>(leaf));
  }
  for (std::string& vin : effects.vehicle_refs) {
    vehicle_events.emplace_back(std::move(vin), static_cast<int64_t>(leaf));
  }
  for (domain::OutletState& o : effects.outlets) {
    std::string key = o.id;
    outlets.insert_or_assign(std::move(key), std::move(o));
  }
  for (domain::ModelState& m : effects.models) {
    auto key = std::make_pair(m.maker, m.model);
    models.insert_or_assign(std::move(key), std::move(m));
  }
  // A correction retracts the sales its original recorded, those of this transaction as the
  // stored ones (WriteTxn::Apply).
  if (effects.retracts) {
    for (auto& [key, pending] : sales) {
      if (pending.sale.evidence == *effects.retracts && !pending.retracted_at)
        pending.retracted_at = effects.at;
    }
  }
  for (domain::Sale& sale : effects.sales) {
    auto key = std::make_pair(sale.maker, sale.division);
    auto [it, added] = sales.try_emplace(std::move(key), Sale{sale, effects.at, std::nullopt});
    if (!added && it->second.retracted_at) it->second = Sale{std::move(sale), effects.at, {}};
  }
}

void PendingRows::SortEvents() {
  for (auto* events : {&battery_events, &vehicle_events}) {
    std::sort(events->begin(), events->end());
    events->erase(std::unique(events->begin(), events->end()), events->end());
  }
}

bool HasJudgment(const domain::Effects& effects) {
  return effects.retracts || !effects.discharges.empty() || !effects.duties.empty() ||
         !effects.findings.empty();
}

void ChainAudit(std::vector<AuditEntry>& entries, AuditHead last) {
  for (AuditEntry& e : entries) {
    e.seq = ++last.seq;
    e.hash = AuditHash(last.hash, e);
    last.hash = e.hash;
  }
}

Result<EpcisQuery> EpcisQuerySql(const EpcisFilter& filter,
                                 std::string (*in_list)(std::string_view column,
                                                        std::string_view placeholder)) {
  EpcisQuery q;
  const auto next = [&](EpcisParam p) {
    q.params.push_back(std::move(p));
    return "$" + std::to_string(q.params.size());
  };
  const auto number = [&](int64_t v) {
    return next({.kind = EpcisParam::Kind::kInt, .text = {}, .number = v, .list = {}});
  };
  const auto text = [&](const std::string& v) {
    return next({.kind = EpcisParam::Kind::kText, .text = v, .number = 0, .list = {}});
  };
  // "column is one of values": a single value compares as equal, which every planner reads.
  const auto one_of = [&](std::string_view column, const std::vector<std::string>& values) {
    if (values.size() == 1) return StrCat(column, " = ", text(values[0]));
    return in_list(
        column, next({.kind = EpcisParam::Kind::kList, .text = {}, .number = 0, .list = values}));
  };
  // Columns are named bare: epcis_event's in the outer query, epcis_epc's in each subquery.
  std::string where = "e.seq > " + number(static_cast<int64_t>(filter.after_seq));
  const std::pair<const char*, const std::vector<std::string>*> lists[] = {
      {"type", &filter.types},
      {"action", &filter.actions},
      {"biz_step", &filter.biz_steps},
      {"disposition", &filter.dispositions},
      {"read_point", &filter.read_points},
      {"biz_location", &filter.biz_locations},
      {"event_id", &filter.event_ids}};
  for (const auto& [column, values] : lists) {
    if (!values->empty()) where += StrCat(" AND ", one_of(column, *values));
  }
  const std::tuple<const char*, const char*, const std::optional<int64_t>*> bounds[] = {
      {"event_time", " >= ", &filter.ge_event_time},
      {"event_time", " < ", &filter.lt_event_time},
      {"record_time", " >= ", &filter.ge_record_time},
      {"record_time", " < ", &filter.lt_record_time}};
  for (const auto& [column, op, bound] : bounds) {
    if (*bound) where += StrCat(" AND ", column, op, number(**bound));
  }
  // Each MATCH_ is a lookup in the (epc, role, event) primary key, from the page's start on.
  // (Placeholders are numbered as they are made, so each is made in a statement of its own.)
  for (const EpcisEpcMatch& m : filter.epc_matches) {
    const std::string epc = one_of("epc", m.values);
    const std::string role = one_of("role", m.roles);
    where += StrCat(" AND e.seq IN (SELECT event FROM epcis_epc WHERE ", epc, " AND ", role,
                    " AND event > $1)");
  }
  if (filter.owner) where += StrCat(" AND e.owner = ", text(*filter.owner));
  if (filter.division) {
    // Division codes are digits: those inside a division with prefix p lie in [p, p + ":").
    BATTRACE_ASSIGN_OR_RETURN(within, Division::Parse(*filter.division));
    const std::string low = text(within.prefix());
    const std::string high = text(within.prefix() + ":");
    where += StrCat(" AND e.owner_division >= ", low, " AND e.owner_division < ", high);
  }
  q.sql = StrCat("SELECT ", kEpcisEventColumns, " FROM epcis_event e WHERE ", where,
                 " ORDER BY e.seq LIMIT ", number(static_cast<int64_t>(filter.limit)));
  return q;
}

}  // namespace battrace::store::common
