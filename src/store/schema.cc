#include "store/schema.h"

#include <string_view>
#include <utility>

namespace battrace::store {

const std::vector<Migration>& Migrations() {
  static const std::vector<Migration> kMigrations = {
      {1, "ledger, registry and projections",
       R"sql(
CREATE TABLE meta (key {TEXT} PRIMARY KEY, value {TEXT} NOT NULL);

CREATE TABLE registry (
  kind {TEXT} NOT NULL,
  key {TEXT} NOT NULL,
  division {TEXT} NOT NULL,
  record {TEXT} NOT NULL,
  PRIMARY KEY (kind, key)
) {NOROWID};

CREATE TABLE report (
  leaf {I64PK},
  reporter {TEXT} NOT NULL,
  id {TEXT} NOT NULL,
  type {TEXT} NOT NULL,
  occurred {TEXT} NOT NULL,
  reported BIGINT NOT NULL,
  content_hash {BLOB} NOT NULL,
  leaf_hash {BLOB} NOT NULL,
  body {TEXT} NOT NULL
);
CREATE UNIQUE INDEX report_reporter_id ON report (reporter, id);

CREATE TABLE merkle_node (
  node {I64PK},
  hash {BLOB} NOT NULL
);

CREATE TABLE checkpoint (
  size {I64PK},
  created BIGINT NOT NULL,
  note {TEXT} NOT NULL
);

CREATE TABLE battery (
  code {TEXT} PRIMARY KEY,
  level {TEXT} NOT NULL,
  producer {TEXT},
  chemistry {TEXT},
  model {TEXT},
  parent {TEXT},
  custodian {TEXT},
  vin {TEXT},
  status {TEXT} NOT NULL,
  produced_leaf BIGINT NOT NULL,
  updated_leaf BIGINT NOT NULL
) {NOROWID};
CREATE INDEX battery_parent ON battery (parent) WHERE parent IS NOT NULL;
CREATE INDEX battery_vin ON battery (vin) WHERE vin IS NOT NULL;

CREATE TABLE vehicle (
  vin {TEXT} PRIMARY KEY,
  maker {TEXT},
  vehicle_type {TEXT},
  brand {TEXT},
  model {TEXT},
  name {TEXT},
  imported INTEGER NOT NULL,
  swappable INTEGER NOT NULL,
  sale_date {TEXT},
  sale_division {TEXT},
  scrapped_date {TEXT},
  scrap_certificate {TEXT},
  produced_leaf BIGINT NOT NULL,
  updated_leaf BIGINT NOT NULL
) {NOROWID};

CREATE TABLE battery_event (
  code {TEXT} NOT NULL,
  leaf BIGINT NOT NULL,
  PRIMARY KEY (code, leaf)
) {NOROWID};

CREATE TABLE vehicle_event (
  vin {TEXT} NOT NULL,
  leaf BIGINT NOT NULL,
  PRIMARY KEY (vin, leaf)
) {NOROWID};
)sql"},
      {2, "rules engine: outlets, models, obligations, findings, sales",
       R"sql(
ALTER TABLE battery ADD COLUMN id_complete INTEGER NOT NULL DEFAULT 0;
ALTER TABLE vehicle ADD COLUMN packs {TEXT} NOT NULL DEFAULT '';

CREATE TABLE outlet (
  id {TEXT} PRIMARY KEY,
  owner {TEXT} NOT NULL,
  division {TEXT} NOT NULL,
  closed INTEGER NOT NULL,
  registered_at BIGINT NOT NULL,
  closed_at BIGINT
) {NOROWID};
CREATE INDEX outlet_owner ON outlet (owner, division);

CREATE TABLE model (
  maker {TEXT} NOT NULL,
  model {TEXT} NOT NULL,
  first_produced {TEXT},
  has_disassembly_info INTEGER NOT NULL,
  PRIMARY KEY (maker, model)
) {NOROWID};

CREATE TABLE obligation (
  id {I64AUTO},
  kind {TEXT} NOT NULL,
  duty {TEXT} NOT NULL,
  article {TEXT} NOT NULL,
  party {TEXT} NOT NULL,
  subject {TEXT} NOT NULL,
  fulfils {TEXT} NOT NULL,
  anchor {TEXT} NOT NULL,
  due {TEXT} NOT NULL,
  evidence {TEXT} NOT NULL,
  authority_department {TEXT} NOT NULL,
  authority_division {TEXT} NOT NULL,
  detail {TEXT} NOT NULL,
  opened_at BIGINT NOT NULL,
  discharged_at BIGINT,
  discharged_by {TEXT},
  retracted_at BIGINT
);
CREATE UNIQUE INDEX obligation_open ON obligation (subject, party, kind, duty)
  WHERE discharged_at IS NULL AND retracted_at IS NULL;
CREATE INDEX obligation_open_due ON obligation (due)
  WHERE discharged_at IS NULL AND retracted_at IS NULL;
CREATE INDEX obligation_open_evidence ON obligation (evidence)
  WHERE discharged_at IS NULL AND retracted_at IS NULL;
CREATE INDEX obligation_discharged ON obligation (discharged_at) WHERE discharged_at IS NOT NULL;
CREATE INDEX obligation_retracted ON obligation (retracted_at) WHERE retracted_at IS NOT NULL;

CREATE TABLE finding (
  id {I64AUTO},
  kind {TEXT} NOT NULL,
  article {TEXT} NOT NULL,
  party {TEXT} NOT NULL,
  subject {TEXT} NOT NULL,
  due {TEXT},
  evidence {TEXT} NOT NULL,
  authority_department {TEXT} NOT NULL,
  authority_division {TEXT} NOT NULL,
  detail {TEXT} NOT NULL,
  known_from BIGINT NOT NULL,
  retracted_at BIGINT
);
CREATE INDEX finding_known_from ON finding (known_from);

CREATE TABLE finding_evidence (
  evidence {TEXT} NOT NULL,
  finding BIGINT NOT NULL,
  PRIMARY KEY (evidence, finding)
) {NOROWID};

CREATE TABLE sale (
  maker {TEXT} NOT NULL,
  division {TEXT} NOT NULL,
  article {TEXT} NOT NULL,
  evidence {TEXT} NOT NULL,
  known_from BIGINT NOT NULL,
  PRIMARY KEY (maker, division)
) {NOROWID};
)sql"},
      {3, "API tokens, audit trail, model information index",
       R"sql(
CREATE TABLE token (
  hash {BLOB} PRIMARY KEY,
  principal {TEXT} NOT NULL,
  created BIGINT NOT NULL,
  expires BIGINT NOT NULL,
  revoked BIGINT
) {NOROWID};

CREATE TABLE audit (
  seq {I64PK},
  at BIGINT NOT NULL,
  principal {TEXT} NOT NULL,
  action {TEXT} NOT NULL,
  record {TEXT} NOT NULL,
  purpose {TEXT} NOT NULL,
  request_id {TEXT} NOT NULL,
  hash {BLOB} NOT NULL
);

CREATE INDEX report_disassembly_info ON report (leaf) WHERE type = 'model.disassembly_info';
CREATE INDEX outlet_division ON outlet (division, id);

INSERT INTO meta (key, value) VALUES ('registry_version', '0');
)sql"},
      {4, "registry versions: each registry change is a ledger leaf, effective from a date",
       R"sql(
CREATE TABLE registry_version (
  kind {TEXT} NOT NULL,
  key {TEXT} NOT NULL,
  effective {TEXT} NOT NULL,
  leaf BIGINT NOT NULL,
  record {TEXT} NOT NULL,
  PRIMARY KEY (leaf)
) {NOROWID};
)sql"},
      {5,
       "corrections re-project: contested batteries, retracted sales, the corrections of each "
       "report",
       R"sql(
ALTER TABLE battery ADD COLUMN contested {TEXT};
ALTER TABLE sale ADD COLUMN retracted_at BIGINT;
CREATE TABLE correction (
  original {TEXT} NOT NULL,
  leaf BIGINT NOT NULL,
  correction {TEXT} NOT NULL,
  PRIMARY KEY (original, leaf)
) {NOROWID};
)sql"},
      {6, "the aggregates: findings and open duties counted from indexes, outbound reports by date",
       R"sql(
CREATE INDEX report_outbound ON report (occurred) WHERE type = 'battery.outbound';
CREATE INDEX finding_tally
  ON finding (kind, authority_division, known_from, retracted_at, party, authority_department);
CREATE INDEX obligation_open_tally
  ON obligation (due, kind, party, authority_department, authority_division, opened_at)
  WHERE discharged_at IS NULL AND retracted_at IS NULL;
DROP INDEX obligation_open_due;
)sql"},
      {7, "the lists of an enterprise's or a jurisdiction's batteries and vehicles",
       R"sql(
CREATE INDEX battery_custodian ON battery (custodian, code);
CREATE INDEX battery_producer ON battery (producer, code);
CREATE INDEX vehicle_maker ON vehicle (maker, vin);
)sql"},
      {8, "EU battery passport: model declarations by maker, batteries by GS1 serial",
       R"sql(
ALTER TABLE battery ADD COLUMN serial {TEXT};
CREATE INDEX battery_serial ON battery (serial) WHERE serial IS NOT NULL;
CREATE INDEX report_model_declared ON report (reporter, leaf)
  WHERE type = 'battery_model.declared';
)sql"},
      // Captured EPCIS events are not ledger data: they are kept as captured, outside the
      // Merkle tree, and nothing in them is derived from reports (Store::CaptureEpcis).
      {9, "EPCIS 2.0: captured events, their EPC index, capture jobs",
       R"sql(
CREATE TABLE epcis_event (
  seq {I64PK},
  event_id {TEXT} NOT NULL,
  hash {TEXT} NOT NULL,
  dedup {TEXT} NOT NULL,
  owner {TEXT} NOT NULL,
  owner_division {TEXT} NOT NULL,
  capture_id {TEXT} NOT NULL,
  type {TEXT} NOT NULL,
  event_time BIGINT NOT NULL,
  record_time BIGINT NOT NULL,
  action {TEXT} NOT NULL,
  biz_step {TEXT} NOT NULL,
  disposition {TEXT} NOT NULL,
  read_point {TEXT} NOT NULL,
  biz_location {TEXT} NOT NULL,
  body {TEXT} NOT NULL
);
CREATE UNIQUE INDEX epcis_event_dedup ON epcis_event (owner, dedup);
CREATE INDEX epcis_event_id ON epcis_event (event_id, seq);
CREATE INDEX epcis_event_owner ON epcis_event (owner, seq);
CREATE INDEX epcis_event_division ON epcis_event (owner_division, seq);

CREATE TABLE epcis_epc (
  epc {TEXT} NOT NULL,
  role {TEXT} NOT NULL,
  event BIGINT NOT NULL,
  PRIMARY KEY (epc, role, event)
) {NOROWID};

CREATE TABLE epcis_job (
  capture_id {TEXT} PRIMARY KEY,
  owner {TEXT} NOT NULL,
  created BIGINT NOT NULL,
  stored BIGINT NOT NULL,
  duplicates BIGINT NOT NULL
) {NOROWID};
)sql"},
      // Bodies stored before it stay as they are (raw JSON, which every reader decodes); the
      // first commit of a writer trains a dictionary when the ledger is large enough
      // (store/stored_body.h).
      {10, "report bodies compressed with zstd and dictionaries the store trains",
       R"sql(
{BODY_BYTES}
CREATE TABLE body_dictionary (
  id {I64PK},
  trained_at_leaf BIGINT NOT NULL,
  bytes {BLOB} NOT NULL
);
)sql"},
      // The ledger's largest tables in ranges of leaves on PostgreSQL (docs/operations.md);
      // nothing on SQLite.
      {11, "report and history tables partitioned by leaf range", "{PARTITIONS}"},
      // Each source of the findings and obligations lists is read in the order of its page
      // from where the page starts (store/findings_query.h). The columns after those of the
      // order are the lists' filters, read from the index without visiting the rows that fail
      // them; finding_by_date takes over from finding_known_from.
      {12, "the findings and obligations lists read in their order",
       R"sql(
DROP INDEX finding_known_from;
CREATE INDEX finding_by_kind ON finding
  (kind, party, subject, known_from, retracted_at, authority_division, authority_department);
CREATE INDEX finding_by_date ON finding
  (known_from, retracted_at, kind, party, authority_division, authority_department);
CREATE INDEX obligation_by_kind ON obligation
  (kind, party, subject, due, opened_at, discharged_at, retracted_at, authority_division,
   authority_department);
CREATE INDEX obligation_by_date ON obligation
  (due, kind, party, subject, opened_at, discharged_at, retracted_at, authority_division,
   authority_department);
CREATE INDEX obligation_by_due ON obligation
  (due, party, subject, opened_at, discharged_at, retracted_at, fulfils, authority_division);
)sql"},
      // The same orders for a filter on one party or (by kind) one department
      // (ListQuery's variants): a party's or a department's rows alone, in the order.
      {13, "the findings and obligations lists of one party or department",
       R"sql(
CREATE INDEX finding_by_party ON finding (party, kind, subject);
CREATE INDEX finding_by_department ON finding (authority_department, kind, party, subject);
CREATE INDEX obligation_by_party ON obligation (party, kind, subject);
CREATE INDEX obligation_by_department ON obligation
  (authority_department, kind, party, subject);
CREATE INDEX obligation_by_party_due ON obligation (party, due, subject);
)sql"},
      // The findings by date in the list's order within a day (kind, party, subject), so that
      // a page reads from its cursor on (store/findings_query.h); in the order of the instant,
      // a page read its cursor's whole day, a day being larger than a page at national scale.
      // The first column is the Beijing day of known_from (kDayOfFinding). finding_by_date has
      // no reader left.
      {14, "the findings by date read from the cursor within its day",
       R"sql(
DROP INDEX finding_by_date;
CREATE INDEX finding_by_day ON finding
  (((known_from + 28800000000) / 86400000000), kind, party, subject, known_from, retracted_at,
   authority_division, authority_department);
)sql"},
      // Every read of protected data appends to the audit trail. On SQLite, a commit to the store
      // file makes every other connection drop its cached pages of the file; in a file of its
      // own, the trail's commits leave the readers' caches of the store warm.
      {kAuditApartVersion, "the audit trail in a file of its own (SQLite)", "{AUDIT_APART}"},
  };
  return kMigrations;
}

int LatestSchemaVersion() {
  return Migrations().back().version;
}

const Dialect& SqliteDialect() {
  // INTEGER PRIMARY KEY is the rowid: given on insert, or the next one when omitted.
  static const Dialect kDialect{"INTEGER PRIMARY KEY",
                                "INTEGER PRIMARY KEY",
                                "BLOB",
                                "WITHOUT ROWID",
                                "TEXT",
                                "",
                                "",
                                "DROP TABLE IF EXISTS main.audit;"};
  return kDialect;
}

namespace {

// Migration 11 on PostgreSQL. report, battery_event and vehicle_event become tables partitioned
// by range of leaf, each partition meta('partition_leaves') leaves wide and named by its number
// (report_p0 holds leaves [0, width), report_p1 the next width, ...). The existing rows are
// copied into new tables, which takes the whole migration's time on a large store.
//
// A unique index of a partitioned table must hold the partition key, so the uniqueness of
// (reporter, id), which makes a report sent again a duplicate, is kept by report_key, a table
// of its own that the writer fills in the transaction that appends the reports; lookups by
// reporter and id go through it to the leaf.
//
// battrace_partition(leaf) creates the partitions up to the one holding `leaf`, above the
// highest that exists (a range detached and archived below it is not made again), and returns
// the end of that partition. The writer calls it in its transaction, as the role that owns the
// schema (SECURITY DEFINER: the application's role runs no DDL), with the search path fixed to
// the store's schema. A partition is created apart and then attached, which locks the
// partitioned table in SHARE UPDATE EXCLUSIVE mode: readers go on (CREATE TABLE ... PARTITION
// OF would lock them out until the writer commits).
constexpr const char* kPostgresPartitions = R"sql(
INSERT INTO meta (key, value) VALUES ('partition_leaves', '10000000') ON CONFLICT (key) DO NOTHING;

CREATE FUNCTION battrace_partition(leaf BIGINT) RETURNS BIGINT
LANGUAGE plpgsql SECURITY DEFINER AS $$
DECLARE
  width CONSTANT BIGINT := (SELECT CAST(value AS BIGINT) FROM meta WHERE key = 'partition_leaves');
  top CONSTANT INTEGER := leaf / width;
  below INTEGER := top;
  t TEXT;
BEGIN
  WHILE below >= 0 AND to_regclass(format('report_p%s', below)) IS NULL LOOP
    below := below - 1;
  END LOOP;
  FOR k IN below + 1 .. top LOOP
    FOREACH t IN ARRAY ARRAY['report', 'battery_event', 'vehicle_event'] LOOP
      EXECUTE format('CREATE TABLE %I (LIKE %I)', t || '_p' || k, t);
      EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES FROM (%s) TO (%s)', t,
                     t || '_p' || k, k * width, (k + 1) * width);
    END LOOP;
  END LOOP;
  RETURN (top + 1) * width;
END
$$;
DO $$
BEGIN
  EXECUTE format('ALTER FUNCTION battrace_partition(BIGINT) SET search_path = %I, pg_temp',
                 current_schema());
END
$$;
REVOKE EXECUTE ON FUNCTION battrace_partition(BIGINT) FROM PUBLIC;

ALTER TABLE report RENAME TO report_unpartitioned;
ALTER TABLE battery_event RENAME TO battery_event_unpartitioned;
ALTER TABLE vehicle_event RENAME TO vehicle_event_unpartitioned;
CREATE TABLE report (LIKE report_unpartitioned) PARTITION BY RANGE (leaf);
CREATE TABLE battery_event (LIKE battery_event_unpartitioned) PARTITION BY RANGE (leaf);
CREATE TABLE vehicle_event (LIKE vehicle_event_unpartitioned) PARTITION BY RANGE (leaf);
SELECT battrace_partition(COALESCE(MAX(leaf), 0)) FROM report_unpartitioned;
INSERT INTO report SELECT * FROM report_unpartitioned;
INSERT INTO battery_event SELECT * FROM battery_event_unpartitioned;
INSERT INTO vehicle_event SELECT * FROM vehicle_event_unpartitioned;

CREATE TABLE report_key (
  reporter TEXT COLLATE "C" NOT NULL,
  id TEXT COLLATE "C" NOT NULL,
  leaf BIGINT NOT NULL,
  PRIMARY KEY (reporter, id)
);
INSERT INTO report_key (reporter, id, leaf) SELECT reporter, id, leaf FROM report_unpartitioned;

DROP TABLE report_unpartitioned, battery_event_unpartitioned, vehicle_event_unpartitioned;
ALTER TABLE report ADD PRIMARY KEY (leaf);
ALTER TABLE battery_event ADD PRIMARY KEY (code, leaf);
ALTER TABLE vehicle_event ADD PRIMARY KEY (vin, leaf);
CREATE INDEX report_disassembly_info ON report (leaf) WHERE type = 'model.disassembly_info';
CREATE INDEX report_outbound ON report (occurred) WHERE type = 'battery.outbound';
CREATE INDEX report_model_declared ON report (reporter, leaf)
  WHERE type = 'battery_model.declared';
)sql";

}  // namespace

