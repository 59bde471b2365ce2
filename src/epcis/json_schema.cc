// JSON Schema draft-07 validation (see json_schema.h).
//
// Compile turns every subschema into a Node once (memoized by its JSON pointer, so a
// definition referenced from many places is one node) and compiles each pattern once; $ref
// becomes a node index. Validate walks the instance and the node graph together. It first runs
// "quietly" (a failure is a bool, no message is built): the branches of anyOf, oneOf, not and if
// are expected to fail routinely, and building their messages would cost more than validating.
// Only when the instance is refused is the failing path walked again to say why.
//
// Keywords: $ref ("#" and "#/..." pointers, percent-decoded), definitions, type (names or lists,
// "integer" = a number without fraction), properties, required, additionalProperties (bool or
// schema), patternProperties, propertyNames, items (schema or list) with additionalItems,
// minItems, maxItems, uniqueItems, minProperties, maxProperties, enum, const, anyOf, allOf,
// oneOf, not, if/then/else, pattern, minLength, maxLength, minimum, maximum, exclusiveMinimum,
// exclusiveMaximum, format "uri" and "date-time". Annotations (title, description, $comment,
// examples, default, $id, $schema) are ignored; any other keyword fails Compile.
#include "epcis/json_schema.h"

#if defined(__GNUC__) && !defined(__clang__)
// GCC 12 at -O1 (the sanitized build) reports false maybe-uninitialized warnings inside
// std::regex.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <optional>
#include <regex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/percent.h"
#include "epcis/blobs.h"

