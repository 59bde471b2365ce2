#include "store/tree_head.h"

#include "ledger/merkle.h"

namespace battrace::store {

Result<TreeHead> CurrentTreeHead(Store& store) {
  BATTRACE_ASSIGN_OR_RETURN(size, store.TreeSize());
  BATTRACE_ASSIGN_OR_RETURN(frontier, ledger::Frontier::Load(store, size));
  return TreeHead{size, frontier.Root()};
}

}  // namespace battrace::store
