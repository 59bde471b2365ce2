#include "ingest/importer.h"

#include <algorithm>
#include <future>
#include <utility>

namespace battrace::ingest {

Importer::Importer(store::Store& store, const domain::Law& law, ImportOptions options)
    : store_(store), law_(law), options_(options) {
  options_.batch = std::max<size_t>(options_.batch, 1);
}

Status Importer::Import(Source& source, const ImportCallbacks& callbacks) {
  const bool whole = source.AllOrNothing();
  ReplayWindow* replay = options_.replay ? &window_ : nullptr;
  // Reads and prepares one batch; the worker runs it while the previous batch commits.
  auto read_and_prepare = [&](std::vector<Item>* items) {
    *items = source.Next(options_.batch);
    return Prepare(*items, options_.clock->Now(), options_.replay);
  };
  std::vector<Item> items, next_items;
  std::vector<Prepared> prepared = read_and_prepare(&items);
  while (!items.empty()) {
    auto next = std::async(std::launch::async, read_and_prepare, &next_items);
    auto results = Commit(store_, law_, std::move(prepared), replay, whole);
    if (!results.ok()) {
      next.wait();
      return results.status();
    }
    const bool withheld =
        whole && std::any_of(results->begin(), results->end(),
                             [](const ItemResult& r) { return r.outcome == Outcome::kRejected; });
    if (callbacks.committed) callbacks.committed({items, *results, withheld});
    prepared = next.get();
    items.swap(next_items);
    if (callbacks.progress) callbacks.progress(source.BytesRead());
  }
  return source.status();
}

}  // namespace battrace::ingest