namespace battrace::epcis {
namespace {

using json = nlohmann::json;
constexpr std::string_view kRule = "epcis.schema";
// Deeper nesting of validation calls than this means a schema that refers to itself without
// consuming the instance; refused rather than overflowing the stack.
constexpr int kMaxDepth = 2000;

enum TypeBit : uint8_t {
  kNull = 1,
  kBoolean = 2,
  kObject = 4,
  kArray = 8,
  kNumber = 16,
  kString = 32,
  kInteger = 64,  // only in a node's accepted mask: a number without fraction
};

enum class Fmt { kNone, kUri, kDateTime };

struct Pattern {
  std::string source;
  std::regex re;
};

}  // namespace

struct JsonSchema::Compiled {
  struct Node {
    bool always_false = false;  // the schema `false`
    int ref = -1;               // $ref target (draft-07: the other keywords are then ignored)
    uint8_t types = 0;          // 0 = any
    std::optional<json> constant;
    std::vector<json> enumeration;
    bool has_enum = false;
    std::vector<std::string> enum_strings;  // sorted, when every enum value is a string
    std::vector<std::pair<std::string, int>> properties;  // sorted by name
    std::vector<std::string> required;
    int additional = -1;  // additionalProperties schema
    std::vector<std::pair<Pattern, int>> pattern_properties;
    int property_names = -1;
    int items = -1;                // one schema for every entry
    std::vector<int> tuple_items;  // items as a list
    int additional_items = -1;     // entries past tuple_items
    std::optional<size_t> min_items, max_items, min_properties, max_properties;
    std::optional<size_t> min_length, max_length;
    std::optional<double> minimum, maximum, exclusive_minimum, exclusive_maximum;
    bool unique_items = false;
    std::vector<int> all_of, any_of, one_of;
    int not_schema = -1;
    int if_schema = -1, then_schema = -1, else_schema = -1;
    std::optional<Pattern> pattern;
    Fmt format = Fmt::kNone;
    bool trivially_true = false;  // no assertion at all (the schema `true` or `{}`)
  };
  std::vector<Node> nodes;
  int root = 0;
};

namespace {

using Node = JsonSchema::Compiled::Node;

// ---------------------------------------------------------------- formats

bool IsAlpha(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}
bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}
bool IsHex(char c) {
  return IsDigit(c) || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f');
}
bool IsUnreserved(char c) {
  return IsAlpha(c) || IsDigit(c) || c == '-' || c == '.' || c == '_' || c == '~';
}
bool IsSubDelim(char c) {
  return c == '!' || c == '$' || c == '&' || c == '\'' || c == '(' || c == ')' || c == '*' ||
         c == '+' || c == ',' || c == ';' || c == '=';
}

// Consumes characters of `s` from *i while they are unreserved, sub-delims, pct-encoded or in
// `extra`; false on a malformed percent escape.
bool Scan(std::string_view s, size_t* i, std::string_view extra) {
  while (*i < s.size()) {
    const char c = s[*i];
    if (c == '%') {
      if (*i + 2 >= s.size() || !IsHex(s[*i + 1]) || !IsHex(s[*i + 2])) return false;
      *i += 3;
    } else if (IsUnreserved(c) || IsSubDelim(c) || extra.find(c) != std::string_view::npos) {
      ++*i;
    } else {
      return true;
    }
  }
  return true;
}

// RFC 3986 section 4.3 absolute URI (a fragment allowed, as JSON Schema's "uri" does):
// scheme ":" hier-part [ "?" query ] [ "#" fragment ].
bool IsUri(std::string_view s) {
  size_t i = 0;
  if (s.empty() || !IsAlpha(s[0])) return false;
  while (i < s.size() &&
         (IsAlpha(s[i]) || IsDigit(s[i]) || s[i] == '+' || s[i] == '-' || s[i] == '.'))
    ++i;
  if (i == s.size() || s[i] != ':') return false;
  ++i;
  if (s.substr(i, 2) == "//") {  // authority = [ userinfo "@" ] host [ ":" port ]
    i += 2;
    size_t end = i;
    while (end < s.size() && s[end] != '/' && s[end] != '?' && s[end] != '#')
      ++end;
    std::string_view authority = s.substr(i, end - i);
    if (const size_t at = authority.rfind('@'); at != std::string_view::npos) {
      size_t k = 0;
      const std::string_view userinfo = authority.substr(0, at);
      if (!Scan(userinfo, &k, ":") || k != userinfo.size()) return false;
      authority.remove_prefix(at + 1);
    }
    size_t k = 0;
    if (!authority.empty() && authority[0] == '[') {  // IP-literal
      const size_t close = authority.find(']');
      if (close == std::string_view::npos || close < 2) return false;
      for (char c : authority.substr(1, close - 1))
        if (!IsHex(c) && c != ':' && c != '.' && c != 'v' && c != 'V') return false;
      k = close + 1;
    } else if (!Scan(authority, &k, "")) {
      return false;
    }
    if (k < authority.size()) {
      if (authority[k] != ':') return false;
      for (++k; k < authority.size(); ++k)
        if (!IsDigit(authority[k])) return false;
    }
    i = end;
  }
  if (!Scan(s, &i, ":@/")) return false;  // the path
  if (i < s.size() && s[i] == '?') {
    ++i;
    if (!Scan(s, &i, ":@/?")) return false;
  }
  if (i < s.size() && s[i] == '#') {
    ++i;
    if (!Scan(s, &i, ":@/?")) return false;
  }
  return i == s.size();
}

int Digits(std::string_view s, size_t at, size_t n) {
  if (at + n > s.size()) return -1;
  int v = 0;
  for (size_t k = at; k < at + n; ++k) {
    if (!IsDigit(s[k])) return -1;
    v = v * 10 + (s[k] - '0');
  }
  return v;
}

// RFC 3339 section 5.6 date-time: full-date "T" full-time, with a real calendar day, "T" and
// "Z" in either case, a fraction of any length, and a numeric offset or Z.
bool IsDateTime(std::string_view s) {
  const int year = Digits(s, 0, 4), month = Digits(s, 5, 2), day = Digits(s, 8, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || s.size() < 20) return false;
  if (s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't')) return false;
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (day > kDays[month - 1] || (month == 2 && day == 29 && !leap)) return false;
  const int hour = Digits(s, 11, 2), minute = Digits(s, 14, 2), second = Digits(s, 17, 2);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60) return false;
  if (s[13] != ':' || s[16] != ':') return false;
  size_t i = 19;
  if (i < s.size() && s[i] == '.') {
    const size_t start = ++i;
    while (i < s.size() && IsDigit(s[i]))
      ++i;
    if (i == start) return false;
  }
  if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) return i + 1 == s.size();
  if (i + 6 != s.size() || (s[i] != '+' && s[i] != '-') || s[i + 3] != ':') return false;
  const int oh = Digits(s, i + 1, 2), om = Digits(s, i + 4, 2);
  return oh >= 0 && oh <= 23 && om >= 0 && om <= 59;
}

