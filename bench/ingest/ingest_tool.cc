// The ingest benchmark's helper program (bench/ingest/run.sh drives it):
//   ingest_tool generate N FILE REGISTRY
//                                 writes N reports (NDJSON, with `reported` times for --replay,
//                                 never decreasing):
//                                 a realistic mix of cell/module/pack production, vehicles
//                                 produced and sold, replacements, transfers, recycling; and
//                                 the registry of the enterprises they name
//   ingest_tool baseline DB FILE  the baseline: inserts the same report rows (same columns, same
//                                 unique index on reporter and id, same batch size and pragmas)
//                                 into a bare SQLite table, with no parsing, validation,
//                                 hashing, ledger or projections
//   ingest_tool baseline-pg CONNINFO FILE
//                                 the same for PostgreSQL: COPY of the same rows, in
//                                 transactions of the same batch size, into a bare table with
//                                 the same primary key and unique index
// Deterministic for a given N.
#include <sqlite3.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "core/battery_code.h"
#include "core/date.h"
#include "core/uscc.h"
#include "core/vin.h"
#include "store/postgres/pg.h"

namespace battrace {
namespace {

std::string MakeUscc(uint32_t n) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "91440300%09u", n % 1000000000u);
  std::string first17(buf, 17);
  return first17 + Uscc::ComputeCheckCharacter(first17);
}

// WMI "LGX", a 5-digit VDS, the check digit, model year 'R' (2024), plant 'A', a 6-digit serial.
std::string MakeVin(uint64_t n) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "LGX%05llu0RA%06llu",
                static_cast<unsigned long long>(n / 1000000 % 100000),
                static_cast<unsigned long long>(n % 1000000));
  std::string vin(buf, 17);
  vin[8] = Vin::ComputeCheckDigit(vin);
  return vin;
}

class Generator {
 public:
  explicit Generator(std::ostream& out) : out_(out), rng_(20260401) {}

  void Run(uint64_t n) {
    limit_ = n;
    while (written_ < limit_)
      Vehicle();
  }

 private:
  std::string Code(ProductType t, Date d) {
    char serial[16], trace[16];
    std::snprintf(serial, sizeof serial, "%07llu",
                  static_cast<unsigned long long>(serial_ % 10000000));
    std::snprintf(trace, sizeof trace, "%07llu",
                  static_cast<unsigned long long>(serial_ / 10000000));
    ++serial_;
    auto code = BatteryCode::Compose(maker_code_, t, 'B', "24", trace, d, serial);
    return code.ok() ? code->str() : std::string();
  }

  // Writes one report, unless the requested count is reached.
  void Emit(nlohmann::json r, Date occurred, int64_t reported_offset_s) {
    if (written_ >= limit_) return;
    r["id"] = "r" + std::to_string(written_);
    r["occurred"] = occurred.ToString();
    // Never before the previous report's: a file replayed into a store that holds reports must
    // not go back in time (docs/ledger-format.md, "Replayed receipt times").
    const Instant reported = std::max<Instant>(
        EndOfBeijingDay(occurred) - 3600LL * 1000000 * 12 + reported_offset_s * 1000000,
        last_reported_);
    last_reported_ = reported;
    r["reported"] = FormatTimestamp(reported);
    out_ << r.dump() << "\n";
    ++written_;
  }

