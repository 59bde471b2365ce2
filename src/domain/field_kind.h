// The JSON kind of a report or registry field's value: what the strict parsers check before a
// field's own rules, and what flat formats (CSV) need to write a text cell as JSON.
#pragma once

namespace battrace {

enum class FieldKind {
  kString,
  kNumber,
  kBool,
  kObject,
  kStringList,  // an array of strings
  kObjectList,  // an array of objects
};

}  // namespace battrace