// ---------------------------------------------------------------- messages

std::string Show(const json& v) {
  return v.is_string() ? v.get<std::string>() : v.dump();
}

std::string TypeNames(uint8_t types) {
  static constexpr std::pair<uint8_t, const char*> kNames[] = {
      {kObject, "an object"}, {kArray, "an array"},     {kString, "a string"},
      {kNumber, "a number"},  {kInteger, "an integer"}, {kBoolean, "true or false"},
      {kNull, "null"}};
  std::string out;
  for (const auto& [bit, name] : kNames) {
    if (!(types & bit) || (bit == kInteger && (types & kNumber))) continue;
    if (!out.empty()) out += " or ";
    out += name;
  }
  return out;
}

uint8_t TypeOf(const json& v) {
  switch (v.type()) {
    case json::value_t::null:
      return kNull;
    case json::value_t::boolean:
      return kBoolean;
    case json::value_t::object:
      return kObject;
    case json::value_t::array:
      return kArray;
    case json::value_t::string:
      return kString;
    default:
      return kNumber;
  }
}

bool TypeMatches(uint8_t accepted, const json& v) {
  const uint8_t t = TypeOf(v);
  if (accepted & t) return true;
  if (t == kNumber && (accepted & kInteger)) {
    if (v.is_number_integer()) return true;
    const double d = v.get<double>();
    return std::isfinite(d) && std::floor(d) == d;
  }
  return false;
}

// A JSON pointer as a chain of stack frames, built into text only for an error.
struct Path {
  const Path* parent = nullptr;
  std::string_view key;
  size_t index = 0;
  bool is_index = false;
  int depth = 0;

  Path Key(std::string_view k) const { return {this, k, 0, false, depth + 1}; }
  Path Index(size_t i) const { return {this, {}, i, true, depth + 1}; }
  std::string ToString() const {
    std::vector<const Path*> chain;
    for (const Path* p = this; p->parent != nullptr; p = p->parent)
      chain.push_back(p);
    std::string out;
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
      out += '/';
      if ((*it)->is_index) {
        out += std::to_string((*it)->index);
        continue;
      }
      for (char c : (*it)->key) {
        if (c == '~') {
          out += "~0";
        } else if (c == '/') {
          out += "~1";
        } else {
          out += c;
        }
      }
    }
    return out;
  }
};

struct Error {
  std::string pointer;
  std::string message;
  int depth = 0;  // of the instance location: deeper is more specific
};

// ---------------------------------------------------------------- validation

class Validator {
 public:
  explicit Validator(const JsonSchema::Compiled& c) : c_(c) {}

  // True when `v` meets node `n`. With `err`, a failure fills it (the first failure found, or
  // for alternatives the closest branch).
  bool Check(int n, const json& v, const Path& at, Error* err) {
    if (++depth_ > kMaxDepth) {
      --depth_;
      return Fail(err, at, "the schema refers to itself too deeply to validate this value");
    }
    const bool ok = CheckNode(c_.nodes[static_cast<size_t>(n)], v, at, err);
    --depth_;
    return ok;
  }

 private:
  static bool Fail(Error* err, const Path& at, std::string message) {
    if (err != nullptr) *err = {at.ToString(), std::move(message), at.depth};
    return false;
  }

