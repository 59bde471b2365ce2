// The witness state file: one row per followed log, advanced by compare-and-swap.
#include "witness/state.h"

#include <sys/stat.h>

#include <cstring>

namespace battrace::witness {

Result<WitnessState> WitnessState::Open(const std::string& path) {
  // Created 0600 whatever the umask: the state is the witness's word, not for others to edit.
  const mode_t old_mask = ::umask(077);
  auto db = sqlite::Db::Open(path, true);
  ::umask(old_mask);
  if (!db.ok()) return db.status();
  BATTRACE_RETURN_IF_ERROR(db->Exec("PRAGMA journal_mode=WAL"));
  BATTRACE_RETURN_IF_ERROR(db->Exec("PRAGMA synchronous=FULL"));
  BATTRACE_RETURN_IF_ERROR(
      db->Exec("CREATE TABLE IF NOT EXISTS witnessed (origin TEXT PRIMARY KEY, size INTEGER NOT "
               "NULL, root BLOB NOT NULL, note TEXT NOT NULL) STRICT"));
  return WitnessState(std::move(db).value());
}

Result<std::optional<LogState>> WitnessState::Get(const std::string& origin) {
  BATTRACE_ASSIGN_OR_RETURN(st, db_.Prepare("SELECT size, root, note FROM witnessed WHERE "
                                            "origin = ?"));
  std::optional<LogState> out;
  bool damaged = false;
  BATTRACE_RETURN_IF_ERROR(st.Bind(1, origin).ForEachRow([&](const sqlite::Stmt& row) {
    LogState s;
    s.size = static_cast<uint64_t>(row.Int(0));
    const std::string_view root = row.Blob(1);
    damaged = root.size() != s.root.size();
    if (!damaged) std::memcpy(s.root.data(), root.data(), s.root.size());
    s.note = row.Text(2);
    out = std::move(s);
    return false;
  }));
  if (damaged) return Status::Corruption("witness state: the root of " + origin + " is damaged");
  return out;
}

Result<bool> WitnessState::Advance(const std::string& origin, uint64_t old_size,
                                   const LogState& next) {
  // INSERT only when nothing is stored (old size 0); otherwise UPDATE only the row still at
  // the old size. Either way one statement, so the check and the write are one step.
  const char* sql =
      old_size == 0
          ? "INSERT INTO witnessed (origin, size, root, note) VALUES (?1, ?2, ?3, ?4) "
            "ON CONFLICT (origin) DO UPDATE SET size = excluded.size, root = excluded.root, "
            "note = excluded.note WHERE witnessed.size = 0"
          : "UPDATE witnessed SET size = ?2, root = ?3, note = ?4 WHERE origin = ?1 AND size = ?5";
  BATTRACE_ASSIGN_OR_RETURN(st, db_.Prepare(sql));
  st.Bind(1, origin)
      .Bind(2, static_cast<int64_t>(next.size))
      .BindBlob(3, next.root.data(), next.root.size())
      .Bind(4, next.note);
  if (old_size != 0) st.Bind(5, static_cast<int64_t>(old_size));
  BATTRACE_RETURN_IF_ERROR(st.Run());
  return db_.Changes() == 1;
}

}  // namespace battrace::witness
