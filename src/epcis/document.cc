// Parsing and validating EPCIS documents (see document.h).
#include "epcis/document.h"

namespace battrace::epcis {

Result<Document> ParseDocument(std::string_view, Format) {
  return Status::Internal("ParseDocument: not yet implemented");
}

Result<Document> ParseEvent(std::string_view) {
  return Status::Internal("ParseEvent: not yet implemented");
}

}  // namespace battrace::epcis