  void Vehicle() {
    const Date day = Date::FromDays(Date::FromYmd(2026, 4, 1)->days_since_epoch() +
                                    static_cast<int32_t>(vehicle_ / 2000 % 200));
    const std::string battery_maker = MakeUscc(1000 + vehicle_ % 7);
    const std::string vehicle_maker = MakeUscc(2000 + vehicle_ % 5);
    const std::string repair = MakeUscc(3000 + vehicle_ % 11);
    const std::string recycler = MakeUscc(4000 + vehicle_ % 3);
    maker_code_ = "0" + std::string(1, static_cast<char>('A' + vehicle_ % 7)) + "1";
    std::vector<std::string> modules;
    for (int m = 0; m < 4; ++m) {
      std::vector<std::string> cells;
      for (int c = 0; c < 6; ++c) {
        cells.push_back(Code(ProductType::kCell, day));
        Emit({{"type", "battery.produced"},
              {"reporter", battery_maker},
              {"code", cells.back()},
              {"model", "LFP-280"},
              {"rated_capacity_ah", 280},
              {"nominal_voltage_v", 3.2},
              {"rated_energy_kwh", 0.896},
              {"mass_kg", 5.4},
              {"materials", {{"li_kg", 0.11}, {"co_kg", 0}, {"ni_kg", 0}, {"mn_kg", 0}}}},
             day, c);
      }
      modules.push_back(Code(ProductType::kModule, day));
      Emit({{"type", "battery.produced"},
            {"reporter", battery_maker},
            {"code", modules.back()},
            {"parts", cells},
            {"model", "M6"},
            {"mass_kg", 35.5}},
           day, 10 + m);
    }
    const std::string pack = Code(ProductType::kPack, day);
    const std::string vin = MakeVin(vehicle_);
    if (vehicle_ < 5) {  // each maker's model: its disassembly information precedes production
      Emit(
          {{"type", "model.disassembly_info"},
           {"reporter", vehicle_maker},
           {"vehicle_model", "D1"},
           {"document", {{"uri", "https://example.com/d1.pdf"}, {"sha256", std::string(64, 'a')}}}},
          day.AddDays(-30), 25);
    }
    Emit({{"type", "battery.produced"},
          {"reporter", battery_maker},
          {"code", pack},
          {"parts", modules},
          {"model", "P4"},
          {"rated_capacity_ah", 280},
          {"nominal_voltage_v", 76.8},
          {"rated_energy_kwh", 21.5},
          {"mass_kg", 160},
          {"materials", {{"li_kg", 2.64}, {"co_kg", 0}, {"ni_kg", 0}, {"mn_kg", 0}}}},
         day, 20);
    const Date built = day.AddDays(3);
    Emit({{"type", "vehicle.produced"},
          {"reporter", vehicle_maker},
          {"vin", vin},
          {"vehicle_type", "passenger"},
          {"brand", "Demo"},
          {"model", "D1"},
          {"name", "Demo D1"},
          {"packs", {pack}},
          {"imported", false},
          {"swappable", false}},
         built, 30);
    const Date sold = built.AddDays(10);
    {
      Emit({{"type", "vehicle.sold"},
            {"reporter", vehicle_maker},
            {"vin", vin},
            {"sale_date", sold.ToString()},
            {"division", "440305"}},
           sold, 40);
    }
    if (vehicle_ % 10 == 0) {
      const Date fixed = sold.AddDays(60);
      const std::string fresh = Code(ProductType::kPack, fixed);
      Emit({{"type", "battery.replaced"},
            {"reporter", repair},
            {"vin", vin},
            {"removed", {pack}},
            {"installed", {fresh}}},
           fixed, 50);
      Emit({{"type", "battery.outbound"},
            {"reporter", repair},
            {"codes", {pack}},
            {"to", recycler},
            {"source", "repair"},
            {"mass_kg", 160}},
           fixed.AddDays(2), 60);
      Emit({{"type", "battery.inbound"},
            {"reporter", recycler},
            {"codes", {pack}},
            {"from", repair},
            {"mass_kg", 160}},
           fixed.AddDays(4), 70);
      Emit({{"type", "battery.utilized"},
            {"reporter", recycler},
            {"codes", {pack}},
            {"process", "dismantling"}},
           fixed.AddDays(20), 80);
    }
    ++vehicle_;
  }

  std::ostream& out_;
  std::mt19937_64 rng_;
  uint64_t limit_ = 0;
  uint64_t written_ = 0;
  Instant last_reported_ = 0;
  uint64_t vehicle_ = 0;
  uint64_t serial_ = 0;
  std::string maker_code_;
};