  bool CheckNode(const Node& s, const json& v, const Path& at, Error* err) {
    if (s.ref >= 0) return Check(s.ref, v, at, err);
    if (s.trivially_true) return true;
    if (s.always_false) return Fail(err, at, "is not allowed here");
    if (s.types != 0 && !TypeMatches(s.types, v)) {
      return Fail(err, at, "must be " + TypeNames(s.types));
    }
    if (s.constant && !(*s.constant == v)) return Fail(err, at, "must be " + Show(*s.constant));
    if (s.has_enum && !InEnum(s, v)) return Fail(err, at, EnumMessage(s));
    if (v.is_string() && !CheckString(s, v.get_ref<const std::string&>(), at, err)) return false;
    if (v.is_number() && !CheckNumber(s, v.get<double>(), at, err)) return false;
    if (v.is_object() && !CheckObject(s, v, at, err)) return false;
    if (v.is_array() && !CheckArray(s, v, at, err)) return false;
    for (int sub : s.all_of)
      if (!Check(sub, v, at, err)) return false;
    if (!s.any_of.empty() && !CheckAnyOf(s.any_of, v, at, err)) return false;
    if (!s.one_of.empty() && !CheckOneOf(s.one_of, v, at, err)) return false;
    if (s.not_schema >= 0 && Check(s.not_schema, v, at, nullptr)) {
      return Fail(err, at,
                  c_.nodes[static_cast<size_t>(s.not_schema)].trivially_true
                      ? "is not allowed here"
                      : "must not match the schema it matches");
    }
    if (s.if_schema >= 0) {
      const int branch = Check(s.if_schema, v, at, nullptr) ? s.then_schema : s.else_schema;
      if (branch >= 0 && !Check(branch, v, at, err)) return false;
    }
    return true;
  }

  static bool InEnum(const Node& s, const json& v) {
    if (s.enum_strings.size() == s.enumeration.size()) {  // GS1's vocabularies: a lookup
      return v.is_string() && std::binary_search(s.enum_strings.begin(), s.enum_strings.end(),
                                                 v.get_ref<const std::string&>());
    }
    for (const json& e : s.enumeration)
      if (e == v) return true;
    return false;
  }

  static std::string EnumMessage(const Node& s) {
    if (s.enumeration.size() == 1) return "must be " + Show(s.enumeration[0]);
    std::string out = "must be one of ";
    for (size_t i = 0; i < s.enumeration.size(); ++i) {
      if (i > 0) out += ", ";
      out += Show(s.enumeration[i]);
    }
    return out;
  }

  static size_t CodePoints(std::string_view s) {
    size_t n = 0;
    for (char c : s)
      n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    return n;
  }

  static bool CheckString(const Node& s, const std::string& v, const Path& at, Error* err) {
    if (s.min_length || s.max_length) {
      const size_t n = CodePoints(v);
      if (s.min_length && n < *s.min_length)
        return Fail(err, at, "must be at least " + std::to_string(*s.min_length) + " characters");
      if (s.max_length && n > *s.max_length)
        return Fail(err, at, "must be at most " + std::to_string(*s.max_length) + " characters");
    }
    if (s.pattern && !std::regex_search(v, s.pattern->re)) {
      return Fail(err, at, "must match the pattern " + s.pattern->source);
    }
    if (s.format == Fmt::kUri && !IsUri(v)) {
      return Fail(err, at, "must be an absolute URI (RFC 3986), e.g. urn:epc:id:sgtin:...");
    }
    if (s.format == Fmt::kDateTime && !IsDateTime(v)) {
      return Fail(err, at,
                  "must be an RFC 3339 date-time with a time zone, e.g. 2024-05-01T08:30:00Z");
    }
    return true;
  }

  // A bound as the schema author wrote it: 10, not 10.0.
  static std::string Num(double d) {
    if (std::floor(d) == d && std::fabs(d) < 1e15) {
      return std::to_string(static_cast<int64_t>(d));
    }
    return json(d).dump();
  }

  static bool CheckNumber(const Node& s, double d, const Path& at, Error* err) {
    if (s.minimum && d < *s.minimum) return Fail(err, at, "must be >= " + Num(*s.minimum));
    if (s.maximum && d > *s.maximum) return Fail(err, at, "must be <= " + Num(*s.maximum));
    if (s.exclusive_minimum && d <= *s.exclusive_minimum)
      return Fail(err, at, "must be > " + Num(*s.exclusive_minimum));
    if (s.exclusive_maximum && d >= *s.exclusive_maximum)
      return Fail(err, at, "must be < " + Num(*s.exclusive_maximum));
    return true;
  }

  int PropertySchema(const Node& s, const std::string& key) const {
    auto it = std::lower_bound(s.properties.begin(), s.properties.end(), key,
                               [](const auto& p, const std::string& k) { return p.first < k; });
    return it != s.properties.end() && it->first == key ? it->second : -1;
  }

