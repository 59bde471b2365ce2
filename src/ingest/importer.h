// The import loop: a source's items into a store, batch by batch, on two threads. While batch
// k commits (Commit: one write transaction), batch k+1 is read from the source and prepared
// (Prepare: parse, stamp, serialize, hash) on a worker, so that parsing and hashing overlap the
// store's work. `battrace import` (cli/import.cc) runs one Importer over its input files and
// writes what each batch came to (receipts, rejects, progress); the HTTP API commits its one
// batch per request itself (pipeline.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "domain/engine.h"
#include "ingest/pipeline.h"
#include "ingest/source.h"
#include "store/store.h"

namespace battrace::ingest {

struct ImportOptions {
  size_t batch = 20000;  // items per transaction (at least 1)
  // `import --replay`: a report that carries its own `reported` keeps it, marked as replayed,
  // and must fall in the replay window (ReplayWindow), kept for all the sources of one Importer.
  // The sources must then be opened with ParseOptions::replay.
  bool replay = false;
  // The receipt time of the reports that carry none, read once per batch as it is prepared.
  const Clock* clock = &SystemClock();
};

// What one committed batch came to, in the source's order: `results[i]` is the outcome of
// `items[i]` (its line and raw text; the parsed report has been moved out).
struct ImportedBatch {
  const std::vector<Item>& items;
  const std::vector<ItemResult>& results;
  // The source is stored whole or not at all (Source::AllOrNothing) and this batch had a
  // reject: nothing of it was stored, and its accepted and duplicate results only say what
  // those items would have been.
  bool withheld = false;
};

struct ImportCallbacks {
  // After each batch commits, in order, on the calling thread. The next batch is being read
  // meanwhile: it must not touch the source.
  std::function<void(const ImportedBatch&)> committed;
  // After each batch, once the worker is done with the source: the bytes read so far.
  std::function<void(uint64_t bytes_read)> progress;
};

class Importer {
 public:
  // `store` and `law` must outlive the Importer.
  Importer(store::Store& store, const domain::Law& law, ImportOptions options);

  // Imports `source` to its end. On a failed commit (a store error, or rule "replay.window"
  // naming the item's line) it stops: the batches before stay committed and reported through
  // `callbacks.committed`, nothing of the failing batch is kept, and the error is returned
  // once the worker has finished. A read error of the source (Source::status) is returned
  // after its last batch. Checkpoints are the caller's (Store::SignCheckpoint).
  Status Import(Source& source, const ImportCallbacks& callbacks);

 private:
  store::Store& store_;
  const domain::Law& law_;
  ImportOptions options_;
  ReplayWindow window_;
};

}  // namespace battrace::ingest
