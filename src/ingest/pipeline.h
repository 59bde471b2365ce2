// The ingest pipeline: bytes in, receipts out.
//
// Prepare (pure CPU, thread-safe, no store access): take each strictly parsed report, stamp its
// receipt time, serialize it to the stored form and canonical JSON, hash it. Commit (one store
// transaction per batch): authorize each report, check corrections against their originals,
// append each report to the ledger (idempotently), judge it (projection, duties, findings), and
// commit durably. The import command overlaps
// Prepare of batch k+1 with Commit of batch k; the HTTP API calls both in turn.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "domain/engine.h"
#include "domain/report.h"
#include "ledger/hash.h"
#include "store/registry_leaf.h"
#include "store/store.h"

namespace battrace::ingest {

// One report as received and parsed (ParseReport, through a reader), or why it could not be.
struct Item {
  uint64_t line = 0;  // 1-based line (or array index + 1) in its source
  std::string raw;    // the input's first bytes (of a report; for the reject file)
  Result<Report> report = Status::Internal("no report");
  // A registry change instead of a report (`registry import`, or a registry leaf replayed).
  std::optional<store::RegistryChange> registry = std::nullopt;
};

// A report ready to commit, or the reason it cannot be.
struct Prepared {
  uint64_t line = 0;
  Status error;
  std::optional<Report> report;
  std::optional<store::RegistryChange> registry;  // instead of a report
  store::LeafInput leaf;                          // of a report
};

enum class Outcome { kAccepted, kDuplicate, kRejected };

struct ItemResult {
  uint64_t line = 0;
  Outcome outcome = Outcome::kRejected;
  Status error;  // for kRejected
  std::string reporter, id;
  uint64_t leaf_index = 0;  // for kAccepted and kDuplicate: the receipt
  ledger::Hash leaf_hash{};
  // For kAccepted and kDuplicate: what the parser warned of (Report::warnings), for the filer.
  std::vector<ReportWarning> warnings;
};

// Stamps, serializes and hashes each parsed report. `now` is the receipt time of reports
// without a replayed `reported` (replay is decided by the ParseOptions they were parsed with).
// With `mark_supplied` (`import --replay`), a report or registry leaf that carries its own
// `reported` is marked as replayed ("receipt": "replayed", docs/ledger-format.md); without it a
// marker is kept as parsed (`verify --replay` reading stored leaves back). The content hash
// leaves out both `reported` and the marker. The reports are moved out of `items`; their lines
// and raw texts stay.
std::vector<Prepared> Prepare(std::vector<Item>& items, Instant now, bool mark_supplied = false);

// The receipt times `import --replay` may supply, checked by Commit under the write lock
// (docs/ledger-format.md, "Replayed receipt times"). Keep one for a whole import.
struct ReplayWindow {
  // Decided at the first batch: the store held no reports (registry leaves at most), so the
  // import is a history load and takes any time. Otherwise each replayed leaf Commit appends
  // must have a time from the last leaf's `reported` (that of the leaf before it) to now.
  std::optional<bool> history_load;
  // Where "now", the window's end, is read (under the write lock). Not owned.
  const Clock* clock = &SystemClock();
};

// Commits one batch in one transaction, in order: each report is authorized against the
// registry as it stood on the report's date, checked (corrections), appended, and judged under
// `law` (domain::Evaluate) against that registry; each registry change is recorded
// (store::RecordRegistryChange: appended unless unchanged). Results are in the
// batch's order. When it returns OK, every accepted report is durable. On a store error nothing
// of the batch is kept. With `replay`, a replayed leaf (marked by Prepare) that would be appended
// with a time outside the window fails the whole batch (kFailedPrecondition, rule
// "replay.window", naming its line and the window) and nothing of the batch is kept. With
// `all_or_nothing`, a batch with any rejected item is not committed: the results say what each
// item would have been, and nothing of the batch is kept.
Result<std::vector<ItemResult>> Commit(store::Store& store, const domain::Law& law,
                                       std::vector<Prepared> batch, ReplayWindow* replay = nullptr,
                                       bool all_or_nothing = false);

}  // namespace battrace::ingest