  bool CheckObject(const Node& s, const json& v, const Path& at, Error* err) {
    if (s.min_properties && v.size() < *s.min_properties)
      return Fail(err, at, "must hold at least " + std::to_string(*s.min_properties) + " fields");
    if (s.max_properties && v.size() > *s.max_properties)
      return Fail(err, at, "must hold at most " + std::to_string(*s.max_properties) + " fields");
    for (const std::string& name : s.required) {
      if (!v.contains(name)) {
        return Fail(err, at.Key(name), "missing required field \"" + name + "\"");
      }
    }
    const bool by_key = !s.properties.empty() || !s.pattern_properties.empty() ||
                        s.additional >= 0 || s.property_names >= 0;
    if (!by_key) return true;
    for (const auto& [key, value] : v.items()) {
      const Path kp = at.Key(key);
      if (s.property_names >= 0 && !NameAllowed(s.property_names, key, kp)) {
        if (err == nullptr) return false;
        Check(s.property_names, json(key), kp, err);
        err->message = "field name \"" + key + "\" is not allowed here: " + err->message;
        return false;
      }
      bool matched = false;
      if (const int p = PropertySchema(s, key); p >= 0) {
        matched = true;
        if (!Check(p, value, kp, err)) return false;
      }
      for (const auto& [pattern, sub] : s.pattern_properties) {
        if (!std::regex_search(key, pattern.re)) continue;
        matched = true;
        if (!Check(sub, value, kp, err)) return false;
      }
      if (!matched && s.additional >= 0) {
        if (c_.nodes[static_cast<size_t>(s.additional)].always_false) {
          return Fail(err, kp, "field \"" + key + "\" is not allowed here");
        }
        if (!Check(s.additional, value, kp, err)) return false;
      }
    }
    return true;
  }

  // The verdict of propertyNames schema `n` on `key`, remembered for this validation: the
  // events of a document repeat the same few keys thousands of times.
  bool NameAllowed(int n, const std::string& key, const Path& at) {
    const auto [it, fresh] = names_.try_emplace({n, key}, false);
    if (fresh) it->second = Check(n, json(key), at, nullptr);
    return it->second;
  }

  bool CheckArray(const Node& s, const json& v, const Path& at, Error* err) {
    if (s.min_items && v.size() < *s.min_items) {
      return Fail(err, at,
                  *s.min_items == 1
                      ? std::string("must not be empty")
                      : "must hold at least " + std::to_string(*s.min_items) + " entries");
    }
    if (s.max_items && v.size() > *s.max_items)
      return Fail(err, at, "must hold at most " + std::to_string(*s.max_items) + " entries");
    for (size_t i = 0; i < v.size(); ++i) {
      int sub = s.items;
      if (!s.tuple_items.empty())
        sub = i < s.tuple_items.size() ? s.tuple_items[i] : s.additional_items;
      if (sub >= 0 && !Check(sub, v[i], at.Index(i), err)) return false;
    }
    if (s.unique_items) {
      // EPC lists declare uniqueItems and can be long: strings are compared through a set;
      // other entries pairwise, by JSON equality (1 and 1.0 are equal).
      std::map<std::string_view, size_t> strings;
      for (size_t i = 0; i < v.size(); ++i) {
        size_t repeated = i;
        if (v[i].is_string()) {
          repeated = strings.emplace(v[i].get_ref<const std::string&>(), i).first->second;
        } else {
          for (size_t j = 0; j < i && repeated == i; ++j)
            if (v[j] == v[i]) repeated = j;
        }
        if (repeated != i) {
          return Fail(err, at.Index(i),
                      "repeats entry " + std::to_string(repeated) + " (entries must be unique)");
        }
      }
    }
    return true;
  }

  // The error of the closest failing branch: the deepest instance location; at the same depth
  // and location, the branches' messages joined ("must be one of ..., or must be an absolute
  // URI").
  bool BestBranchError(const std::vector<int>& branches, const json& v, const Path& at,
                       Error* err) {
    std::optional<Error> best;
    for (int b : branches) {
      Error e;
      Check(b, v, at, &e);
      if (!best || e.depth > best->depth) {
        best = std::move(e);
      } else if (e.depth == best->depth && e.pointer == best->pointer &&
                 best->message.find(e.message) == std::string::npos) {
        best->message += ", or " + e.message;
      }
    }
    *err = std::move(*best);
    return false;
  }

