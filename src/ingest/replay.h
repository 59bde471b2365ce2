// `battrace verify --replay`: everything derived, rebuilt from the ledger and compared.
//
// The projections (batteries, vehicles, their history indexes, outlets, models, sales), the
// duties, the findings and the registry are derived from the ledger's leaves. ReplayLedger feeds
// every leaf of a store, in ledger order with its stored receipt time, through the ingest
// pipeline (Prepare, Commit: the same authorization, rules and projection as at receipt) into a
// scratch embedded store in a temporary directory, whatever the live store's engine, then
// compares each derived table of the two (Store::ScanDerived, canonical rows in canonical order)
// and names the first difference. An edit of a derived row that no leaf accounts for (custody
// changed, findings deleted, a registry record changed without its leaf) shows there, although
// the ledger itself verifies.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/status.h"
#include "domain/engine.h"
#include "store/store.h"

namespace battrace::ingest {

struct ReplayResult {
  uint64_t leaves = 0;  // replayed
  uint64_t rows = 0;    // derived rows compared
  // The first difference, e.g. "battery row 12 differs: live [...] vs replayed [...]"; nullopt
  // when the derived state matches.
  std::optional<std::string> difference;
};

// Replays `live`'s ledger into a scratch store and compares (see above). A leaf the pipeline
// does not accept again as the same leaf is a difference too. Errors are those of reading the
// live store or of the scratch store (its directory is TMPDIR, else /tmp; removed at the end).
Result<ReplayResult> ReplayLedger(store::Store& live, const domain::Law& law);

}  // namespace battrace::ingest
