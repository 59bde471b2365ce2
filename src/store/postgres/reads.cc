// The PostgreSQL engine's reads: the ledger, the projections, findings and duties, tokens,
// the audit trail and EPCIS events.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/str_cat.h"
#include "store/columns.h"
#include "store/derived.h"
#include "store/epcis_sql.h"
#include "store/findings_query.h"
#include "store/list_query.h"
#include "store/model_query.h"
#include "store/node_layout.h"
#include "store/postgres/pg_internal.h"
#include "store/rows.h"
#include "store/tokens_audit.h"

namespace battrace::store::pg_engine {

using namespace common;  // NOLINT(google-build-using-namespace): the engines' shared parts

namespace {

std::string PgInList(std::string_view column, std::string_view placeholder) {
  return StrCat(column, " = ANY(", placeholder, "::text[])");
}

// The parameters of the statements over recorded findings (findings_at, tally_recorded*): the
// end of the day asked about and the filter.
Params RecordedParams(Instant end, const FindingFilter& filter, const FindingRange& range) {
  Params p;
  p.Add(end)
      .Add(filter.kind)
      .Add(filter.party)
      .Add(filter.department)
      .Add(range.start)
      .Add(range.end);
  return p;
}

}  // namespace

Result<std::vector<StoredCheckpoint>> PgStore::ListCheckpoints() {
  BATTRACE_ASSIGN_OR_RETURN(rows, Run("list_checkpoints"));
  return All<StoredCheckpoint>(rows, rows::kReader<tables::kCheckpoint>);
}

Result<std::optional<StoredCheckpoint>> PgStore::LatestCheckpoint() {
  BATTRACE_ASSIGN_OR_RETURN(rows, Run("latest_checkpoint"));
  return First<StoredCheckpoint>(rows, rows::kReader<tables::kCheckpoint>);
}

Result<std::optional<RegistryRow>> PgStore::GetRegistry(const std::string& kind,
                                                        const std::string& key) {
  BATTRACE_ASSIGN_OR_RETURN(rows, Run("get_registry", Params().Add(kind).Add(key)));
  return First<RegistryRow>(rows, [](const Row& r) {
    return RegistryRow{r.Text(0), r.Text(1), r.Text(2), r.Text(3)};
  });
}

Result<std::vector<StoredReport>> PgStore::Reports(const Rows& rows) {
  std::vector<StoredReport> out;
  out.reserve(static_cast<size_t>(rows.size()));
  for (int i = 0; i < rows.size(); ++i) {
    BATTRACE_ASSIGN_OR_RETURN(report, ReadReport(Row{rows, i}, bodies_));
    out.push_back(std::move(report));
  }
  return out;
}

Result<std::optional<StoredReport>> PgStore::FirstReport(const Rows& rows) {
  if (rows.size() == 0) return std::optional<StoredReport>();
  BATTRACE_ASSIGN_OR_RETURN(report, ReadReport(Row{rows, 0}, bodies_));
  return std::optional<StoredReport>(std::move(report));
}

Result<std::optional<BodyDictionary>> PgStore::Dictionary(int64_t id) {
  BATTRACE_ASSIGN_OR_RETURN(rows, Run("body_dictionary", Params().Add(id)));
  return First<BodyDictionary>(rows, rows::kReader<tables::kBodyDictionary>);
}

Result<std::optional<StoredReport>> PgStore::GetReport(const std::string& reporter,
                                                       const std::string& id) {
  if (txn_) {
    if (const StoredReport* p = txn_->Pending(reporter, id)) return {*p};
  }
  BATTRACE_ASSIGN_OR_RETURN(rows, Run("find_report", Params().Add(reporter).Add(id)));
  return FirstReport(rows);
}

Result<std::optional<StoredReport>> PgStore::GetReportAt(uint64_t leaf) {
  if (txn_) {
    if (const StoredReport* p = txn_->PendingAt(leaf)) return {*p};
  }
  BATTRACE_ASSIGN_OR_RETURN(rows, Run("report_at", Params().Add(static_cast<int64_t>(leaf))));
  return FirstReport(rows);
}

Status PgStore::ScanReports(uint64_t from, const std::function<bool(const StoredReport&)>& fn) {
  // In pages, so that a whole ledger never sits in memory.
  constexpr int64_t kPage = 10000;
  for (;;) {
    BATTRACE_ASSIGN_OR_RETURN(
        rows, Run("scan_reports", Params().Add(static_cast<int64_t>(from)).Add(kPage)));
    for (int i = 0; i < rows.size(); ++i) {
      BATTRACE_ASSIGN_OR_RETURN(report, ReadReport(Row{rows, i}, bodies_));
      if (!fn(report)) return Status::Ok();
    }
    if (rows.size() < kPage) return Status::Ok();
    from = static_cast<uint64_t>(rows.Int(rows.size() - 1, 0)) + 1;
  }
}

Result<std::optional<domain::BatteryState>> PgStore::GetBattery(const std::string& code) {
  BATTRACE_ASSIGN_OR_RETURN(rows, Run("get_battery", Params().Add(code)));
  return First<domain::BatteryState>(rows, rows::kReader<tables::kBattery>);
}

Result<std::optional<domain::VehicleState>> PgStore::GetVehicle(const std::string& vin) {
  BATTRACE_ASSIGN_OR_RETURN(rows, Run("get_vehicle", Params().Add(vin)));
  return First<domain::VehicleState>(rows, rows::kReader<tables::kVehicle>);
}

Result<std::vector<domain::BatteryState>> PgStore::BatteriesInVehicle(const std::string& vin) {
  BATTRACE_ASSIGN_OR_RETURN(rows, Run("in_vehicle", Params().Add(vin)));
  return All<domain::BatteryState>(rows, rows::kReader<tables::kBattery>);
}

Result<std::vector<std::string>> PgStore::PartsOf(const std::string& code) {
  BATTRACE_ASSIGN_OR_RETURN(rows, Run("parts_of", Params().Add(code)));
  return All<std::string>(rows, [](const Row& r) { return r.Text(0); });
}

Result<std::vector<uint64_t>> PgStore::Leaves(const char* statement, const std::string& key) {
  BATTRACE_ASSIGN_OR_RETURN(rows, Run(statement, Params().Add(key)));
  return All<uint64_t>(rows, [](const Row& r) { return static_cast<uint64_t>(r.Int(0)); });
}

Result<std::vector<uint64_t>> PgStore::BatteryHistory(const std::string& code) {
  return Leaves("battery_history", code);
}

Result<std::vector<StoredReport>> PgStore::BatteryHistoryReports(const std::string& code) {
  BATTRACE_ASSIGN_OR_RETURN(rows, Run("history_reports", Params().Add(code)));
  return Reports(rows);
}

Result<std::vector<uint64_t>> PgStore::VehicleHistory(const std::string& vin) {
  return Leaves("vehicle_history", vin);
}

Result<std::optional<std::string>> PgStore::CorrectedBy(const std::string& reporter,
                                                        const std::string& id) {
  BATTRACE_ASSIGN_OR_RETURN(rows, Run("corrected_by", Params().Add(reporter + "/" + id)));
  return First<std::string>(rows, [](const Row& r) { return r.Text(0); });
}

Result<ListReads> PgStore::Lists() {
  BATTRACE_ASSIGN_OR_RETURN(registry, LoadRegistry());
  ListReads reads;
  reads.registry = registry;
  const auto run = [this](ListQuery query, const std::vector<ListParam>& params) {
    Params p;
    for (const ListParam& param : params)
      std::visit([&](const auto& value) { p.Add(value); }, param);
    return Run(ListQueryName(query).c_str(), p);
  };
  reads.findings =
      [run](ListQuery query,
            const std::vector<ListParam>& params) -> Result<std::vector<domain::Finding>> {
    BATTRACE_ASSIGN_OR_RETURN(rows, run(query, params));
    std::vector<domain::Finding> out;
    out.reserve(rows.size());
    for (int i = 0; i < rows.size(); ++i) {
      BATTRACE_ASSIGN_OR_RETURN(f, rows::Read(tables::kFinding, Row{rows, i}));
      f.date = BeijingDate(rows.Int(i, 9));  // known_from
      out.push_back(std::move(f));
    }
    return out;
  };
  reads.duties = [run](ListQuery query,
                       const std::vector<ListParam>& params) -> Result<std::vector<domain::Duty>> {
    BATTRACE_ASSIGN_OR_RETURN(rows, run(query, params));
    std::vector<domain::Duty> out;
    out.reserve(rows.size());
    for (int i = 0; i < rows.size(); ++i) {
      BATTRACE_ASSIGN_OR_RETURN(duty, rows::Read(tables::kDuty, Row{rows, i}));
      out.push_back(std::move(duty));
    }
    return out;
  };
  reads.uncovered =
      [this](Instant end,
             const FindingFilter& filter) -> Result<std::vector<std::pair<domain::Sale, Instant>>> {
    const FindingRange range = RangeOf(filter);
    BATTRACE_ASSIGN_OR_RETURN(
        gaps, Run("tally_gaps",
                  Params().Add(end).Add(filter.department).Add(range.start).Add(range.end)));
    std::vector<std::pair<domain::Sale, Instant>> out;
    out.reserve(gaps.size());
    for (int i = 0; i < gaps.size(); ++i) {
      out.push_back(
          {{gaps.Text(i, 0), gaps.Text(i, 1), gaps.Text(i, 2), gaps.Text(i, 3)}, gaps.Int(i, 4)});
    }
    return out;
  };
  reads.last_sale = [this](Instant end) -> Result<std::optional<Instant>> {
    BATTRACE_ASSIGN_OR_RETURN(last, Run("last_sale", Params().Add(end)));
    return last.OptInt(0, 0);
  };
  return reads;
}

Result<Page<domain::Finding>> PgStore::Findings(Date as_of, const FindingFilter& filter,
                                                FindingSort sort,
                                                const std::optional<SortKey>& after, size_t limit) {
  BATTRACE_ASSIGN_OR_RETURN(reads, Lists());
  return FindingsPage(reads, as_of, filter, sort, after, limit);
}

Result<Page<domain::Duty>> PgStore::Obligations(Date as_of, const ObligationFilter& filter,
                                                DutySort sort, const std::optional<SortKey>& after,
                                                size_t limit) {
  BATTRACE_ASSIGN_OR_RETURN(reads, Lists());
  return ObligationsPage(reads, as_of, filter, sort, after, limit);
}

Result<std::vector<FindingTally>> PgStore::TallyFindings(Date as_of, const FindingFilter& filter,
                                                         bool by_month) {
  BATTRACE_ASSIGN_OR_RETURN(registry, LoadRegistry());
  BATTRACE_ASSIGN_OR_RETURN(within, Within(filter.division));
  FindingTallier tally(*registry, filter, std::move(within), by_month);
  const Instant end = EndOfBeijingDay(as_of);
  const FindingRange range = RangeOf(filter);
  BATTRACE_ASSIGN_OR_RETURN(recorded, Run(by_month ? "tally_recorded_monthly" : "tally_recorded",
                                          RecordedParams(end, filter, range)));
  for (int i = 0; i < recorded.size(); ++i) {
    tally.Recorded(recorded.Text(i, 0), recorded.Text(i, 1), recorded.Text(i, 2),
                   static_cast<uint64_t>(recorded.Int(i, 3)));
  }
  BATTRACE_ASSIGN_OR_RETURN(overdue, Run("tally_overdue", Params()
                                                              .Add(as_of.ToString())
                                                              .Add(end)
                                                              .Add(filter.department)
                                                              .Add(range.first_day)
                                                              .Add(range.last_day)));
  for (int i = 0; i < overdue.size(); ++i) {
    tally.Overdue(overdue.Text(i, 0), overdue.Text(i, 1), {overdue.Text(i, 2), overdue.Text(i, 3)},
                  overdue.Text(i, 4), static_cast<uint64_t>(overdue.Int(i, 5)));
  }
  BATTRACE_ASSIGN_OR_RETURN(reads, Lists());
  BATTRACE_ASSIGN_OR_RETURN(gaps, reads.uncovered(end, filter));
  for (const auto& [sale, known_from] : gaps)
    tally.Gap(sale, known_from, as_of);
  return tally.Take();
}

Result<std::vector<HandoverTally>> PgStore::TallyHandovers(std::optional<Date> from,
                                                           std::optional<Date> to) {
  std::optional<std::string> first, last;
  if (from) first = from->ToString();
  if (to) last = to->ToString();
  BATTRACE_ASSIGN_OR_RETURN(rows, Run("tally_handovers", Params().Add(first).Add(last)));
  HandoverTallier tally;
  for (int i = 0; i < rows.size(); ++i) {
    BATTRACE_ASSIGN_OR_RETURN(report, ReadReport(Row{rows, i}, bodies_));
    BATTRACE_RETURN_IF_ERROR(tally.Add(report));
  }
  return tally.Take();
}

Result<uint64_t> PgStore::CountOpenDuties() {
  BATTRACE_ASSIGN_OR_RETURN(rows, Run("count_open_duties"));
  return static_cast<uint64_t>(rows.Int(0, 0));
}

Result<std::vector<domain::OutletState>> PgStore::Outlets(const std::string& division) {
  BATTRACE_ASSIGN_OR_RETURN(within, Division::Parse(division));
  const std::string low = within.prefix(), high = low + ":";
  BATTRACE_ASSIGN_OR_RETURN(rows, Run("outlets_in", Params().Add(low).Add(high)));
  return All<domain::OutletState>(rows, rows::kReader<tables::kOutlet>);
}

Result<Rows> PgStore::RunList(const std::string& list, const ListScope& scope,
                              const std::vector<std::string>& after, size_t limit) {
  BATTRACE_ASSIGN_OR_RETURN(values, ListParams(scope, after));
  Params params;
  for (const std::string& v : values)
    params.Add(v);
  params.Add(static_cast<int64_t>(limit));
  const std::string name = list + (scope.division ? "_division" : scope.party ? "_party" : "_all");
  return Run(name.c_str(), params);
}

Result<std::vector<domain::BatteryState>> PgStore::ListBatteries(
    const ListScope& scope, const std::vector<std::string>& after, size_t limit) {
  BATTRACE_ASSIGN_OR_RETURN(rows, RunList("list_batteries", scope, after, limit));
  return All<domain::BatteryState>(rows, rows::kReader<tables::kBattery>);
}

Result<std::vector<domain::VehicleState>> PgStore::ListVehicles(
    const ListScope& scope, const std::vector<std::string>& after, size_t limit) {
  BATTRACE_ASSIGN_OR_RETURN(rows, RunList("list_vehicles", scope, after, limit));
  return All<domain::VehicleState>(rows, rows::kReader<tables::kVehicle>);
}

Result<std::vector<StoredReport>> PgStore::DisassemblyInfo(const std::string& vehicle_model) {
  BATTRACE_ASSIGN_OR_RETURN(rows, Run("disassembly_info"));
  BATTRACE_ASSIGN_OR_RETURN(reports, Reports(rows));
  std::vector<StoredReport> out;
  for (StoredReport& r : reports) {
    if (IsAboutModel(r, vehicle_model)) out.push_back(std::move(r));
  }
  return out;
}

Result<std::vector<StoredReport>> PgStore::ModelDeclarations(const std::string& maker,
                                                             const std::string& model) {
  BATTRACE_ASSIGN_OR_RETURN(rows, Run("model_declarations", Params().Add(maker)));
  BATTRACE_ASSIGN_OR_RETURN(declared, Reports(rows));
  return DeclarationsOf(*this, std::move(declared), model);
}

Result<std::optional<std::string>> PgStore::FindByDigitalLink(const std::string& gtin14,
                                                              const std::string& serial) {
  BATTRACE_ASSIGN_OR_RETURN(rows, Run("batteries_by_serial", Params().Add(serial)));
  return DigitalLinkHolder(*this, All<domain::BatteryState>(rows, rows::kReader<tables::kBattery>),
                           gtin14);
}

Status PgStore::ScanDerived(std::string_view table,
                            const std::function<bool(const std::string& row)>& fn) {
  const DerivedTable* derived = FindDerivedTable(table);
  if (derived == nullptr) return Status::NotFound("no derived table '" + std::string(table) + "'");
  BATTRACE_ASSIGN_OR_RETURN(rows, conn_.Query(derived->query, {}));
  for (int i = 0; i < rows.size(); ++i) {
    if (!fn(CanonicalRowOf(Row{rows, i}, derived->columns))) break;
  }
  return Status::Ok();
}

Result<std::optional<TokenRow>> PgStore::FindToken(const ledger::Hash& hash) {
  Params p;
  AddHash(p, hash);
  BATTRACE_ASSIGN_OR_RETURN(rows, Run("find_token", p));
  return First<TokenRow>(rows, rows::kReader<tables::kToken>);
}

Result<std::vector<TokenRow>> PgStore::ListTokens(const std::optional<TokenCursor>& after,
                                                  size_t limit) {
  const TokenCursor from = after.value_or(TokensStart());
  Params p;
  AddHash(p.Add(from.created), from.hash).Add(static_cast<int64_t>(limit));
  BATTRACE_ASSIGN_OR_RETURN(rows, Run("list_tokens", p));
  return All<TokenRow>(rows, rows::kReader<tables::kToken>);
}

Result<std::vector<TokenRow>> PgStore::FindTokensByPrefix(std::string_view prefix, size_t limit) {
  const HashRange range = HashPrefixRange(prefix);
  Params p;
  AddHash(AddHash(p, range.first), range.last).Add(static_cast<int64_t>(limit));
  BATTRACE_ASSIGN_OR_RETURN(rows, Run("tokens_by_prefix", p));
  return All<TokenRow>(rows, rows::kReader<tables::kToken>);
}

Result<std::vector<AuditEntry>> PgStore::ListAudit(const AuditPage& page) {
  BATTRACE_ASSIGN_OR_RETURN(
      rows,
      Run(page.newest_first ? "list_audit_newest" : "list_audit",
          Params().Add(static_cast<int64_t>(page.from)).Add(static_cast<int64_t>(page.limit))));
  return All<AuditEntry>(rows, rows::kReader<tables::kAudit>);
}

Result<std::optional<EpcisJob>> PgStore::GetEpcisJob(const std::string& capture_id) {
  BATTRACE_ASSIGN_OR_RETURN(rows, Run("get_epcis_job", Params().Add(capture_id)));
  return First<EpcisJob>(rows, rows::kReader<tables::kEpcisJob>);
}

Result<std::vector<EpcisEvent>> PgStore::QueryEpcis(const EpcisFilter& filter) {
  BATTRACE_ASSIGN_OR_RETURN(query, EpcisQuerySql(filter, PgInList));
  if (conn_.Broken() && !txn_) BATTRACE_RETURN_IF_ERROR(Reconnect());
  auto name = epcis_queries_.find(query.sql);
  if (name == epcis_queries_.end()) {
    // The shapes a server asks for are few; an odd client's many are not kept for ever.
    if (epcis_queries_.size() >= kEpcisQueryCache) {
      for (const auto& [sql, prepared] : epcis_queries_)
        BATTRACE_RETURN_IF_ERROR(conn_.Exec("DEALLOCATE " + prepared));
      epcis_queries_.clear();
    }
    const std::string prepared = "epcis_query_" + std::to_string(++epcis_statements_);
    BATTRACE_RETURN_IF_ERROR(conn_.Prepare(prepared, query.sql));
    name = epcis_queries_.emplace(query.sql, prepared).first;
  }
  Params p;
  for (const EpcisParam& param : query.params) {
    switch (param.kind) {
      case EpcisParam::Kind::kInt:
        p.Add(param.number);
        break;
      case EpcisParam::Kind::kText:
        p.Add(param.text);
        break;
      case EpcisParam::Kind::kList:
        p.Add(ArrayLiteral(param.list));
        break;
    }
  }
  BATTRACE_ASSIGN_OR_RETURN(rows, conn_.Run(name->second, p));
  return All<EpcisEvent>(rows, rows::kReader<tables::kEpcisEvent>);
}

Result<std::vector<EpcisEvent>> PgStore::GetEpcisEvents(const std::string& event_id) {
  BATTRACE_ASSIGN_OR_RETURN(rows, Run("epcis_events_by_id", Params().Add(event_id)));
  return All<EpcisEvent>(rows, rows::kReader<tables::kEpcisEvent>);
}

Status PgStore::CheckReportKeys() {
  BATTRACE_ASSIGN_OR_RETURN(unkeyed, Run("report_without_key"));
  if (unkeyed.size() > 0) {
    return Status::Corruption("leaf " + std::to_string(unkeyed.Int(0, 0)) + " (" +
                              unkeyed.Text(0, 1) + " / " + unkeyed.Text(0, 2) +
                              "): report_key does not hold its reporter and id, so the report "
                              "could be stored again as new");
  }
  BATTRACE_ASSIGN_OR_RETURN(stray, Run("key_without_report"));
  if (stray.size() > 0) {
    return Status::Corruption("report_key names leaf " + std::to_string(stray.Int(0, 0)) + " for " +
                              stray.Text(0, 1) + " / " + stray.Text(0, 2) +
                              ", which is not that leaf's report: a new report with that reporter "
                              "and id would be refused as a duplicate");
  }
  return Status::Ok();
}

Result<uint64_t> PgStore::TreeSize() {
  BATTRACE_ASSIGN_OR_RETURN(rows, Run("tree_size"));
  return static_cast<uint64_t>(rows.Int(0, 0));
}

Status PgStore::GetNodes(std::span<const ledger::NodeId> ids, std::span<ledger::Hash> out) {
  for (size_t i = 0; i < ids.size(); ++i) {
    const NodeSpan span = SpanOf(ids[i]);
    const bool leaves = span.base == 0;
    Params p;
    if (leaves) {
      p.Add(static_cast<int64_t>(span.first))
          .Add(static_cast<int64_t>(span.first + span.count - 1));
    } else {
      p.Add(NodeKey(span.base, span.first)).Add(NodeKey(span.base, span.first + span.count - 1));
    }
    BATTRACE_ASSIGN_OR_RETURN(rows, Run(leaves ? "leaf_hashes" : "node_range", p));
    BATTRACE_ASSIGN_OR_RETURN(hash, FoldNode(ids[i], All<ledger::Hash>(rows, [](const Row& r) {
                                               return HashFromBytes(r.Blob(0));
                                             })));
    out[i] = hash;
  }
  return Status::Ok();
}

}  // namespace battrace::store::pg_engine
