// The strict JSON field layer shared by the report parser (report.cc) and the registry parser
// (registry.cc). Private to src/domain.
//
// It reads a simdjson DOM and turns every deviation from a schema into a Status whose field is
// the JSON pointer (RFC 6901) of the offending value and whose rule is "<prefix>.<what>"
// ("report.unknown_field", "registry.required", ...). Pointers are built only when an error is
// returned, so the success path does not allocate for them. Identifier checkers (battery code,
// VIN, USCC, division, date) keep their own rule names; only the field is relocated.
#pragma once

#include <fmt/format.h>
#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/date.h"
#include "core/division.h"
#include "core/status.h"
#include "core/uscc.h"
#include "core/vin.h"
#include "domain/field_kind.h"

namespace battrace::strict_json {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

// The most entries any list field may hold.
inline constexpr size_t kMaxListEntries = 10000;

// A JSON pointer as a chain of stack frames: a key or an array index below a parent.
class Path {
 public:
  Path() = default;  // the document root, ""
  Path Key(std::string_view key) const { return Path(this, key, 0, false); }
  Path Index(size_t index) const { return Path(this, {}, index, true); }
  // The RFC 6901 pointer, e.g. "/codes/3" ("~" and "/" in keys escaped as "~0" and "~1").
  std::string ToString() const;

 private:
  Path(const Path* parent, std::string_view key, size_t index, bool is_index)
      : parent_(parent), key_(key), index_(index), is_index_(is_index) {}
  const Path* parent_ = nullptr;
  std::string_view key_;
  size_t index_ = 0;
  bool is_index_ = false;
};

// What Reader::Fields does with a key that is not in its table.
enum class Others {
  kReject,  // <prefix>.unknown_field, unless listed in `skip`
  kIgnore,  // passed over: another pass over the same object reads it
};

using Kind = FieldKind;

// A field of an object schema; `sub` lists the fields of an object (kObject) or of each entry
// (kObjectList) when they are fixed.
struct Field {
  std::string_view name;
  bool required;
  Kind kind;
  std::span<const Field> sub = {};
};

// Which characters a string may hold.
enum class Charset {
  kIdentifier,  // visible ASCII, 0x21-0x7E: ids, URIs
  kText,        // any UTF-8 but control characters (U+0000-U+001F, U+007F)
};

// Parses `json` with this thread's parser. The element is valid until the next call on this
// thread. Errors: <prefix>.too_large (over `max_bytes`), <prefix>.json (malformed JSON or
// invalid UTF-8).
Status ParseDocument(std::string_view json, size_t max_bytes, std::string_view rule_prefix,
                     element* root);

// Reads values against a schema, naming failed rules "<prefix>.<what>".
class Reader {
 public:
  explicit Reader(std::string_view rule_prefix) : prefix_(rule_prefix) {}

  // An Invalid status for `path` and rule "<prefix>.<what>".
  Status Error(const Path& path, std::string_view what, std::string message) const;

  // Visits every member of `obj`. A key in `fields` is passed to fn(index into fields, value,
  // path of the value) -> Status; a repeated one is <prefix>.duplicate_field. Any other key is
  // handled as `others` says (keys in `skip` are passed over either way). Afterwards the first
  // required field not seen is <prefix>.required. REQUIRES: fields.size() <= 64.
  template <typename Fn>
  Status Fields(object obj, const Path& path, std::span<const Field> fields, Others others,
                std::span<const std::string_view> skip, Fn&& fn) const;

  // <prefix>.type unless `v` is of `kind`.
  Status CheckKind(element v, const Path& path, Kind kind) const;
  // An object (<prefix>.type otherwise).
  Status Object(element v, const Path& path, object* out) const;
  // An array of at most kMaxListEntries entries (<prefix>.too_many), non-empty when
  // `non_empty` (<prefix>.empty).
  Status Array(element v, const Path& path, bool non_empty, array* out) const;
  // A non-empty string of at most `max_bytes` bytes drawn from `charset`
  // (<prefix>.empty, .too_long, .characters).
  Status String(element v, const Path& path, Charset charset, size_t max_bytes,
                std::string_view* out) const;
  // A finite number >= 0 (<prefix>.range); -0 reads as 0.
  Status Number(element v, const Path& path, double* out) const;
  Status Bool(element v, const Path& path, bool* out) const;
  // One of `names`; *out is its index (<prefix>.enum).
  Status Enum(element v, const Path& path, std::span<const std::string_view> names,
              size_t* out) const;
  // Identifier values: the checker's own rule ("date.format", "vin.check_digit", ...), relocated.
  Status Date(element v, const Path& path, std::optional<battrace::Date>* out) const;
  Status Uscc(element v, const Path& path, std::optional<battrace::Uscc>* out) const;
  Status Vin(element v, const Path& path, std::optional<battrace::Vin>* out) const;
  Status Division(element v, const Path& path, std::optional<battrace::Division>* out) const;

  // `failed` with its field replaced by `path` (rule and message kept).
  static Status Relocate(const Status& failed, const Path& path);

 private:
  Status WrongType(const Path& path, std::string_view expected) const;
  std::string_view prefix_;
};

template <typename Fn>
Status Reader::Fields(object obj, const Path& path, std::span<const Field> fields, Others others,
                      std::span<const std::string_view> skip, Fn&& fn) const {
  uint64_t seen = 0;
  for (auto member : obj) {
    const std::string_view key = member.key;
    size_t i = 0;
    while (i < fields.size() && fields[i].name != key)
      ++i;
    if (i == fields.size()) {
      bool skipped = others == Others::kIgnore;
      for (std::string_view s : skip)
        skipped = skipped || s == key;
      if (skipped) continue;
      return Error(path.Key(key), "unknown_field", fmt::format("unknown field \"{}\"", key));
    }
    const uint64_t bit = uint64_t{1} << i;
    if (seen & bit) {
      return Error(path.Key(key), "duplicate_field",
                   fmt::format("field \"{}\" appears more than once", key));
    }
    seen |= bit;
    const Path value_path = path.Key(key);
    BATTRACE_RETURN_IF_ERROR(CheckKind(member.value, value_path, fields[i].kind));
    BATTRACE_RETURN_IF_ERROR(fn(i, member.value, value_path));
  }
  for (size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].required && !(seen & (uint64_t{1} << i))) {
      return Error(path.Key(fields[i].name), "required",
                   fmt::format("missing required field \"{}\"", fields[i].name));
    }
  }
  return Status::Ok();
}

}  // namespace battrace::strict_json
