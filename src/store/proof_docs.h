// Inclusion and consistency proofs of a store's ledger as the JSON documents of
// ledger/proof_json.h, for `battrace proof` and the API alike. Sizes default to the latest
// signed checkpoint, the tree a verifier holds a signature for.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>

#include "core/status.h"
#include "store/store.h"

namespace battrace::store {

// Errors: rule "proof.range" on field "leaf" when the leaf is not in the tree.
Result<nlohmann::json> InclusionProofDoc(Store& store, uint64_t leaf,
                                         std::optional<uint64_t> tree_size);
// Errors: rule "proof.range" on field "from" unless from <= to <= the tree's size.
Result<nlohmann::json> ConsistencyProofDoc(Store& store, uint64_t from, std::optional<uint64_t> to);

}  // namespace battrace::store
