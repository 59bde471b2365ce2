// Proof JSON documents.
#include "ledger/proof_json.h"

namespace battrace::ledger {
namespace {

nlohmann::json HashArray(std::span<const Hash> hashes) {
  nlohmann::json out = nlohmann::json::array();
  for (const Hash& h : hashes)
    out.push_back(HashToBase64(h));
  return out;
}

}  // namespace

nlohmann::json InclusionProofJson(uint64_t leaf_index, uint64_t tree_size, const Hash& leaf_hash,
                                  std::span<const Hash> hashes) {
  return {{"leaf_index", leaf_index},
          {"tree_size", tree_size},
          {"leaf_hash", HashToBase64(leaf_hash)},
          {"hashes", HashArray(hashes)}};
}

nlohmann::json ConsistencyProofJson(uint64_t from, uint64_t to, std::span<const Hash> hashes) {
  return {{"from", from}, {"to", to}, {"hashes", HashArray(hashes)}};
}

}  // namespace battrace::ledger
