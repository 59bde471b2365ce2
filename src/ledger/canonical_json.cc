// RFC 8785 serializer over nlohmann::json and nlohmann::ordered_json.
//
// Numbers: std::to_chars gives the shortest digits that round-trip a double (the s, k, n of
// ECMAScript Number::toString, ECMA-262 section 7.1.12.1); the ECMAScript layout rules then
// choose between plain digits, a decimal point and an exponent. Member names sort by UTF-16
// code units: this matches code point order except that U+E000..U+FFFF sort after the
// supplementary planes (whose surrogates start at 0xD800), which a weight function captures.
#include "ledger/canonical_json.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <string_view>
#include <vector>

#include "ledger/utf8.h"

namespace battrace::ledger {
namespace {

Status NumberError(std::string message) {
  return Status::Invalid("", "json.number", std::move(message));
}

// Appends the ECMAScript Number::toString form of a finite, non-zero, positive double.
void AppendPositiveEsNumber(double d, std::string* out) {
  char buf[32];
  const auto res = std::to_chars(buf, buf + sizeof(buf), d, std::chars_format::scientific);
  const std::string_view sci(buf, static_cast<size_t>(res.ptr - buf));  // "D[.DDD]e±XX"
  const size_t e_pos = sci.find('e');
  char digits[20];
  int k = 0;
  for (size_t i = 0; i < e_pos; ++i) {
    if (sci[i] != '.') digits[k++] = sci[i];
  }
  int exponent = 0;
  for (size_t i = e_pos + 2; i < sci.size(); ++i)
    exponent = exponent * 10 + (sci[i] - '0');
  if (sci[e_pos + 1] == '-') exponent = -exponent;
  const int n = exponent + 1;  // the value is 0.DIGITS * 10^n
  const std::string_view s(digits, static_cast<size_t>(k));
  if (k <= n && n <= 21) {
    out->append(s);
    out->append(static_cast<size_t>(n - k), '0');
  } else if (0 < n && n <= 21) {
    out->append(s.substr(0, static_cast<size_t>(n)));
    out->push_back('.');
    out->append(s.substr(static_cast<size_t>(n)));
  } else if (-6 < n && n <= 0) {
    out->append("0.");
    out->append(static_cast<size_t>(-n), '0');
    out->append(s);
  } else {
    out->push_back(s[0]);
    if (k > 1) {
      out->push_back('.');
      out->append(s.substr(1));
    }
    out->push_back('e');
    out->push_back(n - 1 < 0 ? '-' : '+');
    char exp_buf[8];
    const auto exp_res = std::to_chars(exp_buf, exp_buf + sizeof(exp_buf), std::abs(n - 1));
    out->append(exp_buf, exp_res.ptr);
  }
}

Status AppendDouble(double d, std::string* out) {
  if (!std::isfinite(d)) return NumberError("NaN and Infinity have no JSON form");
  if (d == 0) {  // both +0 and -0
    out->push_back('0');
    return Status::Ok();
  }
  if (d < 0) out->push_back('-');
  AppendPositiveEsNumber(std::fabs(d), out);
  return Status::Ok();
}

// Integers: exact digits, provided they are also the ECMAScript form of the same number.
template <typename Int>
Status AppendInteger(Int v, std::string* out) {
  constexpr uint64_t kMaxExact = uint64_t{1} << 53;
  char buf[24];
  const auto res = std::to_chars(buf, buf + sizeof(buf), v);
  const std::string_view exact(buf, static_cast<size_t>(res.ptr - buf));
  const uint64_t magnitude =
      v < 0 ? uint64_t{0} - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  if (magnitude > kMaxExact) {
    std::string es;
    if (v < 0) es.push_back('-');
    AppendPositiveEsNumber(static_cast<double>(magnitude), &es);
    if (es != exact) {
      return Status::Invalid("", "json.number.range",
                             "integer " + std::string(exact) +
                                 " is not exactly representable as a JSON (IEEE double) number");
    }
  }
  out->append(exact);
  return Status::Ok();
}

// Appends `text` as a JSON string with RFC 8785's minimal escaping.
Status AppendString(std::string_view text, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  size_t run = 0;  // start of the pending run of bytes copied as they are
  size_t pos = 0;
  while (pos < text.size()) {
    const auto c = static_cast<uint8_t>(text[pos]);
    if (c >= 0x80) {
      uint32_t cp;
      if (!NextCodePoint(text, &pos, &cp)) {
        return Status::Invalid("", "json.utf8", "string is not valid UTF-8");
      }
      continue;
    }
    if (c >= 0x20 && c != '"' && c != '\\') {
      ++pos;
      continue;
    }
    out->append(text.substr(run, pos - run));
    out->push_back('\\');
    switch (c) {
      case '"':
      case '\\':
        out->push_back(static_cast<char>(c));
        break;
      case '\b':
        out->push_back('b');
        break;
      case '\f':
        out->push_back('f');
        break;
      case '\n':
        out->push_back('n');
        break;
      case '\r':
        out->push_back('r');
        break;
      case '\t':
        out->push_back('t');
        break;
      default:
        out->append("u00");
        out->push_back(kHex[c >> 4]);
        out->push_back(kHex[c & 0xf]);
    }
    run = ++pos;
  }
  out->append(text.substr(run));
  out->push_back('"');
  return Status::Ok();
}

// Orders code points as their UTF-16 code units order.
uint32_t Utf16Weight(uint32_t cp) {
  return cp >= 0xE000 && cp <= 0xFFFF ? cp + 0x100000 : cp;
}

// UTF-16 code unit order of two valid UTF-8 strings.
bool Utf16Less(std::string_view a, std::string_view b) {
  const auto mismatch = std::mismatch(a.begin(), a.end(), b.begin(), b.end());
  size_t i = static_cast<size_t>(mismatch.first - a.begin());
  if (i == a.size() || i == b.size()) return a.size() < b.size();
  // Step back to the first byte of the code point in which the strings differ.
  while (i > 0 && (static_cast<uint8_t>(a[i]) & 0xC0) == 0x80)
    --i;
  size_t pa = i;
  size_t pb = i;
  uint32_t ca = 0;
  uint32_t cb = 0;
  NextCodePoint(a, &pa, &ca);
  NextCodePoint(b, &pb, &cb);
  return Utf16Weight(ca) < Utf16Weight(cb);
}

std::string PointerToken(std::string_view key) {
  std::string out = "/";
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

template <typename Json>
Status Append(const Json& v, std::string* out);

template <typename Json>
Status AppendMember(const std::string& key, const Json& value, std::string* out) {
  BATTRACE_RETURN_IF_ERROR(AppendString(key, out));
  out->push_back(':');
  Status st = Append(value, out);
  return st.ok() ? st : st.WithFieldPrefix(PointerToken(key));
}

// Where a member named `name` would begin in the canonical form of an object: AppendObject sets
// `offset` to that of the first member whose name does not sort before `name`, or of the closing
// brace, and `present` when that member is named `name`.
struct Insertion {
  std::string_view name;
  size_t offset = std::string::npos;
  bool present = false;
};

template <typename Json>
Status AppendObject(const typename Json::object_t& object, std::string* out,
                    Insertion* insertion = nullptr) {
  using Member = typename Json::object_t::value_type;
  for (const Member& m : object) {
    if (!IsValidUtf8(m.first)) {
      return Status::Invalid(PointerToken(m.first), "json.utf8", "member name is not valid UTF-8");
    }
  }
  const auto less = [](const Member& a, const Member& b) { return Utf16Less(a.first, b.first); };
  out->push_back('{');
  bool first = true;
  const auto emit = [&](const Member& m) -> Status {
    if (!first) out->push_back(',');
    first = false;
    if (insertion != nullptr && insertion->offset == std::string::npos &&
        !Utf16Less(m.first, insertion->name)) {
      insertion->offset = out->size();
      insertion->present = m.first == insertion->name;
    }
    return AppendMember(m.first, m.second, out);
  };
  if (std::is_sorted(object.begin(), object.end(), less)) {
    for (const Member& m : object)
      BATTRACE_RETURN_IF_ERROR(emit(m));
  } else {
    std::vector<const Member*> sorted;
    sorted.reserve(object.size());
    for (const Member& m : object)
      sorted.push_back(&m);
    std::sort(sorted.begin(), sorted.end(),
              [&](const Member* a, const Member* b) { return less(*a, *b); });
    for (const Member* m : sorted)
      BATTRACE_RETURN_IF_ERROR(emit(*m));
  }
  if (insertion != nullptr && insertion->offset == std::string::npos) {
    insertion->offset = out->size();
  }
  out->push_back('}');
  return Status::Ok();
}

template <typename Json>
Status Append(const Json& v, std::string* out) {
  using Type = nlohmann::json::value_t;
  switch (v.type()) {
    case Type::null:
      out->append("null");
      return Status::Ok();
    case Type::boolean:
      out->append(v.template get<bool>() ? "true" : "false");
      return Status::Ok();
    case Type::number_integer:
      return AppendInteger(v.template get<int64_t>(), out);
    case Type::number_unsigned:
      return AppendInteger(v.template get<uint64_t>(), out);
    case Type::number_float:
      return AppendDouble(v.template get<double>(), out);
    case Type::string:
      return AppendString(v.template get_ref<const std::string&>(), out);
    case Type::array: {
      out->push_back('[');
      size_t i = 0;
      for (const Json& e : v) {
        if (i != 0) out->push_back(',');
        Status st = Append(e, out);
        if (!st.ok()) return st.WithFieldPrefix("/" + std::to_string(i));
        ++i;
      }
      out->push_back(']');
      return Status::Ok();
    }
    case Type::object:
      return AppendObject<Json>(v.template get_ref<const typename Json::object_t&>(), out);
    case Type::binary:
    case Type::discarded:
      break;
  }
  return Status::Invalid("", "json.type", "binary and discarded values have no JSON form");
}

template <typename Json>
Result<std::string> ToCanonical(const Json& value) {
  std::string out;
  Status st = Append(value, &out);
  if (!st.ok()) return st;
  return out;
}

}  // namespace

Status AppendCanonicalJson(const nlohmann::json& value, std::string* out) {
  return Append(value, out);
}
Status AppendCanonicalJson(const nlohmann::ordered_json& value, std::string* out) {
  return Append(value, out);
}
Result<std::string> CanonicalJson(const nlohmann::json& value) {
  return ToCanonical(value);
}
Result<std::string> CanonicalJson(const nlohmann::ordered_json& value) {
  return ToCanonical(value);
}

Status CanonicalJsonWithMember(const nlohmann::json& object, const std::string& name,
                               const nlohmann::json& value, std::string* without,
                               std::string* with) {
  if (!object.is_object()) return Status::Internal("CanonicalJsonWithMember needs an object");
  if (!IsValidUtf8(name)) {
    return Status::Invalid(PointerToken(name), "json.utf8", "member name is not valid UTF-8");
  }
  without->clear();
  Insertion insertion{name};
  BATTRACE_RETURN_IF_ERROR(AppendObject<nlohmann::json>(
      object.get_ref<const nlohmann::json::object_t&>(), without, &insertion));
  if (insertion.present) {
    return Status::Internal("CanonicalJsonWithMember: the object already has \"" + name + "\"");
  }
  // The members sort the same with the new one among them, so its text goes at the offset: before
  // the member found there, or last (after a comma unless the object is empty).
  std::string member;
  BATTRACE_RETURN_IF_ERROR(AppendMember(name, value, &member));
  const size_t at = insertion.offset;
  const bool last = (*without)[at] == '}';
  with->clear();
  with->reserve(without->size() + member.size() + 1);
  with->append(*without, 0, at);
  if (last && at > 1) with->push_back(',');
  with->append(member);
  if (!last) with->push_back(',');
  with->append(*without, at);
  return Status::Ok();
}

}  // namespace battrace::ledger
