// The strict JSON field layer: value readers and error construction (see strict_json.h).
#include "domain/strict_json.h"

#include <fmt/format.h>

#include <cmath>
#include <vector>

namespace battrace::strict_json {
namespace {

void AppendEscaped(std::string* out, std::string_view key) {
  for (char c : key) {
    if (c == '~') {
      *out += "~0";
    } else if (c == '/') {
      *out += "~1";
    } else {
      *out += c;
    }
  }
}

bool Allowed(Charset charset, unsigned char c) {
  if (charset == Charset::kIdentifier) return c >= 0x21 && c <= 0x7E;
  return c >= 0x20 && c != 0x7F;
}

}  // namespace

std::string Path::ToString() const {
  std::vector<const Path*> chain;
  for (const Path* p = this; p->parent_ != nullptr; p = p->parent_)
    chain.push_back(p);
  std::string out;
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    out += '/';
    if ((*it)->is_index_) {
      out += std::to_string((*it)->index_);
    } else {
      AppendEscaped(&out, (*it)->key_);
    }
  }
  return out;
}

Status ParseDocument(std::string_view json, size_t max_bytes, std::string_view rule_prefix,
                     element* root) {
  const std::string prefix(rule_prefix);
  if (json.size() > max_bytes) {
    return Status::Invalid(
        "", prefix + ".too_large",
        fmt::format("document of {} bytes exceeds the limit of {}", json.size(), max_bytes));
  }
  thread_local simdjson::dom::parser parser;
  const auto error = parser.parse(json.data(), json.size(), true).get(*root);
  if (error) {
    return Status::Invalid("", prefix + ".json",
                           fmt::format("not valid JSON: {}", simdjson::error_message(error)));
  }
  return Status::Ok();
}

Status Reader::Error(const Path& path, std::string_view what, std::string message) const {
  std::string rule(prefix_);
  rule += '.';
  rule += what;
  return Status::Invalid(path.ToString(), std::move(rule), std::move(message));
}

Status Reader::Relocate(const Status& failed, const Path& path) {
  return Status::Invalid(path.ToString(), failed.rule(), failed.message());
}

Status Reader::WrongType(const Path& path, std::string_view expected) const {
  return Error(path, "type", fmt::format("must be {}", expected));
}

Status Reader::CheckKind(element v, const Path& path, Kind kind) const {
  switch (kind) {
    case Kind::kString:
      return v.is_string() ? Status::Ok() : WrongType(path, "a string");
    case Kind::kNumber:
      return v.is_number() ? Status::Ok() : WrongType(path, "a number");
    case Kind::kBool:
      return v.is_bool() ? Status::Ok() : WrongType(path, "true or false");
    case Kind::kObject:
      return v.is_object() ? Status::Ok() : WrongType(path, "an object");
    case Kind::kStringList:
    case Kind::kObjectList:
      return v.is_array() ? Status::Ok() : WrongType(path, "an array");
  }
  return Status::Ok();
}

Status Reader::Object(element v, const Path& path, object* out) const {
  if (v.get_object().get(*out)) return WrongType(path, "an object");
  return Status::Ok();
}

Status Reader::Array(element v, const Path& path, bool non_empty, array* out) const {
  if (v.get_array().get(*out)) return WrongType(path, "an array");
  const size_t n = out->size();
  if (n > kMaxListEntries) {
    return Error(path, "too_many",
                 fmt::format("list of {} entries exceeds the limit of {}", n, kMaxListEntries));
  }
  if (non_empty && n == 0) return Error(path, "empty", "must not be empty");
  return Status::Ok();
}

Status Reader::String(element v, const Path& path, Charset charset, size_t max_bytes,
                      std::string_view* out) const {
  if (v.get_string().get(*out)) return WrongType(path, "a string");
  if (out->empty()) return Error(path, "empty", "must not be empty");
  if (out->size() > max_bytes) {
    return Error(path, "too_long",
                 fmt::format("string of {} bytes exceeds the limit of {}", out->size(), max_bytes));
  }
  for (size_t i = 0; i < out->size(); ++i) {
    const auto c = static_cast<unsigned char>((*out)[i]);
    if (c < 0x80 && !Allowed(charset, c)) {
      return Error(path, "characters",
                   fmt::format("byte {} is not allowed here ({})", i + 1,
                               charset == Charset::kIdentifier ? "visible ASCII only"
                                                               : "no control characters"));
    }
    if (c >= 0x80 && charset == Charset::kIdentifier) {
      return Error(path, "characters",
                   fmt::format("byte {} is not allowed here (visible ASCII only)", i + 1));
    }
  }
  return Status::Ok();
}

Status Reader::Number(element v, const Path& path, double* out) const {
  if (!v.is_number() || v.get_double().get(*out)) return WrongType(path, "a number");
  if (!std::isfinite(*out) || *out < 0) {
    return Error(path, "range", "must be a finite number >= 0");
  }
  if (*out == 0) *out = 0;  // -0 reads as 0, so the stored form is canonical
  return Status::Ok();
}

Status Reader::Bool(element v, const Path& path, bool* out) const {
  if (v.get_bool().get(*out)) return WrongType(path, "true or false");
  return Status::Ok();
}

Status Reader::Enum(element v, const Path& path, std::span<const std::string_view> names,
                    size_t* out) const {
  std::string_view s;
  if (v.get_string().get(s)) return WrongType(path, "a string");
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == s) {
      *out = i;
      return Status::Ok();
    }
  }
  return Error(path, "enum", fmt::format("\"{}\" is not one of: {}", s, fmt::join(names, ", ")));
}

Status Reader::Date(element v, const Path& path, std::optional<battrace::Date>* out) const {
  std::string_view s;
  if (v.get_string().get(s)) return WrongType(path, "a date string YYYY-MM-DD");
  auto parsed = battrace::Date::Parse(s);
  if (!parsed.ok()) return Relocate(parsed.status(), path);
  *out = *parsed;
  return Status::Ok();
}

Status Reader::Uscc(element v, const Path& path, std::optional<battrace::Uscc>* out) const {
  std::string_view s;
  if (v.get_string().get(s)) return WrongType(path, "a unified social credit code string");
  auto parsed = battrace::Uscc::Parse(s);
  if (!parsed.ok()) return Relocate(parsed.status(), path);
  out->emplace(std::move(parsed).value());
  return Status::Ok();
}

Status Reader::Vin(element v, const Path& path, std::optional<battrace::Vin>* out) const {
  std::string_view s;
  if (v.get_string().get(s)) return WrongType(path, "a VIN string");
  auto parsed = battrace::Vin::Parse(s);
  if (!parsed.ok()) return Relocate(parsed.status(), path);
  out->emplace(std::move(parsed).value());
  return Status::Ok();
}

Status Reader::Division(element v, const Path& path, std::optional<battrace::Division>* out) const {
  std::string_view s;
  if (v.get_string().get(s)) return WrongType(path, "a division code string");
  auto parsed = battrace::Division::Parse(s);
  if (!parsed.ok()) return Relocate(parsed.status(), path);
  out->emplace(std::move(parsed).value());
  return Status::Ok();
}

}  // namespace battrace::strict_json
