// The SQLite engine's reads.

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <tuple>

#include "core/division.h"
#include "core/private_file.h"
#include "core/str_cat.h"
#include "domain/registry.h"
#include "ledger/checkpoint.h"
#include "store/audit.h"
#include "store/columns.h"
#include "store/derived.h"
#include "store/epcis_sql.h"
#include "store/findings_query.h"
#include "store/ledger_writer.h"
#include "store/list_query.h"
#include "store/model_query.h"
#include "store/node_layout.h"
#include "store/open.h"
#include "store/rows.h"
#include "store/schema.h"
#include "store/sqlite/sqlite.h"
#include "store/sqlite/sqlite_internal.h"
#include "store/sqlite/wal_checkpointer.h"
#include "store/tables.h"
#include "store/tokens_audit.h"

namespace battrace::store::sqlite_engine {

Result<std::vector<StoredCheckpoint>> SqliteStore::ListCheckpoints() {
  BATTRACE_ASSIGN_OR_RETURN(st, db_.Prepare(StrCat("SELECT ", rows::kColumnsOf<tables::kCheckpoint>,
                                                   " FROM checkpoint ORDER BY size")));
  return st.AllRows(rows::kReader<tables::kCheckpoint>);
}

Result<std::optional<StoredCheckpoint>> SqliteStore::LatestCheckpoint() {
  BATTRACE_ASSIGN_OR_RETURN(st, db_.Prepare(StrCat("SELECT ", rows::kColumnsOf<tables::kCheckpoint>,
                                                   " FROM checkpoint ORDER BY size DESC LIMIT 1")));
  return st.OneRow(rows::kReader<tables::kCheckpoint>);
}

Result<std::optional<RegistryRow>> SqliteStore::GetRegistry(const std::string& kind,
                                                            const std::string& key) {
  return get_registry_->Bind(1, kind).Bind(2, key).OneRow(
      [](const Stmt& st) { return rows::Read(tables::kRegistry, st); });
}

Result<std::optional<StoredReport>> SqliteStore::OneReport(Stmt& st) {
  std::optional<StoredReport> out;
  BATTRACE_RETURN_IF_ERROR(EachReport(st, [&](StoredReport&& r) {
    out = std::move(r);
    return false;
  }));
  return out;
}

Status SqliteStore::EachReport(Stmt& st, const std::function<bool(StoredReport&&)>& fn) {
  Status error;
  BATTRACE_RETURN_IF_ERROR(st.ForEachRow([&](const Stmt& row) {
    auto report = ReadReport(row, bodies_);
    if (!report.ok()) {
      error = report.status();
      return false;
    }
    return fn(std::move(report).value());
  }));
  return error;
}

Result<std::optional<BodyDictionary>> SqliteStore::Dictionary(int64_t id) {
  return dictionary_->Bind(1, id).OneRow(rows::kReader<tables::kBodyDictionary>);
}

Result<std::optional<StoredReport>> SqliteStore::GetReport(const std::string& reporter,
                                                           const std::string& id) {
  return OneReport(find_report_->Bind(1, reporter).Bind(2, id));
}

Result<std::optional<StoredReport>> SqliteStore::GetReportAt(uint64_t leaf) {
  return OneReport(report_at_->Bind(1, static_cast<int64_t>(leaf)));
}

Status SqliteStore::ScanReports(uint64_t from, const std::function<bool(const StoredReport&)>& fn) {
  return EachReport(scan_reports_->Bind(1, static_cast<int64_t>(from)),
                    [&](StoredReport&& r) { return fn(r); });
}

Result<std::optional<domain::BatteryState>> SqliteStore::GetBattery(const std::string& code) {
  return get_battery_->Bind(1, code).OneRow(rows::kReader<tables::kBattery>);
}

Result<std::optional<domain::VehicleState>> SqliteStore::GetVehicle(const std::string& vin) {
  return get_vehicle_->Bind(1, vin).OneRow(rows::kReader<tables::kVehicle>);
}

Result<std::vector<domain::BatteryState>> SqliteStore::BatteriesInVehicle(const std::string& vin) {
  return in_vehicle_->Bind(1, vin).AllRows(rows::kReader<tables::kBattery>);
}

Result<std::vector<std::string>> SqliteStore::PartsOf(const std::string& code) {
  std::vector<std::string> out;
  BATTRACE_RETURN_IF_ERROR(parts_of_->Bind(1, code).ForEachRow([&](const Stmt& st) {
    out.push_back(st.Text(0));
    return true;
  }));
  return out;
}

Result<std::vector<uint64_t>> SqliteStore::Leaves(Stmt& st, const std::string& key) {
  std::vector<uint64_t> out;
  BATTRACE_RETURN_IF_ERROR(st.Bind(1, key).ForEachRow([&](const Stmt& row) {
    out.push_back(static_cast<uint64_t>(row.Int(0)));
    return true;
  }));
  return out;
}

Result<std::vector<uint64_t>> SqliteStore::BatteryHistory(const std::string& code) {
  return Leaves(*battery_history_, code);
}

Result<std::vector<StoredReport>> SqliteStore::BatteryHistoryReports(const std::string& code) {
  std::vector<StoredReport> out;
  BATTRACE_RETURN_IF_ERROR(EachReport(history_reports_->Bind(1, code), [&](StoredReport&& r) {
    out.push_back(std::move(r));
    return true;
  }));
  return out;
}

Result<std::vector<uint64_t>> SqliteStore::VehicleHistory(const std::string& vin) {
  return Leaves(*vehicle_history_, vin);
}

Result<std::optional<std::string>> SqliteStore::CorrectedBy(const std::string& reporter,
                                                            const std::string& id) {
  const std::string original = reporter + "/" + id;
  return corrected_by_->Bind(1, original).OneRow([](const Stmt& r) { return r.Text(0); });
}

Stmt& SqliteStore::ListStatement(ListQuery query, const std::vector<ListParam>& params) {
  Stmt& st = list_queries_.at(query);
  for (size_t i = 0; i < params.size(); ++i) {
    std::visit([&](const auto& value) { st.Bind(static_cast<int>(i) + 1, value); }, params[i]);
  }
  return st;
}

Result<ListReads> SqliteStore::Lists() {
  BATTRACE_ASSIGN_OR_RETURN(registry, LoadRegistry());
  ListReads reads;
  reads.registry = registry;
  // Every row of a list query, read as `table`'s rows; `finish` completes each.
  const auto all = [this](const auto& table, ListQuery query, const std::vector<ListParam>& params,
                          const auto& finish) {
    std::vector<std::decay_t<decltype(*rows::Read(table, std::declval<const Stmt&>()))>> out;
    Status error;
    Status read = ListStatement(query, params).ForEachRow([&](const Stmt& row) {
      auto item = rows::Read(table, row);
      if (!item.ok()) {
        error = item.status();
        return false;
      }
      finish(*item, row);
      out.push_back(std::move(item).value());
      return true;
    });
    if (read.ok()) read = error;
    return read.ok() ? Result<decltype(out)>(std::move(out)) : Result<decltype(out)>(read);
  };
  reads.findings = [all](ListQuery query, const std::vector<ListParam>& params) {
    return all(tables::kFinding, query, params, [](domain::Finding& f, const Stmt& row) {
      f.date = BeijingDate(row.Int(9));  // known_from
    });
  };
  reads.duties = [all](ListQuery query, const std::vector<ListParam>& params) {
    return all(tables::kDuty, query, params, [](domain::Duty&, const Stmt&) {});
  };
  reads.uncovered =
      [this](Instant end,
             const FindingFilter& filter) -> Result<std::vector<std::pair<domain::Sale, Instant>>> {
    const FindingRange range = RangeOf(filter);
    std::vector<std::pair<domain::Sale, Instant>> out;
    BATTRACE_RETURN_IF_ERROR(
        tally_gaps_->Bind(1, end)
            .Bind(2, filter.department)
            .Bind(3, range.start)
            .Bind(4, range.end)
            .ForEachRow([&](const Stmt& row) {
              out.push_back({{row.Text(0), row.Text(1), row.Text(2), row.Text(3)}, row.Int(4)});
              return true;
            }));
    return out;
  };
  reads.last_sale = [this](Instant end) -> Result<std::optional<Instant>> {
    BATTRACE_ASSIGN_OR_RETURN(last, last_sale_->Bind(1, end).OneRow([](const Stmt& row) {
      return row.IsNull(0) ? std::optional<Instant>() : std::optional<Instant>(row.Int(0));
    }));
    return last.value_or(std::nullopt);
  };
  return reads;
}

Result<Page<domain::Finding>> SqliteStore::Findings(Date as_of, const FindingFilter& filter,
                                                    FindingSort sort,
                                                    const std::optional<SortKey>& after,
                                                    size_t limit) {
  BATTRACE_ASSIGN_OR_RETURN(reads, Lists());
  return FindingsPage(reads, as_of, filter, sort, after, limit);
}

Result<Page<domain::Duty>> SqliteStore::Obligations(Date as_of, const ObligationFilter& filter,
                                                    DutySort sort,
                                                    const std::optional<SortKey>& after,
                                                    size_t limit) {
  BATTRACE_ASSIGN_OR_RETURN(reads, Lists());
  return ObligationsPage(reads, as_of, filter, sort, after, limit);
}

Result<std::vector<FindingTally>> SqliteStore::TallyFindings(Date as_of,
                                                             const FindingFilter& filter,
                                                             bool by_month) {
  BATTRACE_ASSIGN_OR_RETURN(registry, LoadRegistry());
  BATTRACE_ASSIGN_OR_RETURN(within, Within(filter.division));
  FindingTallier tally(*registry, filter, std::move(within), by_month);
  const Instant end = EndOfBeijingDay(as_of);
  const FindingRange range = RangeOf(filter);
  Stmt& recorded = by_month ? *tally_recorded_monthly_ : *tally_recorded_;
  BATTRACE_RETURN_IF_ERROR(recorded.Bind(1, end)
                               .Bind(2, filter.kind)
                               .Bind(3, filter.party)
                               .Bind(4, filter.department)
                               .Bind(5, range.start)
                               .Bind(6, range.end)
                               .ForEachRow([&](const Stmt& row) {
                                 tally.Recorded(row.Text(0), row.Text(1), row.Text(2),
                                                static_cast<uint64_t>(row.Int(3)));
                                 return true;
                               }));
  const std::string day = as_of.ToString();
  BATTRACE_RETURN_IF_ERROR(tally_overdue_->Bind(1, day)
                               .Bind(2, end)
                               .Bind(3, filter.department)
                               .Bind(4, range.first_day)
                               .Bind(5, range.last_day)
                               .ForEachRow([&](const Stmt& row) {
                                 tally.Overdue(row.Text(0), row.Text(1), {row.Text(2), row.Text(3)},
                                               row.Text(4), static_cast<uint64_t>(row.Int(5)));
                                 return true;
                               }));
  BATTRACE_ASSIGN_OR_RETURN(reads, Lists());
  BATTRACE_ASSIGN_OR_RETURN(gaps, reads.uncovered(end, filter));
  for (const auto& [sale, known_from] : gaps)
    tally.Gap(sale, known_from, as_of);
  return tally.Take();
}

Result<std::vector<HandoverTally>> SqliteStore::TallyHandovers(std::optional<Date> from,
                                                               std::optional<Date> to) {
  std::optional<std::string> first, last;
  if (from) first = from->ToString();
  if (to) last = to->ToString();
  HandoverTallier tally;
  Status counted;
  BATTRACE_RETURN_IF_ERROR(
      EachReport(tally_handovers_->Bind(1, first).Bind(2, last), [&](StoredReport&& r) {
        counted = tally.Add(r);
        return counted.ok();
      }));
  BATTRACE_RETURN_IF_ERROR(counted);
  return tally.Take();
}

Result<uint64_t> SqliteStore::CountOpenDuties() {
  BATTRACE_ASSIGN_OR_RETURN(n,
                            count_open_duties_->OneRow([](const Stmt& st) { return st.Int(0); }));
  return static_cast<uint64_t>(n.value_or(0));
}

Result<std::vector<domain::OutletState>> SqliteStore::Outlets(const std::string& division) {
  BATTRACE_ASSIGN_OR_RETURN(within, Division::Parse(division));
  // Division codes are digits, so the codes starting with a prefix p are those in [p, p + ":").
  const std::string low = within.prefix(), high = low + ":";
  return outlets_in_->Bind(1, low).Bind(2, high).AllRows(rows::kReader<tables::kOutlet>);
}

// A list query (common::ListBatteriesSql, ListVehiclesSql), prepared when asked for: the lists
// are read a page at a time, far less often than the rows the ingest path prepares for.
template <typename T, typename Read>
Result<std::vector<T>> ReadList(sqlite::Db& db, const std::string& sql, const ListScope& scope,
                                const std::vector<std::string>& after, size_t limit, Read read) {
  BATTRACE_ASSIGN_OR_RETURN(params, ListParams(scope, after));
  BATTRACE_ASSIGN_OR_RETURN(st, db.Prepare(sql));
  int i = 1;
  for (const std::string& p : params)
    st.Bind(i++, p);
  st.Bind(i, static_cast<int64_t>(limit));
  std::vector<T> out;
  BATTRACE_RETURN_IF_ERROR(st.ForEachRow([&](const Stmt& row) {
    out.push_back(read(row));
    return true;
  }));
  return out;
}

Result<std::vector<domain::BatteryState>> SqliteStore::ListBatteries(
    const ListScope& scope, const std::vector<std::string>& after, size_t limit) {
  return ReadList<domain::BatteryState>(db_, ListBatteriesSql(scope), scope, after, limit,
                                        rows::kReader<tables::kBattery>);
}

Result<std::vector<domain::VehicleState>> SqliteStore::ListVehicles(
    const ListScope& scope, const std::vector<std::string>& after, size_t limit) {
  return ReadList<domain::VehicleState>(db_, ListVehiclesSql(scope), scope, after, limit,
                                        rows::kReader<tables::kVehicle>);
}

Result<std::vector<StoredReport>> SqliteStore::DisassemblyInfo(const std::string& vehicle_model) {
  // A maker files one such report per model: the type's rows are few, and reading them all
  // through report_disassembly_info costs less than a column and index of their own.
  std::vector<StoredReport> out;
  BATTRACE_RETURN_IF_ERROR(EachReport(*disassembly_info_, [&](StoredReport&& r) {
    if (IsAboutModel(r, vehicle_model)) out.push_back(std::move(r));
    return true;
  }));
  return out;
}

Result<std::vector<StoredReport>> SqliteStore::ModelDeclarations(const std::string& maker,
                                                                 const std::string& model) {
  // The maker's declarations (a few per model) are read through report_model_declared and
  // matched on the model in force.
  std::vector<StoredReport> declared;
  BATTRACE_RETURN_IF_ERROR(EachReport(model_declarations_->Bind(1, maker), [&](StoredReport&& r) {
    declared.push_back(std::move(r));
    return true;
  }));
  return DeclarationsOf(*this, std::move(declared), model);
}

Result<std::optional<std::string>> SqliteStore::FindByDigitalLink(const std::string& gtin14,
                                                                  const std::string& serial) {
  BATTRACE_ASSIGN_OR_RETURN(
      candidates, batteries_by_serial_->Bind(1, serial).AllRows(rows::kReader<tables::kBattery>));
  return DigitalLinkHolder(*this, candidates, gtin14);
}

Status SqliteStore::ScanDerived(std::string_view table,
                                const std::function<bool(const std::string& row)>& fn) {
  const DerivedTable* derived = FindDerivedTable(table);
  if (derived == nullptr) {
    return Status::NotFound("no derived table '" + std::string(table) + "'");
  }
  BATTRACE_ASSIGN_OR_RETURN(st, db_.Prepare(derived->query));
  return st.ForEachRow([&](const Stmt& row) { return fn(CanonicalRowOf(row, derived->columns)); });
}

Result<std::optional<TokenRow>> SqliteStore::FindToken(const ledger::Hash& hash) {
  return find_token_->BindBlob(1, hash.data(), hash.size()).OneRow(rows::kReader<tables::kToken>);
}

Result<std::vector<TokenRow>> SqliteStore::ListTokens(const std::optional<TokenCursor>& after,
                                                      size_t limit) {
  const TokenCursor from = after.value_or(TokensStart());
  return list_tokens_->Bind(1, from.created)
      .BindBlob(2, from.hash.data(), from.hash.size())
      .Bind(3, static_cast<int64_t>(limit))
      .AllRows(rows::kReader<tables::kToken>);
}

Result<std::vector<TokenRow>> SqliteStore::FindTokensByPrefix(std::string_view prefix,
                                                              size_t limit) {
  const HashRange range = HashPrefixRange(prefix);
  return tokens_by_prefix_->BindBlob(1, range.first.data(), range.first.size())
      .BindBlob(2, range.last.data(), range.last.size())
      .Bind(3, static_cast<int64_t>(limit))
      .AllRows(rows::kReader<tables::kToken>);
}

Result<std::vector<AuditEntry>> SqliteStore::ListAudit(const AuditPage& page) {
  Stmt& list = page.newest_first ? *list_audit_newest_ : *list_audit_;
  return list.Bind(1, static_cast<int64_t>(page.from))
      .Bind(2, static_cast<int64_t>(page.limit))
      .AllRows(rows::kReader<tables::kAudit>);
}

Result<std::optional<EpcisJob>> SqliteStore::GetEpcisJob(const std::string& capture_id) {
  return get_epcis_job_->Bind(1, capture_id).OneRow(rows::kReader<tables::kEpcisJob>);
}

std::string SqliteInList(std::string_view column, std::string_view placeholder) {
  return StrCat(column, " IN (SELECT value FROM json_each(", placeholder, "))");
}

Result<std::vector<EpcisEvent>> SqliteStore::QueryEpcis(const EpcisFilter& filter) {
  BATTRACE_ASSIGN_OR_RETURN(query, EpcisQuerySql(filter, SqliteInList));
  auto cached = epcis_queries_.find(query.sql);
  if (cached == epcis_queries_.end()) {
    // The shapes a server asks for are few; an odd client's many are not kept for ever.
    if (epcis_queries_.size() >= kEpcisQueryCache) epcis_queries_.clear();
    BATTRACE_ASSIGN_OR_RETURN(st, db_.Prepare(query.sql));
    cached = epcis_queries_.emplace(query.sql, std::move(st)).first;
  }
  Stmt& st = cached->second;
  // Lists are bound as JSON arrays (json_each); kept alive until the statement is reset.
  std::vector<std::string> lists;
  lists.reserve(query.params.size());
  for (size_t i = 0; i < query.params.size(); ++i) {
    const EpcisParam& p = query.params[i];
    const int n = static_cast<int>(i) + 1;
    switch (p.kind) {
      case EpcisParam::Kind::kInt:
        st.Bind(n, p.number);
        break;
      case EpcisParam::Kind::kText:
        st.Bind(n, p.text);
        break;
      case EpcisParam::Kind::kList:
        lists.push_back(nlohmann::json(p.list).dump());
        st.Bind(n, lists.back());
        break;
    }
  }
  return st.AllRows(rows::kReader<tables::kEpcisEvent>);
}

Result<std::vector<EpcisEvent>> SqliteStore::GetEpcisEvents(const std::string& event_id) {
  return epcis_events_by_id_->Bind(1, event_id).AllRows(rows::kReader<tables::kEpcisEvent>);
}

Result<uint64_t> SqliteStore::TreeSize() {
  BATTRACE_ASSIGN_OR_RETURN(size, tree_size_->OneRow([](const Stmt& st) { return st.Int(0); }));
  return static_cast<uint64_t>(size.value_or(0));
}

Status SqliteStore::GetNodes(std::span<const ledger::NodeId> ids, std::span<ledger::Hash> out) {
  for (size_t i = 0; i < ids.size(); ++i) {
    BATTRACE_ASSIGN_OR_RETURN(h, NodeAt(ids[i]));
    out[i] = h;
  }
  return Status::Ok();
}

Result<ledger::Hash> SqliteStore::NodeAt(const ledger::NodeId& id) {
  const NodeSpan span = SpanOf(id);
  // The hashes of the kept level under the node, in order.
  Stmt& st = span.base == 0 ? *leaf_hashes_ : *node_range_;
  if (span.base == 0) {
    st.Bind(1, static_cast<int64_t>(span.first))
        .Bind(2, static_cast<int64_t>(span.first + span.count - 1));
  } else {
    st.Bind(1, NodeKey(span.base, span.first))
        .Bind(2, NodeKey(span.base, span.first + span.count - 1));
  }
  std::vector<ledger::Hash> hashes;
  hashes.reserve(span.count);
  BATTRACE_RETURN_IF_ERROR(st.ForEachRow([&](const Stmt& row) {
    hashes.push_back(HashFromBytes(row.Blob(0)));
    return true;
  }));
  return FoldNode(id, std::move(hashes));
}

}  // namespace battrace::store::sqlite_engine