// The registry of every enterprise the generator's reports name, so that they are authorized.
void WriteRegistry(std::ostream& out) {
  auto enterprise = [&](uint32_t n, const char* role, nlohmann::json extra) {
    nlohmann::json e = {{"kind", "enterprise"},
                        {"uscc", MakeUscc(n)},
                        {"name", std::string(role) + " " + std::to_string(n)},
                        {"roles", {role}},
                        {"division", "440300"}};
    e.update(extra);
    out << e.dump() << "\n";
  };
  for (uint32_t i = 0; i < 7; ++i) {
    enterprise(1000 + i, "battery_maker",
               {{"manufacturer_codes", {"0" + std::string(1, static_cast<char>('A' + i)) + "1"}}});
  }
  for (uint32_t i = 0; i < 5; ++i) {
    enterprise(2000 + i, "vehicle_maker",
               i == 0 ? nlohmann::json{{"wmi", {"LGX"}}} : nlohmann::json::object());
  }
  for (uint32_t i = 0; i < 11; ++i)
    enterprise(3000 + i, "repair_shop", nlohmann::json::object());
  const nlohmann::json valid = {{"valid_from", "2020-01-01"}, {"valid_to", "2035-12-31"}};
  nlohmann::json quals = nlohmann::json::array();
  for (const char* q : {"investment_filing", "eia", "discharge_permit"}) {
    nlohmann::json one = valid;
    one["type"] = q;
    quals.push_back(one);
  }
  for (uint32_t i = 0; i < 3; ++i)
    enterprise(4000 + i, "recycler", {{"qualifications", quals}});
  out << nlohmann::json{{"kind", "regulator"},
                        {"id", "miit-000000"},
                        {"department", "MIIT"},
                        {"division", "000000"}}
             .dump()
      << "\n";
}

int Check(int rc, sqlite3* db) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
    std::cerr << "sqlite: " << sqlite3_errmsg(db) << "\n";
    std::exit(1);
  }
  return rc;
}

// A string member of a report line, cut by the position of its key: no JSON parsing.
std::string_view Field(const std::string& line, const char* key) {
  const std::string k = std::string("\"") + key + "\":\"";
  const size_t a = line.find(k);
  if (a == std::string::npos) return {};
  const size_t b = line.find('"', a + k.size());
  return std::string_view(line).substr(a + k.size(), b - a - k.size());
}

// The same report rows the store writes, into a bare table with the same index.
int Baseline(const std::string& path, const std::string& file, size_t batch) {
  sqlite3* db = nullptr;
  Check(sqlite3_open(path.c_str(), &db), db);
  Check(sqlite3_exec(db,
                     "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA cache_size=-262144;"
                     "CREATE TABLE report (leaf INTEGER PRIMARY KEY, reporter TEXT NOT NULL, "
                     "id TEXT NOT NULL, type TEXT NOT NULL, occurred TEXT NOT NULL, "
                     "reported BIGINT NOT NULL, content_hash BLOB NOT NULL, "
                     "leaf_hash BLOB NOT NULL, body TEXT NOT NULL);"
                     "CREATE UNIQUE INDEX report_reporter_id ON report (reporter, id);",
                     nullptr, nullptr, nullptr),
        db);
  sqlite3_stmt* st = nullptr;
  Check(sqlite3_prepare_v2(db,
                           "INSERT INTO report VALUES (?,?,?,?,?,?,?,?,?) "
                           "ON CONFLICT (reporter, id) DO NOTHING",
                           -1, &st, nullptr),
        db);
  std::ifstream in(file);
  std::string line;
  int64_t leaf = 0;
  const char zero[32] = {};
  Check(sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr), db);
  while (std::getline(in, line)) {
    const auto reporter = Field(line, "reporter"), id = Field(line, "id"),
               type = Field(line, "type"), occurred = Field(line, "occurred");
    sqlite3_bind_int64(st, 1, leaf++);
    sqlite3_bind_text(st, 2, reporter.data(), static_cast<int>(reporter.size()), SQLITE_STATIC);
    sqlite3_bind_text(st, 3, id.data(), static_cast<int>(id.size()), SQLITE_STATIC);
    sqlite3_bind_text(st, 4, type.data(), static_cast<int>(type.size()), SQLITE_STATIC);
    sqlite3_bind_text(st, 5, occurred.data(), static_cast<int>(occurred.size()), SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, leaf);
    sqlite3_bind_blob(st, 7, zero, 32, SQLITE_STATIC);
    sqlite3_bind_blob(st, 8, zero, 32, SQLITE_STATIC);
    sqlite3_bind_text(st, 9, line.data(), static_cast<int>(line.size()), SQLITE_STATIC);
    Check(sqlite3_step(st), db);
    sqlite3_reset(st);
    if (leaf % static_cast<int64_t>(batch) == 0) {
      Check(sqlite3_exec(db, "COMMIT; BEGIN", nullptr, nullptr, nullptr), db);
    }
  }
  Check(sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr), db);
  sqlite3_finalize(st);
  sqlite3_close(db);
  std::cout << "baseline: " << leaf << " rows\n";
  return 0;
}

