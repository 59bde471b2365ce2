// The PostgreSQL engine's SQL: the statements every session prepares, by name.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/str_cat.h"
#include "store/columns.h"
#include "store/epcis_sql.h"
#include "store/findings_query.h"
#include "store/history.h"
#include "store/list_query.h"
#include "store/postgres/pg_internal.h"
#include "store/registry_load.h"

namespace battrace::store::pg_engine {

using namespace common;  // NOLINT(google-build-using-namespace): the engines' shared parts

// A text[] literal for a parameter: {"a","b"} with quotes and backslashes escaped.
std::string ArrayLiteral(const std::vector<std::string>& values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out += ',';
    out += '"';
    for (char c : values[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

namespace {

std::string AssignExcluded(const std::string& columns, size_t key_columns) {
  std::string out;
  size_t index = 0;
  for (size_t at = 0; at <= columns.size();) {
    size_t end = columns.find(',', at);
    if (end == std::string::npos) end = columns.size();
    std::string name = columns.substr(at, end - at);
    name.erase(0, name.find_first_not_of(' '));
    if (index++ >= key_columns) {
      if (!out.empty()) out += ", ";
      out += StrCat(name, " = excluded.", name);
    }
    at = end + 1;
  }
  return out;
}

}  // namespace

Status PgStore::PrepareStatements() {
  const std::string b = kBatteryColumns, v = kVehicleColumns, r = kReportColumns,
                    o = kOutletColumns, m = kModelColumns, d = kDutyColumns, f = kFindingColumns,
                    a = kAuditColumns, t = kTokenColumns;
  // TallyFindings: the conditions of the lists' queries (common::ListSql), grouped.
  auto recorded = [](const std::string& month) {
    return "SELECT kind, authority_division, " + month +
           ", COUNT(*) FROM finding WHERE known_from < $1 "
           "AND (retracted_at IS NULL OR retracted_at >= $1) "
           "AND ($2::text IS NULL OR kind = $2) AND ($3::text IS NULL OR party = $3) "
           "AND ($4::text IS NULL OR authority_department = $4) "
           "AND ($5::bigint IS NULL OR known_from >= $5) "
           "AND ($6::bigint IS NULL OR known_from < $6) GROUP BY 1, 2, 3";
  };
  std::vector<std::pair<std::string, std::string>> statements = {
      // By reporter and id through report_key to the leaf, which names the one partition read.
      {"find_report", "SELECT " + r +
                          " FROM report WHERE leaf = (SELECT leaf FROM report_key WHERE "
                          "reporter = $1 AND id = $2)"},
      {"find_reports",
       "SELECT " + r +
           " FROM report WHERE leaf IN (SELECT leaf FROM report_key WHERE (reporter, id) IN "
           "(SELECT * FROM unnest($1::text[], $2::text[])))"},
      {"report_at", "SELECT " + r + " FROM report WHERE leaf = $1"},
      {"scan_reports", "SELECT " + r + " FROM report WHERE leaf >= $1 ORDER BY leaf LIMIT $2"},
      {"node_range", "SELECT hash FROM merkle_node WHERE node BETWEEN $1 AND $2 ORDER BY node"},
      {"leaf_hashes", "SELECT leaf_hash FROM report WHERE leaf BETWEEN $1 AND $2 ORDER BY leaf"},
      {"get_battery", "SELECT " + b + " FROM battery WHERE code = $1"},
      {"get_batteries", "SELECT " + b + " FROM battery WHERE code = ANY($1::text[])"},
      {"get_vehicle", "SELECT " + v + " FROM vehicle WHERE vin = $1"},
      {"get_vehicles", "SELECT " + v + " FROM vehicle WHERE vin = ANY($1::text[])"},
      {"get_outlet", "SELECT " + o + " FROM outlet WHERE id = $1"},
      {"get_outlets", "SELECT " + o + " FROM outlet WHERE id = ANY($1::text[])"},
      {"get_model", "SELECT " + m + " FROM model WHERE maker = $1 AND model = $2"},
      {"get_models",
       "SELECT " + m +
           " FROM model WHERE (maker, model) IN (SELECT * FROM unnest($1::text[], $2::text[]))"},
      {"battery_events", "SELECT leaf FROM battery_event WHERE code = $1 ORDER BY leaf"},
      {"battery_history", std::string(kBatteryHistoryLeaves) + " ORDER BY leaf"},
      {"history_reports",
       "SELECT " + r + " FROM report WHERE leaf IN (" + kBatteryHistoryLeaves + ") ORDER BY leaf"},
      {"vehicle_history", "SELECT leaf FROM vehicle_event WHERE vin = $1 ORDER BY leaf"},
      {"in_vehicle", "SELECT " + b + " FROM battery WHERE vin = $1 ORDER BY code"},
      {"parts_of", "SELECT code FROM battery WHERE parent = $1 ORDER BY code"},
      {"insert_checkpoint",
       // A checkpoint of the same tree with a longer audit trail replaces the older one.
       "INSERT INTO checkpoint (size, created, note) VALUES ($1, $2, $3) ON CONFLICT (size) "
       "DO UPDATE SET created = excluded.created, note = excluded.note"},
      {"latest_checkpoint",
       "SELECT size, created, note FROM checkpoint ORDER BY size DESC LIMIT 1"},
      {"list_checkpoints", "SELECT size, created, note FROM checkpoint ORDER BY size"},
      {"checkpoint_note_for_update", "SELECT note FROM checkpoint WHERE size = $1 FOR UPDATE"},
      {"set_checkpoint_note", "UPDATE checkpoint SET note = $2 WHERE size = $1"},
      {"put_registry",
       "INSERT INTO registry (kind, key, division, record) VALUES ($1, $2, $3, $4) "
       "ON CONFLICT (kind, key) DO UPDATE SET division = excluded.division, "
       "record = excluded.record"},
      {"get_registry",
       "SELECT kind, key, division, record FROM registry WHERE kind = $1 AND key = $2"},
      {"all_registry", "SELECT kind, key, record FROM registry ORDER BY kind, key"},
      {"all_registry_versions",
       "SELECT " + std::string(kRegistryVersionColumns) + " FROM registry_version ORDER BY leaf"},
      {"insert_registry_version", "INSERT INTO registry_version (" +
                                      std::string(kRegistryVersionColumns) +
                                      ") VALUES ($1, $2, $3, $4, $5)"},
      {"registry_version", "SELECT CAST(value AS BIGINT) FROM meta WHERE key = 'registry_version'"},
      {"bump_registry_version",
       "UPDATE meta SET value = CAST(CAST(value AS BIGINT) + 1 AS TEXT) "
       "WHERE key = 'registry_version'"},
      {"insert_duty", "INSERT INTO obligation (" + d +
                          ", opened_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13) "
                          "ON CONFLICT DO NOTHING"},
      {"discharge",
       "UPDATE obligation SET discharged_at = $1, discharged_by = $2 WHERE subject = $3 "
       "AND party = $4 AND fulfils = $5 AND discharged_at IS NULL AND retracted_at IS NULL"},
      {"retract_duties",
       "UPDATE obligation SET retracted_at = $1 WHERE evidence = $2 "
       "AND discharged_at IS NULL AND retracted_at IS NULL"},
      {"retract_findings",
       "UPDATE finding SET retracted_at = $1 WHERE id IN "
       "(SELECT finding FROM finding_evidence WHERE evidence = $2) AND retracted_at IS NULL"},
      {"retract_sales",
       "UPDATE sale SET retracted_at = $1 WHERE evidence = $2 AND retracted_at IS NULL"},
      {"insert_correction",
       "INSERT INTO correction (original, leaf, correction) VALUES ($1, $2, $3) "
       "ON CONFLICT DO NOTHING"},
      {"corrected_by",
       "SELECT correction FROM correction WHERE original = $1 ORDER BY leaf DESC LIMIT 1"},
      {"insert_finding",
       "WITH f AS (INSERT INTO finding (" + f +
           ", known_from) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) RETURNING id) "
           "INSERT INTO finding_evidence (evidence, finding) "
           "SELECT e, f.id FROM f, unnest($11::text[]) AS e ON CONFLICT DO NOTHING"},
      {"tree_size", "SELECT COALESCE(MAX(leaf) + 1, 0) FROM report"},
      // A report whose key is missing or names another leaf, then a key naming no report with
      // that reporter and id: the first of each, by leaf.
      {"report_without_key",
       "SELECT r.leaf, r.reporter, r.id FROM report r LEFT JOIN report_key k ON k.leaf = r.leaf "
       "AND k.reporter = r.reporter AND k.id = r.id WHERE k.leaf IS NULL ORDER BY r.leaf LIMIT 1"},
      {"key_without_report",
       "SELECT k.leaf, k.reporter, k.id FROM report_key k LEFT JOIN report r ON r.leaf = k.leaf "
       "AND r.reporter = k.reporter AND r.id = k.id WHERE r.leaf IS NULL ORDER BY k.leaf LIMIT 1"},
      {"count_open_duties",
       "SELECT COUNT(*) FROM obligation WHERE discharged_at IS NULL AND retracted_at IS NULL"},
      {"outlets_in",
       "SELECT " + o + " FROM outlet WHERE division >= $1 AND division < $2 ORDER BY division, id"},
      {"list_batteries_all", ListBatteriesSql({})},
      {"list_batteries_party", ListBatteriesSql({.party = "", .division = std::nullopt})},
      {"list_batteries_division", ListBatteriesSql({.party = std::nullopt, .division = ""})},
      {"list_vehicles_all", ListVehiclesSql({})},
      {"list_vehicles_party", ListVehiclesSql({.party = "", .division = std::nullopt})},
      {"list_vehicles_division", ListVehiclesSql({.party = std::nullopt, .division = ""})},
      {"disassembly_info",
       "SELECT " + r + " FROM report WHERE type = 'model.disassembly_info' ORDER BY leaf"},
      {"model_declarations", "SELECT " + r +
                                 " FROM report WHERE type = 'battery_model.declared' AND "
                                 "reporter = $1 ORDER BY leaf"},
      {"batteries_by_serial",
       "SELECT " + b + " FROM battery WHERE serial = $1 ORDER BY produced_leaf, code"},
      {"insert_token", "INSERT INTO token (" + t + ") VALUES ($1, $2, $3, $4, $5)"},
      {"find_token", "SELECT " + t + " FROM token WHERE hash = $1"},
      {"revoke_token", "UPDATE token SET revoked = $1 WHERE hash = $2 AND revoked IS NULL"},
      {"list_tokens", "SELECT " + t +
                          " FROM token WHERE created < $1 OR (created = $1 AND hash < $2) "
                          "ORDER BY created DESC, hash DESC LIMIT $3"},
      {"tokens_by_prefix",
       "SELECT " + t + " FROM token WHERE hash BETWEEN $1 AND $2 ORDER BY hash LIMIT $3"},
      {"last_audit", "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1"},
      {"insert_audit", "INSERT INTO audit (" + a + ") VALUES ($1,$2,$3,$4,$5,$6,$7,$8)"},
      {"list_audit", "SELECT " + a + " FROM audit WHERE seq > $1 ORDER BY seq LIMIT $2"},
      {"list_audit_newest",
       "SELECT " + a + " FROM audit WHERE seq < $1 ORDER BY seq DESC LIMIT $2"},
      {"lock", "SELECT pg_advisory_xact_lock($1, $2)"},
      {"partition", "SELECT battrace_partition($1)"},
      {"last_epcis_seq", "SELECT COALESCE(MAX(seq), 0) FROM epcis_event"},
      // A capture in one statement: the events that are not duplicates, then the EPC index
      // rows of those stored; the seqs stored come back.
      {"capture_epcis",
       StrCat("WITH ins AS (INSERT INTO epcis_event (", kEpcisEventColumns,
              ") SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], "
              "$5::text[], $6::text[], $7::text[], $8::text[], $9::bigint[], $10::bigint[], "
              "$11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[]) "
              "ON CONFLICT (owner, dedup) DO NOTHING RETURNING seq), "
              "epcs AS (INSERT INTO epcis_epc (epc, role, event) SELECT x.epc, x.role, x.event "
              "FROM unnest($17::text[], $18::text[], $19::bigint[]) AS x(epc, role, event) "
              "WHERE x.event IN (SELECT seq FROM ins) ON CONFLICT DO NOTHING) "
              "SELECT seq FROM ins ORDER BY seq")},
      {"insert_epcis_job",
       StrCat("INSERT INTO epcis_job (", kEpcisJobColumns, ") VALUES ($1, $2, $3, $4, $5)")},
      {"get_epcis_job",
       StrCat("SELECT ", kEpcisJobColumns, " FROM epcis_job WHERE capture_id = $1")},
      {"epcis_events_by_id",
       StrCat("SELECT ", kEpcisEventColumns, " FROM epcis_event WHERE event_id = $1 ORDER BY seq")},
      {"try_lock", "SELECT pg_try_advisory_lock($1, $2)::int"},
      {"upsert_batteries", "INSERT INTO battery (" + b + ") SELECT " + b +
                               " FROM battery_stage ON CONFLICT (code) DO UPDATE SET " +
                               AssignExcluded(b, 1)},
      {"upsert_vehicles", "INSERT INTO vehicle (" + v + ") SELECT " + v +
                              " FROM vehicle_stage ON CONFLICT (vin) DO UPDATE SET " +
                              AssignExcluded(v, 1)},
      {"upsert_outlets", "INSERT INTO outlet (" + o + ") SELECT " + o +
                             " FROM outlet_stage ON CONFLICT (id) DO UPDATE SET " +
                             AssignExcluded(o, 1)},
      {"upsert_models", "INSERT INTO model (" + m + ") SELECT " + m +
                            " FROM model_stage ON CONFLICT (maker, model) DO UPDATE SET " +
                            AssignExcluded(m, 2)},
      {"insert_sales",
       "INSERT INTO sale SELECT * FROM sale_stage ON CONFLICT (maker, division) DO UPDATE SET "
       "article = excluded.article, evidence = excluded.evidence, "
       "known_from = excluded.known_from, retracted_at = excluded.retracted_at "
       "WHERE sale.retracted_at IS NOT NULL"},
      {"tally_recorded", recorded("''")},
      // The Beijing month of known_from (microseconds, UTC): UTC+8 all year.
      {"tally_recorded_monthly",
       recorded("to_char(to_timestamp(known_from / 1000000 + 28800) AT TIME ZONE 'UTC', "
                "'YYYY-MM')")},
      {"tally_overdue",
       OverdueTallySql("obligation", "$2",
                       "AND due < $1 AND ($3::text IS NULL OR authority_department = $3) "
                       "AND ($4::text IS NULL OR due >= $4) AND ($5::text IS NULL OR due <= $5)")},
      {"tally_gaps",
       "SELECT s.maker, s.division, s.article, s.evidence, s.known_from FROM sale s "
       "WHERE s.known_from < $1 AND (s.retracted_at IS NULL OR s.retracted_at >= $1) "
       "AND ($2::text IS NULL OR $2::text = 'MIIT') "
       "AND ($3::bigint IS NULL OR s.known_from >= $3) "
       "AND ($4::bigint IS NULL OR s.known_from < $4) AND " +
           SaleUncoveredAt("$1")},
      {"last_sale", LastSaleSql("$1::bigint")},
      // The type is spelled out so that the planner uses the partial index report_outbound;
      // the bodies are summed in C++ (HandoverTallier), which decodes them.
      {"tally_handovers",
       "SELECT " + r +
           " FROM report WHERE type = 'battery.outbound' AND ($1::text IS NULL OR occurred >= $1) "
           "AND ($2::text IS NULL OR occurred <= $2)"},
      {"body_dictionary",
       StrCat("SELECT ", kBodyDictionaryColumns, " FROM body_dictionary WHERE id = $1")},
      {"latest_dictionary", "SELECT COALESCE(MAX(id), 0) FROM body_dictionary"},
      {"insert_dictionary",
       StrCat("INSERT INTO body_dictionary (", kBodyDictionaryColumns, ") VALUES ($1, $2, $3)")},
  };
  for (const ListQuery query : kListQueries) {
    statements.emplace_back(ListQueryName(query), ListSql(query, [](int n, std::string_view type) {
                              return StrCat("$", std::to_string(n), "::", type);
                            }));
  }
  for (const auto& [name, sql] : statements) {
    // The upserts read the temporary tables only a writer has.
    if (!writer_.has_key() && (std::string_view(name).starts_with("upsert_") ||
                               std::string_view(name) == "insert_sales")) {
      continue;
    }
    BATTRACE_RETURN_IF_ERROR(conn_.Prepare(name, sql));
  }
  return Status::Ok();
}

}  // namespace battrace::store::pg_engine