  bool CheckAnyOf(const std::vector<int>& branches, const json& v, const Path& at, Error* err) {
    for (int b : branches)
      if (Check(b, v, at, nullptr)) return true;
    if (err == nullptr) return false;
    return BestBranchError(branches, v, at, err);
  }

  bool CheckOneOf(const std::vector<int>& branches, const json& v, const Path& at, Error* err) {
    int passed = 0;
    for (int b : branches)
      passed += Check(b, v, at, nullptr) ? 1 : 0;
    if (passed == 1) return true;
    if (passed > 1) return Fail(err, at, "matches more than one of the alternatives it allows");
    if (err == nullptr) return false;
    return BestBranchError(branches, v, at, err);
  }

  const JsonSchema::Compiled& c_;
  int depth_ = 0;
  // Keys point into the instance, which outlives the validator.
  std::map<std::pair<int, std::string_view>, bool> names_;
};

// ---------------------------------------------------------------- compilation

std::string EscapeKey(std::string_view key) {
  std::string out;
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

class Compiler {
 public:
  explicit Compiler(const json& root) : root_(root) {}

  Result<JsonSchema::Compiled> Run() {
    out_.root = Compile(root_, "");
    // Resolve the $refs; a target not compiled yet is compiled now (and may add refs).
    for (size_t i = 0; i < refs_.size() && error_.ok(); ++i) {
      const auto [node, target] = refs_[i];
      int index = -1;
      if (auto it = memo_.find(target); it != memo_.end()) {
        index = it->second;
      } else {
        const json* sub = nullptr;
        try {
          sub = &root_.at(json::json_pointer(target));
        } catch (const json::exception&) {
          Fail(target, "$ref to \"#" + target + "\" names nothing in the schema");
          break;
        }
        index = Compile(*sub, target);
      }
      out_.nodes[static_cast<size_t>(node)].ref = index;
    }
    if (error_.ok()) CheckRefCycles();
    if (!error_.ok()) return error_;
    return std::move(out_);
  }

 private:
  void Fail(const std::string& pointer, std::string message) {
    if (error_.ok()) error_ = Status::Invalid(pointer, std::string(kRule), std::move(message));
  }

  // A chain of $refs that comes back to itself would recurse forever on any instance.
  void CheckRefCycles() {
    for (size_t start = 0; start < out_.nodes.size(); ++start) {
      int n = static_cast<int>(start);
      for (size_t steps = 0; n >= 0 && out_.nodes[static_cast<size_t>(n)].ref >= 0; ++steps) {
        if (steps > out_.nodes.size()) {
          Fail("", "a chain of $ref comes back to itself");
          return;
        }
        n = out_.nodes[static_cast<size_t>(n)].ref;
      }
    }
  }

  static std::optional<uint8_t> TypeBitOf(const std::string& name) {
    static const std::map<std::string, uint8_t> kTypes = {
        {"null", kNull},     {"boolean", kBoolean}, {"object", kObject},  {"array", kArray},
        {"number", kNumber}, {"string", kString},   {"integer", kInteger}};
    auto it = kTypes.find(name);
    if (it == kTypes.end()) return std::nullopt;
    return it->second;
  }

  std::optional<Pattern> CompilePattern(const json& p, const std::string& at) {
    if (!p.is_string()) {
      Fail(at, "pattern must be a string");
      return std::nullopt;
    }
    try {
      auto flags = std::regex::ECMAScript;
#if defined(__GLIBCXX__)
      // libstdc++'s default matcher recurses once per character and overflows the stack on
      // long strings; the polynomial (breadth-first) one does not, and supports the lookaheads
      // GS1's patterns use.
      flags |= std::regex_constants::__polynomial;
#endif
      return Pattern{p.get<std::string>(), std::regex(p.get<std::string>(), flags)};
    } catch (const std::regex_error& e) {
      Fail(at, "pattern is not a valid regular expression: " + std::string(e.what()));
      return std::nullopt;
    }
  }

  std::optional<size_t> Count(const json& v, const std::string& at) {
    if (!v.is_number_unsigned() && !(v.is_number_integer() && v.get<int64_t>() >= 0)) {
      Fail(at, "must be a non-negative integer");
      return std::nullopt;
    }
    return v.get<size_t>();
  }

  std::optional<double> Bound(const json& v, const std::string& at) {
    if (!v.is_number()) {
      Fail(at, "must be a number");
      return std::nullopt;
    }
    return v.get<double>();
  }

  std::vector<int> List(const json& v, const std::string& at) {
    std::vector<int> out;
    if (!v.is_array() || v.empty()) {
      Fail(at, "must be a non-empty array of schemas");
      return out;
    }
    for (size_t i = 0; i < v.size(); ++i)
      out.push_back(Compile(v[i], at + "/" + std::to_string(i)));
    return out;
  }

  int Compile(const json& s, const std::string& at) {
    if (auto it = memo_.find(at); it != memo_.end()) return it->second;
    const int index = static_cast<int>(out_.nodes.size());
    out_.nodes.emplace_back();
    memo_[at] = index;
    Node n;
    if (s.is_boolean()) {
      n.always_false = !s.get<bool>();
      n.trivially_true = s.get<bool>();
      out_.nodes[static_cast<size_t>(index)] = std::move(n);
      return index;
    }
    if (!s.is_object()) {
      Fail(at, "a schema must be an object or a boolean");
      return index;
    }
    if (auto ref = s.find("$ref"); ref != s.end()) {
      const std::string target = ref->is_string() ? ref->get<std::string>() : "";
      if (target.empty() || target[0] != '#') {
        Fail(at + "/$ref", "only references into this schema (\"#...\") are supported");
      } else {
        refs_.emplace_back(index, PercentDecodeLenient(std::string_view(target).substr(1)));
      }
      n.ref = -2;  // resolved in Run
    }
    bool asserts = false;
    for (const auto& [key, v] : s.items()) {
      const std::string kat = at + "/" + EscapeKey(key);
      if (n.ref != -1 && key != "definitions") continue;  // draft-07: $ref hides its siblings
      if (key == "title" || key == "description" || key == "$comment" || key == "examples" ||
          key == "default" || key == "$id" || key == "$schema") {
        continue;
      }
      asserts = asserts || key != "definitions";
      if (key == "definitions") {
        if (!v.is_object()) Fail(kat, "definitions must be an object");
        for (const auto& [name, sub] : v.items())
          Compile(sub, kat + "/" + EscapeKey(name));
      } else if (key == "type") {
        for (const json& t : v.is_array() ? v : json::array({v})) {
          const auto bit = t.is_string() ? TypeBitOf(t.get<std::string>()) : std::nullopt;
          if (!bit) {
            Fail(kat, "unknown type " + t.dump());
            break;
          }
          n.types |= *bit;
        }
      } else if (key == "properties") {
        if (!v.is_object()) Fail(kat, "properties must be an object");
        for (const auto& [name, sub] : v.items())
          n.properties.emplace_back(name, Compile(sub, kat + "/" + EscapeKey(name)));
        std::sort(n.properties.begin(), n.properties.end());
      } else if (key == "required") {
        if (!v.is_array()) Fail(kat, "required must be an array of names");
        for (const json& name : v) {
          if (!name.is_string()) Fail(kat, "required must be an array of names");
          if (name.is_string()) n.required.push_back(name.get<std::string>());
        }
      } else if (key == "additionalProperties") {
        n.additional = Compile(v, kat);
      } else if (key == "patternProperties") {
        if (!v.is_object()) Fail(kat, "patternProperties must be an object");
        for (const auto& [source, sub] : v.items()) {
          const std::string pat = kat + "/" + EscapeKey(source);
          if (auto p = CompilePattern(json(source), pat))
            n.pattern_properties.emplace_back(std::move(*p), Compile(sub, pat));
        }
      } else if (key == "propertyNames") {
        n.property_names = Compile(v, kat);
      } else if (key == "items") {
        if (v.is_array()) {
          n.tuple_items = List(v, kat);
        } else {
          n.items = Compile(v, kat);
        }
      } else if (key == "additionalItems") {
        n.additional_items = Compile(v, kat);
      } else if (key == "minItems") {
        n.min_items = Count(v, kat);
      } else if (key == "maxItems") {
        n.max_items = Count(v, kat);
      } else if (key == "minProperties") {
        n.min_properties = Count(v, kat);
      } else if (key == "maxProperties") {
        n.max_properties = Count(v, kat);
      } else if (key == "minLength") {
        n.min_length = Count(v, kat);
      } else if (key == "maxLength") {
        n.max_length = Count(v, kat);
      } else if (key == "minimum") {
        n.minimum = Bound(v, kat);
      } else if (key == "maximum") {
        n.maximum = Bound(v, kat);
      } else if (key == "exclusiveMinimum") {
        n.exclusive_minimum = Bound(v, kat);
      } else if (key == "exclusiveMaximum") {
        n.exclusive_maximum = Bound(v, kat);
      } else if (key == "uniqueItems") {
        n.unique_items = v.is_boolean() && v.get<bool>();
        if (!v.is_boolean()) Fail(kat, "uniqueItems must be true or false");
      } else if (key == "enum") {
        if (!v.is_array()) Fail(kat, "enum must be an array");
        n.has_enum = true;
        n.enumeration.assign(v.begin(), v.end());
        for (const json& e : n.enumeration)
          if (e.is_string()) n.enum_strings.push_back(e.get<std::string>());
        std::sort(n.enum_strings.begin(), n.enum_strings.end());
      } else if (key == "const") {
        n.constant = v;
      } else if (key == "allOf") {
        n.all_of = List(v, kat);
      } else if (key == "anyOf") {
        n.any_of = List(v, kat);
      } else if (key == "oneOf") {
        n.one_of = List(v, kat);
      } else if (key == "not") {
        n.not_schema = Compile(v, kat);
      } else if (key == "if") {
        n.if_schema = Compile(v, kat);
      } else if (key == "then") {
        n.then_schema = Compile(v, kat);
      } else if (key == "else") {
        n.else_schema = Compile(v, kat);
      } else if (key == "pattern") {
        n.pattern = CompilePattern(v, kat);
      } else if (key == "format") {
        const std::string f = v.is_string() ? v.get<std::string>() : "";
        if (f == "uri") {
          n.format = Fmt::kUri;
        } else if (f == "date-time") {
          n.format = Fmt::kDateTime;
        } else {
          Fail(kat, "format " + v.dump() + " is not supported");
        }
      } else {
        Fail(kat, "keyword \"" + key + "\" is not supported");
      }
    }
    if (n.if_schema < 0) n.then_schema = n.else_schema = -1;  // draft-07: ignored without if
    n.trivially_true = n.ref == -1 && !asserts;
    out_.nodes[static_cast<size_t>(index)] = std::move(n);
    return index;
  }

  const json& root_;
  JsonSchema::Compiled out_;
  std::map<std::string, int> memo_;                // schema pointer -> node
  std::vector<std::pair<int, std::string>> refs_;  // node, target pointer
  Status error_;
};

}  // namespace

Result<JsonSchema> JsonSchema::Compile(const nlohmann::json& schema) {
  auto compiled = Compiler(schema).Run();
  if (!compiled.ok()) return compiled.status();
  return JsonSchema(std::make_shared<const Compiled>(std::move(compiled).value()));
}

Status JsonSchema::Validate(const nlohmann::json& instance) const {
  Validator validator(*compiled_);
  const Path root;
  if (validator.Check(compiled_->root, instance, root, nullptr)) return Status::Ok();
  Error err;
  Validator(*compiled_).Check(compiled_->root, instance, root, &err);
  return Status::Invalid(err.pointer, std::string(kRule), err.message);
}

const JsonSchema& EpcisSchema() {
  static const JsonSchema schema = [] {
    auto compiled =
        JsonSchema::Compile(nlohmann::json::parse(generated::JsonSchemaBlobs()[0].bytes));
    // The schema is compiled into the binary and tested: failing here is a build defect.
    if (!compiled.ok())
      throw std::logic_error("EPCIS JSON schema: " + compiled.status().ToString());
    return std::move(compiled).value();
  }();
  return schema;
}

}  // namespace battrace::epcis