// The same rows into a bare PostgreSQL table with the same keys, by COPY.
int BaselinePg(const std::string& conninfo, const std::string& file, size_t batch) {
  auto conn = store::pg::Conn::Connect(conninfo);
  auto check = [](const Status& st) {
    if (st.ok()) return;
    std::cerr << "baseline-pg: " << st.ToString() << "\n";
    std::exit(1);
  };
  check(conn.status());
  check(conn->Exec(
      "DROP TABLE IF EXISTS report; "
      "CREATE TABLE report (leaf BIGINT PRIMARY KEY, reporter TEXT COLLATE \"C\" NOT NULL, "
      "id TEXT COLLATE \"C\" NOT NULL, type TEXT COLLATE \"C\" NOT NULL, "
      "occurred TEXT COLLATE \"C\" NOT NULL, reported BIGINT NOT NULL, "
      "content_hash BYTEA NOT NULL, leaf_hash BYTEA NOT NULL, body TEXT COLLATE \"C\" NOT NULL);"
      "CREATE UNIQUE INDEX report_reporter_id ON report (reporter, id);"));
  std::ifstream in(file);
  std::string line;
  int64_t leaf = 0;
  const char zero[32] = {};
  store::pg::CopyBuffer buf;
  auto flush = [&] {
    check(conn->Exec("BEGIN"));
    check(conn->Copy("COPY report FROM STDIN", buf.data()));
    check(conn->Exec("COMMIT"));
    buf.clear();
  };
  while (std::getline(in, line)) {
    ++leaf;
    buf.Int(leaf - 1)
        .Text(Field(line, "reporter"))
        .Text(Field(line, "id"))
        .Text(Field(line, "type"))
        .Text(Field(line, "occurred"))
        .Int(leaf)
        .Bytes(zero, 32)
        .Bytes(zero, 32)
        .Text(std::string_view(line))
        .EndRow();
    if (buf.rows() == batch) flush();
  }
  if (!buf.empty()) flush();
  std::cout << "baseline-pg: " << leaf << " rows\n";
  return 0;
}

}  // namespace
}  // namespace battrace

int main(int argc, char** argv) {
  if (argc == 5 && std::string(argv[1]) == "generate") {
    std::ofstream out(argv[3]), registry(argv[4]);
    battrace::Generator(out).Run(std::strtoull(argv[2], nullptr, 10));
    battrace::WriteRegistry(registry);
    return out && registry ? 0 : 1;
  }
  if ((argc == 4 || argc == 5) && std::string(argv[1]) == "baseline") {
    return battrace::Baseline(argv[2], argv[3],
                              argc == 5 ? std::strtoull(argv[4], nullptr, 10) : 20000);
  }
  if ((argc == 4 || argc == 5) && std::string(argv[1]) == "baseline-pg") {
    return battrace::BaselinePg(argv[2], argv[3],
                                argc == 5 ? std::strtoull(argv[4], nullptr, 10) : 20000);
  }
  std::cerr << "usage: ingest_tool generate N REPORTS REGISTRY | baseline DB FILE [BATCH] | "
               "baseline-pg CONNINFO FILE [BATCH]\n";
  return 2;
}
