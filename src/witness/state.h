// The witness's memory: per log origin it follows, the newest checkpoint it has cosigned (size,
// root hash and the note as it was submitted), in a small SQLite file of its own.
//
// The whole point of a witness is that it never cosigns two checkpoints of one log that are
// inconsistent, and never a smaller tree after a larger one, across restarts too: so every
// update is a compare-and-swap on the size the caller checked against, made durable
// (synchronous=FULL) before the cosignature leaves. Losing this file means retiring the witness
// key, not starting afresh (docs/ledger-format.md section 8.3, docs/operations.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/status.h"
#include "ledger/hash.h"
#include "store/sqlite/sqlite.h"

namespace battrace::witness {

struct LogState {
  uint64_t size = 0;
  ledger::Hash root{};
  std::string note;  // the log's signed note as it was cosigned
};

class WitnessState {
 public:
  // Opens the state file at `path`, creating it (mode 0600) and its table when missing.
  static Result<WitnessState> Open(const std::string& path);

  // The newest cosigned checkpoint of `origin`, or nullopt if the witness has cosigned none.
  Result<std::optional<LogState>> Get(const std::string& origin);

  // Records `next` as the newest cosigned checkpoint of `origin` iff the stored size is still
  // `old_size` (0: nothing stored). Returns false, changing nothing, when another update came
  // first. Durable when it returns true.
  Result<bool> Advance(const std::string& origin, uint64_t old_size, const LogState& next);

 private:
  explicit WitnessState(sqlite::Db db) : db_(std::move(db)) {}
  sqlite::Db db_;
};

}  // namespace battrace::witness