const Dialect& PostgresDialect() {
  static const Dialect kDialect{
      "BIGINT PRIMARY KEY",
      "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
      "BYTEA",
      "",
      "TEXT COLLATE \"C\"",
      "ALTER TABLE report ALTER COLUMN body TYPE BYTEA USING convert_to(body, 'UTF8');",
      kPostgresPartitions,
      "COMMENT ON TABLE audit IS 'one entry per read of protected data, hash-chained';"};
  return kDialect;
}

std::string RenderSql(const std::string& sql, const Dialect& dialect) {
  const std::pair<std::string_view, const std::string*> kPlaceholders[] = {
      {"{I64PK}", &dialect.i64pk},
      {"{I64AUTO}", &dialect.i64auto},
      {"{BLOB}", &dialect.blob},
      {"{NOROWID}", &dialect.norowid},
      {"{TEXT}", &dialect.text},
      {"{BODY_BYTES}", &dialect.body_bytes},
      {"{PARTITIONS}", &dialect.partitions},
      {"{AUDIT_APART}", &dialect.audit_apart}};
  std::string out;
  out.reserve(sql.size());
  for (size_t i = 0; i < sql.size();) {
    bool replaced = false;
    for (const auto& [name, value] : kPlaceholders) {
      if (sql.compare(i, name.size(), name) == 0) {
        out += *value;
        i += name.size();
        replaced = true;
        break;
      }
    }
    if (!replaced) out += sql[i++];
  }
  return out;
}

}  // namespace battrace::store
