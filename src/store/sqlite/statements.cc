// The SQLite engine's statements, prepared once per connection.

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
#include "store/epcis_sql.h"
#include "store/findings_query.h"
#include "store/history.h"
#include "store/ledger_writer.h"
#include "store/open.h"
#include "store/registry_load.h"
#include "store/rows.h"
#include "store/schema.h"
#include "store/sqlite/sqlite.h"
#include "store/sqlite/sqlite_internal.h"
#include "store/sqlite/wal_checkpointer.h"
#include "store/tables.h"

namespace battrace::store::sqlite_engine {

Status SqliteStore::PrepareStatements() {
  auto prep = [&](std::optional<Stmt>& slot, const std::string& sql) -> Status {
    auto st = db_.Prepare(sql);
    if (!st.ok()) return st.status();
    slot.emplace(std::move(st).value());
    return Status::Ok();
  };
  const std::string b = kBatteryColumns, v = kVehicleColumns, r = kReportColumns;
  BATTRACE_RETURN_IF_ERROR(prep(insert_report_, "INSERT INTO report (" + r +
                                                    ") VALUES (?,?,?,?,?,?,?,?,?) "
                                                    "ON CONFLICT (reporter, id) DO NOTHING"));
  BATTRACE_RETURN_IF_ERROR(
      prep(find_report_, "SELECT " + r + " FROM report WHERE reporter = ? AND id = ?"));
  BATTRACE_RETURN_IF_ERROR(prep(report_at_, "SELECT " + r + " FROM report WHERE leaf = ?"));
  BATTRACE_RETURN_IF_ERROR(
      prep(scan_reports_, "SELECT " + r + " FROM report WHERE leaf >= ? ORDER BY leaf"));
  BATTRACE_RETURN_IF_ERROR(
      prep(insert_node_, "INSERT INTO merkle_node (node, hash) VALUES (?, ?)"));
  BATTRACE_RETURN_IF_ERROR(
      prep(node_range_, "SELECT hash FROM merkle_node WHERE node BETWEEN ? AND ? ORDER BY node"));
  BATTRACE_RETURN_IF_ERROR(
      prep(leaf_hashes_, "SELECT leaf_hash FROM report WHERE leaf BETWEEN ? AND ? ORDER BY leaf"));
  BATTRACE_RETURN_IF_ERROR(prep(
      upsert_battery_,
      "INSERT INTO battery (" + b +
          ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT (code) DO UPDATE SET "
          "level = excluded.level, producer = excluded.producer, chemistry = excluded.chemistry, "
          "model = excluded.model, parent = excluded.parent, custodian = excluded.custodian, "
          "vin = excluded.vin, status = excluded.status, produced_leaf = excluded.produced_leaf, "
          "updated_leaf = excluded.updated_leaf, id_complete = excluded.id_complete, "
          "contested = excluded.contested, serial = excluded.serial"));
  BATTRACE_RETURN_IF_ERROR(prep(
      upsert_vehicle_,
      "INSERT INTO vehicle (" + v +
          ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT (vin) DO UPDATE SET "
          "maker = excluded.maker, vehicle_type = excluded.vehicle_type, brand = excluded.brand, "
          "model = excluded.model, name = excluded.name, imported = excluded.imported, "
          "swappable = excluded.swappable, sale_date = excluded.sale_date, "
          "sale_division = excluded.sale_division, scrapped_date = excluded.scrapped_date, "
          "scrap_certificate = excluded.scrap_certificate, "
          "produced_leaf = excluded.produced_leaf, updated_leaf = excluded.updated_leaf, "
          "packs = excluded.packs"));
  BATTRACE_RETURN_IF_ERROR(prep(get_battery_, "SELECT " + b + " FROM battery WHERE code = ?"));
  BATTRACE_RETURN_IF_ERROR(prep(get_vehicle_, "SELECT " + v + " FROM vehicle WHERE vin = ?"));
  BATTRACE_RETURN_IF_ERROR(prep(battery_event_,
                                "INSERT INTO battery_event (code, leaf) VALUES (?, ?) "
                                "ON CONFLICT DO NOTHING"));
  BATTRACE_RETURN_IF_ERROR(prep(vehicle_event_,
                                "INSERT INTO vehicle_event (vin, leaf) VALUES (?, ?) "
                                "ON CONFLICT DO NOTHING"));
  BATTRACE_RETURN_IF_ERROR(
      prep(battery_events_, "SELECT leaf FROM battery_event WHERE code = ? ORDER BY leaf"));
  BATTRACE_RETURN_IF_ERROR(
      prep(battery_history_, std::string(kBatteryHistoryLeaves) + " ORDER BY leaf"));
  BATTRACE_RETURN_IF_ERROR(prep(history_reports_, "SELECT " + r + " FROM report WHERE leaf IN (" +
                                                      kBatteryHistoryLeaves + ") ORDER BY leaf"));
  BATTRACE_RETURN_IF_ERROR(
      prep(vehicle_history_, "SELECT leaf FROM vehicle_event WHERE vin = ? ORDER BY leaf"));
  BATTRACE_RETURN_IF_ERROR(
      prep(in_vehicle_, "SELECT " + b + " FROM battery WHERE vin = ? ORDER BY code"));
  BATTRACE_RETURN_IF_ERROR(
      prep(parts_of_, "SELECT code FROM battery WHERE parent = ? ORDER BY code"));
  BATTRACE_RETURN_IF_ERROR(
      prep(insert_checkpoint_,
           // A checkpoint of the same tree with a longer audit trail replaces the older one.
           std::string("INSERT INTO checkpoint (") + rows::kColumnsOf<tables::kCheckpoint> +
               ") VALUES (?, ?, ?) ON CONFLICT (size) "
               "DO UPDATE SET created = excluded.created, note = excluded.note"));
  BATTRACE_RETURN_IF_ERROR(prep(
      put_registry_, std::string("INSERT INTO registry (") + rows::kColumnsOf<tables::kRegistry> +
                         ") VALUES (?, ?, ?, ?) ON CONFLICT (kind, key) DO UPDATE SET "
                         "division = excluded.division, record = excluded.record"));
  BATTRACE_RETURN_IF_ERROR(prep(get_registry_, std::string("SELECT ") +
                                                   rows::kColumnsOf<tables::kRegistry> +
                                                   " FROM registry WHERE kind = ? AND key = ?"));
  BATTRACE_RETURN_IF_ERROR(
      prep(all_registry_, "SELECT kind, key, record FROM registry ORDER BY kind, key"));
  const std::string rv = kRegistryVersionColumns;
  BATTRACE_RETURN_IF_ERROR(
      prep(all_registry_versions_, "SELECT " + rv + " FROM registry_version ORDER BY leaf"));
  BATTRACE_RETURN_IF_ERROR(prep(insert_registry_version_,
                                "INSERT INTO registry_version (" + rv + ") VALUES (?,?,?,?,?)"));

  const std::string o = kOutletColumns, m = kModelColumns, d = kDutyColumns, f = kFindingColumns;
  BATTRACE_RETURN_IF_ERROR(
      prep(upsert_outlet_, "INSERT INTO outlet (" + o +
                               ") VALUES (?,?,?,?,?,?) ON CONFLICT (id) DO UPDATE SET "
                               "owner = excluded.owner, division = excluded.division, "
                               "closed = excluded.closed, registered_at = "
                               "excluded.registered_at, closed_at = excluded.closed_at"));
  BATTRACE_RETURN_IF_ERROR(prep(get_outlet_, "SELECT " + o + " FROM outlet WHERE id = ?"));
  BATTRACE_RETURN_IF_ERROR(
      prep(upsert_model_, "INSERT INTO model (" + m +
                              ") VALUES (?,?,?,?) ON CONFLICT (maker, model) DO UPDATE SET "
                              "first_produced = excluded.first_produced, "
                              "has_disassembly_info = excluded.has_disassembly_info"));
  BATTRACE_RETURN_IF_ERROR(
      prep(get_model_, "SELECT " + m + " FROM model WHERE maker = ? AND model = ?"));
  // A duty already open with the same subject, party, kind and duty key stays the only one
  // (the partial unique index obligation_open).
  BATTRACE_RETURN_IF_ERROR(prep(insert_duty_, "INSERT INTO obligation (" + d +
                                                  ", opened_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?) "
                                                  "ON CONFLICT DO NOTHING"));
  // Most reports that could discharge a duty find none: a read finds the few that do (through
  // obligation_open), then each is updated by its key.
  BATTRACE_RETURN_IF_ERROR(
      prep(open_duties_for_,
           "SELECT id FROM obligation WHERE subject = ?1 AND party = ?2 "
           "AND fulfils = ?3 AND discharged_at IS NULL AND retracted_at IS NULL"));
  BATTRACE_RETURN_IF_ERROR(prep(
      discharge_, "UPDATE obligation SET discharged_at = ?1, discharged_by = ?2 WHERE id = ?3"));
  BATTRACE_RETURN_IF_ERROR(prep(retract_duties_,
                                "UPDATE obligation SET retracted_at = ?1 WHERE evidence = ?2 "
                                "AND discharged_at IS NULL AND retracted_at IS NULL"));
  BATTRACE_RETURN_IF_ERROR(prep(retract_findings_,
                                "UPDATE finding SET retracted_at = ?1 WHERE id IN "
                                "(SELECT finding FROM finding_evidence WHERE evidence = ?2) "
                                "AND retracted_at IS NULL"));
  BATTRACE_RETURN_IF_ERROR(prep(retract_sales_,
                                "UPDATE sale SET retracted_at = ?1 WHERE evidence = ?2 "
                                "AND retracted_at IS NULL"));
  BATTRACE_RETURN_IF_ERROR(prep(insert_correction_,
                                "INSERT INTO correction (original, leaf, correction) "
                                "VALUES (?, ?, ?) ON CONFLICT DO NOTHING"));
  BATTRACE_RETURN_IF_ERROR(prep(corrected_by_,
                                "SELECT correction FROM correction WHERE original = ? "
                                "ORDER BY leaf DESC LIMIT 1"));
  BATTRACE_RETURN_IF_ERROR(prep(
      insert_finding_, "INSERT INTO finding (" + f + ", known_from) VALUES (?,?,?,?,?,?,?,?,?,?)"));
  BATTRACE_RETURN_IF_ERROR(prep(insert_finding_evidence_,
                                "INSERT INTO finding_evidence (evidence, finding) VALUES (?, ?) "
                                "ON CONFLICT DO NOTHING"));
  BATTRACE_RETURN_IF_ERROR(
      prep(insert_sale_, std::string("INSERT INTO sale (") + rows::kColumnsOf<tables::kSale> +
                             ") VALUES (?,?,?,?,?,?) "
                             "ON CONFLICT (maker, division) DO UPDATE SET "
                             "article = excluded.article, evidence = excluded.evidence, "
                             "known_from = excluded.known_from, "
                             "retracted_at = excluded.retracted_at "
                             "WHERE sale.retracted_at IS NOT NULL"));
  for (const ListQuery query : kListQueries) {
    BATTRACE_ASSIGN_OR_RETURN(st, db_.Prepare(ListSql(query, [](int n, std::string_view) {
      return "?" + std::to_string(n);
    })));
    list_queries_.insert_or_assign(query, std::move(st));
  }

  // The last leaf through the primary key: one B-tree descent.
  BATTRACE_RETURN_IF_ERROR(prep(tree_size_, "SELECT COALESCE(MAX(leaf) + 1, 0) FROM report"));
  BATTRACE_RETURN_IF_ERROR(
      prep(registry_version_of_,
           "SELECT CAST(value AS BIGINT) FROM meta WHERE key = 'registry_version'"));
  BATTRACE_RETURN_IF_ERROR(prep(bump_registry_version_,
                                "UPDATE meta SET value = CAST(CAST(value AS BIGINT) + 1 AS TEXT) "
                                "WHERE key = 'registry_version'"));
  // Answered from a partial index on open duties, without reading the table.
  BATTRACE_RETURN_IF_ERROR(
      prep(count_open_duties_,
           "SELECT COUNT(*) FROM obligation WHERE discharged_at IS NULL AND retracted_at IS NULL"));
  BATTRACE_RETURN_IF_ERROR(prep(outlets_in_, "SELECT " + o +
                                                 " FROM outlet WHERE division >= ?1 AND "
                                                 "division < ?2 ORDER BY division, id"));
  // The type is spelled out (not bound) so that the planner can use the partial index
  // report_disassembly_info instead of scanning report.
  BATTRACE_RETURN_IF_ERROR(
      prep(disassembly_info_, "SELECT " + r +
                                  " FROM report WHERE type = 'model.disassembly_info' "
                                  "ORDER BY leaf"));
  BATTRACE_RETURN_IF_ERROR(
      prep(model_declarations_, "SELECT " + r +
                                    " FROM report WHERE type = 'battery_model.declared' AND "
                                    "reporter = ?1 ORDER BY leaf"));
  BATTRACE_RETURN_IF_ERROR(prep(batteries_by_serial_, "SELECT " + b +
                                                          " FROM battery WHERE serial = ? "
                                                          "ORDER BY produced_leaf, code"));
  BATTRACE_RETURN_IF_ERROR(prep(
      insert_token_, std::string("INSERT INTO token (") + kTokenColumns + ") VALUES (?,?,?,?,?)"));
  BATTRACE_RETURN_IF_ERROR(
      prep(find_token_, std::string("SELECT ") + kTokenColumns + " FROM token WHERE hash = ?"));
  BATTRACE_RETURN_IF_ERROR(
      prep(revoke_token_, "UPDATE token SET revoked = ?1 WHERE hash = ?2 AND revoked IS NULL"));
  BATTRACE_RETURN_IF_ERROR(
      prep(list_tokens_, "SELECT " + std::string(kTokenColumns) +
                             " FROM token WHERE created < ?1 OR (created = ?1 AND hash < ?2) "
                             "ORDER BY created DESC, hash DESC LIMIT ?3"));
  BATTRACE_RETURN_IF_ERROR(prep(tokens_by_prefix_, "SELECT " + std::string(kTokenColumns) +
                                                       " FROM token WHERE hash BETWEEN ?1 AND ?2 "
                                                       "ORDER BY hash LIMIT ?3"));
  BATTRACE_RETURN_IF_ERROR(
      prep(last_audit_, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1"));
  BATTRACE_RETURN_IF_ERROR(prep(insert_audit_, "INSERT INTO audit (" + std::string(kAuditColumns) +
                                                   ") VALUES (?,?,?,?,?,?,?,?)"));
  BATTRACE_RETURN_IF_ERROR(prep(list_audit_, "SELECT " + std::string(kAuditColumns) +
                                                 " FROM audit WHERE seq > ? ORDER BY seq LIMIT ?"));
  BATTRACE_RETURN_IF_ERROR(
      prep(list_audit_newest_, "SELECT " + std::string(kAuditColumns) +
                                   " FROM audit WHERE seq < ? ORDER BY seq DESC LIMIT ?"));
  // TallyFindings: the conditions of findings_at_, overdue_at_ and sales_at_, grouped; the
  // findings and the open duties are counted from the covering indexes finding_tally and
  // obligation_open_tally, without reading the tables' rows, and in their order, without a
  // sort (the findings by kind and division; by month, the months are sorted within them).
  auto recorded = [](const std::string& month, const std::string& groups) {
    return "SELECT kind, authority_division, " + month +
           ", COUNT(*) FROM finding INDEXED BY finding_tally WHERE known_from < ?1 "
           "AND (retracted_at IS NULL OR retracted_at >= ?1) "
           "AND (?2 IS NULL OR kind = ?2) AND (?3 IS NULL OR party = ?3) "
           "AND (?4 IS NULL OR authority_department = ?4) "
           "AND (?5 IS NULL OR known_from >= ?5) AND (?6 IS NULL OR known_from < ?6) "
           "GROUP BY " +
           groups;
  };
  BATTRACE_RETURN_IF_ERROR(prep(tally_recorded_, recorded("''", "1, 2")));
  // The Beijing month of known_from (microseconds, UTC): UTC+8 all year.
  BATTRACE_RETURN_IF_ERROR(
      prep(tally_recorded_monthly_,
           recorded("strftime('%Y-%m', known_from / 1000000 + 28800, 'unixepoch')", "1, 2, 3")));
  BATTRACE_RETURN_IF_ERROR(
      prep(tally_overdue_,
           OverdueTallySql("obligation INDEXED BY obligation_open_tally", "?2",
                           "AND due < ?1 AND (?3 IS NULL OR authority_department = ?3) "
                           "AND (?4 IS NULL OR due >= ?4) AND (?5 IS NULL OR due <= ?5)")));
  BATTRACE_RETURN_IF_ERROR(
      prep(tally_gaps_,
           "SELECT s.maker, s.division, s.article, s.evidence, s.known_from FROM sale s "
           "WHERE s.known_from < ?1 AND (s.retracted_at IS NULL OR s.retracted_at >= ?1) "
           "AND (?2 IS NULL OR ?2 = 'MIIT') AND (?3 IS NULL OR s.known_from >= ?3) "
           "AND (?4 IS NULL OR s.known_from < ?4) AND " +
               SaleUncoveredAt("?1")));
  BATTRACE_RETURN_IF_ERROR(prep(last_sale_, LastSaleSql("?1")));
  // The type is spelled out so that the partial index report_outbound applies; the bodies are
  // summed in C++ (HandoverTallier), which decodes them.
  BATTRACE_RETURN_IF_ERROR(
      prep(tally_handovers_, "SELECT " + r +
                                 " FROM report INDEXED BY report_outbound WHERE type = "
                                 "'battery.outbound' AND (?1 IS NULL OR occurred >= ?1) "
                                 "AND (?2 IS NULL OR occurred <= ?2)"));
  const std::string dc = kBodyDictionaryColumns;
  BATTRACE_RETURN_IF_ERROR(
      prep(dictionary_, "SELECT " + dc + " FROM body_dictionary WHERE id = ?"));
  BATTRACE_RETURN_IF_ERROR(
      prep(latest_dictionary_, "SELECT COALESCE(MAX(id), 0) FROM body_dictionary"));
  BATTRACE_RETURN_IF_ERROR(
      prep(insert_dictionary_, "INSERT INTO body_dictionary (" + dc + ") VALUES (?, ?, ?)"));
  const std::string ev = kEpcisEventColumns;
  BATTRACE_RETURN_IF_ERROR(prep(last_epcis_seq_, "SELECT COALESCE(MAX(seq), 0) FROM epcis_event"));
  BATTRACE_RETURN_IF_ERROR(
      prep(insert_epcis_event_, "INSERT INTO epcis_event (" + ev +
                                    ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) "
                                    "ON CONFLICT (owner, dedup) DO NOTHING"));
  BATTRACE_RETURN_IF_ERROR(prep(insert_epcis_epc_,
                                "INSERT INTO epcis_epc (epc, role, event) VALUES (?, ?, ?) "
                                "ON CONFLICT DO NOTHING"));
  BATTRACE_RETURN_IF_ERROR(
      prep(insert_epcis_job_,
           std::string("INSERT INTO epcis_job (") + kEpcisJobColumns + ") VALUES (?, ?, ?, ?, ?)"));
  BATTRACE_RETURN_IF_ERROR(prep(get_epcis_job_, std::string("SELECT ") + kEpcisJobColumns +
                                                    " FROM epcis_job WHERE capture_id = ?"));
  BATTRACE_RETURN_IF_ERROR(prep(
      epcis_events_by_id_, "SELECT " + ev + " FROM epcis_event WHERE event_id = ? ORDER BY seq"));
  return Status::Ok();
}

}  // namespace battrace::store::sqlite_engine
