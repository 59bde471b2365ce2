#include "store/store.h"

namespace battrace::store {

Status LinkCorrections(Store& store, std::vector<StoredReport>& reports) {
  for (StoredReport& r : reports) {
    BATTRACE_ASSIGN_OR_RETURN(by, store.CorrectedBy(r.reporter, r.id));
    r.corrected_by = std::move(by);
  }
  return Status::Ok();
}

}  // namespace battrace::store
