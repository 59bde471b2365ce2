// The tree a store's leaves make now, read from its stored nodes: what `battrace migrate`
// compares on both sides and what `battrace backup` reports of a copy. Unlike a signed
// checkpoint, it counts the leaves appended since the latest one.
#pragma once

#include <cstdint>

#include "core/status.h"
#include "ledger/hash.h"
#include "store/store.h"

namespace battrace::store {

struct TreeHead {
  uint64_t size = 0;
  ledger::Hash root{};

  friend bool operator==(const TreeHead&, const TreeHead&) = default;
};

// The store's tree size and its root, computed from the stored nodes (ledger::Frontier::Load).
Result<TreeHead> CurrentTreeHead(Store& store);

}  // namespace battrace::store
