// JSON Schema draft-07 validation (see json_schema.h).
#include "epcis/json_schema.h"

#include <stdexcept>

#include "epcis/blobs.h"

namespace battrace::epcis {

struct JsonSchema::Compiled {};

Result<JsonSchema> JsonSchema::Compile(const nlohmann::json&) {
  return Status::Internal("JsonSchema::Compile: not yet implemented");
}

Status JsonSchema::Validate(const nlohmann::json&) const {
  return Status::Internal("JsonSchema::Validate: not yet implemented");
}

const JsonSchema& EpcisSchema() {
  static const JsonSchema schema = [] {
    auto compiled =
        JsonSchema::Compile(nlohmann::json::parse(generated::JsonSchemaBlobs()[0].bytes));
    if (!compiled.ok()) throw std::logic_error(compiled.status().ToString());
    return std::move(compiled).value();
  }();
  return schema;
}

}  // namespace battrace::epcis
