// A JSON Schema (draft-07) validator over nlohmann::json, for the GS1 EPCIS 2.0 JSON schema.
//
// It knows the keywords GS1's schemas use (see json_schema.cc for the list) and asserts the
// "uri" and "date-time" formats, as the EPCIS standard asks of a conforming repository. A schema
// with any other keyword that is not a pure annotation does not compile: a validator that
// silently skips a constraint would accept what the standard refuses.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>

#include "core/status.h"

namespace battrace::epcis {

class JsonSchema {
 public:
  // Compiles `schema` (its "$ref"s point into itself: "#" or "#/definitions/..."). Every
  // subschema and every pattern is compiled once here. InvalidArgument, rule "epcis.schema",
  // for an unknown keyword, a bad pattern or a dangling $ref (field = pointer into the schema).
  static Result<JsonSchema> Compile(const nlohmann::json& schema);

  // Ok, or InvalidArgument: field = JSON pointer into the instance, rule "epcis.schema",
  // message = which keyword failed and why, in plain words. Under anyOf / oneOf the error is
  // that of the branch that came closest (the one whose "type" constant matched, or the one
  // that failed deepest), not "anyOf failed". Time linear in the instance times the schema.
  Status Validate(const nlohmann::json& instance) const;

  struct Compiled;  // the compiled schema graph (json_schema.cc)

 private:
  explicit JsonSchema(std::shared_ptr<const Compiled> compiled) : compiled_(std::move(compiled)) {}
  std::shared_ptr<const Compiled> compiled_;
};

// The GS1 EPCIS 2.0 JSON schema (data/epcis/EPCIS-JSON-Schema.json, compiled into the binary),
// compiled on first use and shared by every thread.
const JsonSchema& EpcisSchema();

}  // namespace battrace::epcis
