// RFC 8785 JSON Canonicalization Scheme (JCS): the one byte string a JSON value hashes as.
//
// A report's leaf data is the canonical JSON of its stored envelope, so any party holding the
// same JSON value can recompute the leaf hash, whatever key order or spacing it received.
// Canonical form: no whitespace; object members sorted by the UTF-16 code units of their
// names; strings with only the escapes RFC 8785 requires; numbers in ECMAScript
// Number::toString form. See docs/ledger-format.md.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "core/status.h"

namespace battrace::ledger {

// Appends the canonical form of `value` to *out.
// Fails with InvalidArgument (field = JSON pointer of the offending value) on:
//   - NaN or infinite numbers ("json.number");
//   - integers whose decimal digits are not their ECMAScript number form, i.e. that an
//     IEEE double cannot hold exactly with the same shortest digits: every |n| <= 2^53 is
//     accepted, 2^53 + 1 is not, 10^18 is ("json.number.range");
//   - strings or member names that are not valid UTF-8 ("json.utf8");
//   - binary or discarded values ("json.type").
// On failure *out holds a partial result and must be discarded.
Status AppendCanonicalJson(const nlohmann::json& value, std::string* out);
Status AppendCanonicalJson(const nlohmann::ordered_json& value, std::string* out);

// The canonical form of `value` as a new string; errors as AppendCanonicalJson.
Result<std::string> CanonicalJson(const nlohmann::json& value);
Result<std::string> CanonicalJson(const nlohmann::ordered_json& value);

// The canonical forms of `object`, a JSON object with no member `name`, into *without, and of the
// same object with member `name`: `value` added, into *with: both from one serialization of
// `object`, the member's text inserted where its name sorts. Errors as AppendCanonicalJson for
// either form; on failure the outputs must be discarded.
Status CanonicalJsonWithMember(const nlohmann::json& object, const std::string& name,
                               const nlohmann::json& value, std::string* without,
                               std::string* with);

}  // namespace battrace::ledger
