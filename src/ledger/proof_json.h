// The JSON documents in which proofs leave battrace (`battrace proof`, the HTTP API), as
// docs/ledger-format.md specifies and tests/integration/rfc9162_verify.py reads them:
//   inclusion:   {"leaf_index": N, "tree_size": M, "leaf_hash": B64, "hashes": [B64, ...]}
//   consistency: {"from": N, "to": M, "hashes": [B64, ...]}
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <span>

#include "ledger/hash.h"

namespace battrace::ledger {

nlohmann::json InclusionProofJson(uint64_t leaf_index, uint64_t tree_size, const Hash& leaf_hash,
                                  std::span<const Hash> hashes);

nlohmann::json ConsistencyProofJson(uint64_t from, uint64_t to, std::span<const Hash> hashes);

}  // namespace battrace::ledger
