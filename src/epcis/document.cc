// Parsing and validating EPCIS documents (see document.h).
#include "epcis/document.h"

#include <array>
#include <set>
#include <string>
#include <utility>
#include <variant>

#include "epcis/json_schema.h"
#include "epcis/xml.h"

namespace battrace::epcis {
namespace {

using json = nlohmann::json;

// Deeper JSON than this is refused before validation (which recurses per level). GS1's
// documents nest about ten levels; extensions may add some.
constexpr size_t kMaxNesting = 64;

// The context a lone event gets when it brings none (POST /epcis/events): the standard one.
constexpr std::string_view kStandardContext =
    "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld";

// The prefixes the standard EPCIS 2.0 context defines, usable without declaring them.
constexpr std::array<std::string_view, 8> kStandardPrefixes = {"epcis", "cbv", "cbvmda", "gs1",
                                                               "rdfs",  "owl", "xsd",    "dcterms"};

// Builds the DOM of one JSON text through nlohmann's SAX interface, refusing a key repeated
// within one object (nlohmann's own parser keeps the last) and nesting deeper than kMaxNesting.
class StrictBuilder {
 public:
  using string_t = json::string_t;

  bool null() { return Add(nullptr); }
  bool boolean(bool v) { return Add(v); }
  bool number_integer(json::number_integer_t v) { return Add(v); }
  bool number_unsigned(json::number_unsigned_t v) { return Add(v); }
  bool number_float(json::number_float_t v, const string_t&) { return Add(v); }
  bool string(string_t& v) { return Add(std::move(v)); }
  bool binary(json::binary_t&) { return Refuse("", "binary values are not JSON"); }
  bool start_object(size_t) { return Open(json::object()); }
  bool start_array(size_t) { return Open(json::array()); }
  bool end_object() { return Close(); }
  bool end_array() { return Close(); }
  bool key(string_t& k) {
    if (stack_.back()->contains(k)) {
      return Refuse(Pointer() + "/" + Escape(k),
                    "key \"" + k + "\" appears more than once in one object");
    }
    key_ = std::move(k);
    return true;
  }
  bool parse_error(size_t position, const std::string&, const json::exception& e) {
    // nlohmann's message is "[json.exception.parse_error.101] parse error at line 1, column
    // 5: ..."; the part after the bracketed id reads well on its own.
    std::string what = e.what();
    if (const size_t close = what.find("] "); close != std::string::npos) what.erase(0, close + 2);
    return Refuse("byte " + std::to_string(position), "not valid JSON: " + what);
  }

  json root;
  Status error;

 private:
  bool Refuse(std::string field, std::string message) {
    if (error.ok()) error = Status::Invalid(std::move(field), "epcis.json", std::move(message));
    return false;
  }

  static std::string Escape(const std::string& key) {
    json::json_pointer p;
    p /= key;
    return p.to_string().substr(1);
  }

  // The pointer of the container being filled, for the error of a repeated key.
  std::string Pointer() const {
    std::string out;
    for (size_t i = 1; i < stack_.size(); ++i)
      out += "/" + path_[i];
    return out;
  }

  json* Place(json&& v) {
    if (stack_.empty()) {
      root = std::move(v);
      return &root;
    }
    json& top = *stack_.back();
    if (top.is_array()) {
      top.push_back(std::move(v));
      return &top.back();
    }
    json& slot = top[key_];
    slot = std::move(v);
    return &slot;
  }

  template <typename T>
  bool Add(T&& v) {
    Place(json(std::forward<T>(v)));
    return true;
  }

  bool Open(json&& container) {
    if (stack_.size() >= kMaxNesting) {
      return Refuse(Pointer(), "nested deeper than " + std::to_string(kMaxNesting) + " levels");
    }
    std::string segment;
    if (!stack_.empty()) {
      segment = stack_.back()->is_array() ? std::to_string(stack_.back()->size()) : Escape(key_);
    }
    stack_.push_back(Place(std::move(container)));
    path_.push_back(std::move(segment));
    return true;
  }

  bool Close() {
    stack_.pop_back();
    path_.pop_back();
    return true;
  }

  std::vector<json*> stack_;
  std::vector<std::string> path_;  // the segment that leads to each open container
  std::string key_;
};

Result<json> ParseStrict(std::string_view body) {
  StrictBuilder builder;
  if (!json::sax_parse(body, &builder, json::input_format_t::json, true)) return builder.error;
  return std::move(builder.root);
}

// The prefixes `context` declares (its terms; a context given by URL declares nothing that
// battrace can see, beyond the standard one's prefixes).
void AddPrefixes(const json& context, std::set<std::string>* out) {
  if (context.is_array()) {
    for (const json& c : context)
      AddPrefixes(c, out);
  } else if (context.is_object()) {
    for (const auto& [term, value] : context.items())
      if (value.is_string() || value.is_object()) out->insert(term);
  }
}

// User extensions must be namespaced (document.h). Walks one event: every key that is not a
// JSON-LD keyword ("@...") is either a standard field at a place the standard defines fields,
// or namespaced: an absolute http(s) or urn IRI, or "prefix:name" with the prefix declared in
// scope. The schema already limits the names at the event's top level and in most of its
// parts; this adds the places it leaves open (readPoint and bizLocation hold "id" and
// extensions) and the prefix check. What an extension holds is its owner's: XML extension
// elements may contain unqualified elements and mixed content ("#text"), so the walk does not
// enter an extension's value.
class ExtensionCheck {
 public:
  explicit ExtensionCheck(const std::set<std::string>& prefixes) : prefixes_(prefixes) {}

  Status Event(const json& event, const std::string& pointer) {
    pointer_ = pointer;
    return Walk(event, false);
  }

 private:
  Status Error(std::string message) const {
    std::string field = pointer_;
    for (const auto& segment : path_) {
      json::json_pointer p;
      if (const auto* key = std::get_if<std::string>(&segment)) {
        p /= *key;
      } else {
        p /= std::get<size_t>(segment);
      }
      field += p.to_string();
    }
    return Status::Invalid(std::move(field), "epcis.extension", std::move(message));
  }

  bool Declared(const std::string& key, size_t colon) const {
    const std::string prefix = key.substr(0, colon);
    for (std::string_view p : kStandardPrefixes)
      if (p == prefix) return true;
    return prefixes_.count(prefix) > 0 || key.starts_with("http://") ||
           key.starts_with("https://") || key.starts_with("urn:");
  }

  // `only_id`: an object whose one standard field is "id" (readPoint, bizLocation).
  Status Walk(const json& v, bool only_id) {
    if (v.is_array()) {
      for (size_t i = 0; i < v.size(); ++i) {
        path_.emplace_back(i);
        BATTRACE_RETURN_IF_ERROR(Walk(v[i], false));
        path_.pop_back();
      }
      return Status::Ok();
    }
    if (!v.is_object()) return Status::Ok();
    for (const auto& [key, value] : v.items()) {
      if (key.empty() || key[0] == '@') continue;  // JSON-LD keywords and @context
      path_.emplace_back(key);
      if (const size_t colon = key.find(':'); colon != std::string::npos) {
        if (!Declared(key, colon)) {
          return Error("extension field \"" + key + "\" uses the prefix \"" + key.substr(0, colon) +
                       "\", which no @context in scope declares");
        }
      } else if (only_id && key != "id") {
        return Error("field \"" + key +
                     "\" is not defined by EPCIS here; an extension field must be namespaced "
                     "(prefix:name, the prefix declared in @context)");
      } else {
        BATTRACE_RETURN_IF_ERROR(Walk(value, key == "readPoint" || key == "bizLocation"));
      }
      path_.pop_back();
    }
    return Status::Ok();
  }

  const std::set<std::string>& prefixes_;
  std::string pointer_;
  std::vector<std::variant<std::string, size_t>> path_;
};

Result<Document> ValidateDocument(json doc) {
  const auto type = doc.find("type");  // end() for a non-object too
  const bool is_query = type != doc.end() && *type == "EPCISQueryDocument";
  if (!doc.is_object() || type == doc.end() || (!is_query && *type != "EPCISDocument")) {
    return Status::Invalid("/type", "epcis.document",
                           "must be EPCISDocument or EPCISQueryDocument");
  }
  BATTRACE_RETURN_IF_ERROR(EpcisSchema().Validate(doc));

  const std::string list_pointer =
      is_query ? "/epcisBody/queryResults/resultsBody/eventList" : "/epcisBody/eventList";
  const json* list = doc.contains(json::json_pointer(list_pointer))
                         ? &doc.at(json::json_pointer(list_pointer))
                         : nullptr;
  Document out;
  if (auto c = doc.find("@context"); c != doc.end()) out.context = *c;
  std::set<std::string> doc_prefixes;
  AddPrefixes(out.context, &doc_prefixes);
  if (list != nullptr) {
    out.events.reserve(list->size());
    for (size_t i = 0; i < list->size(); ++i) {
      const json& event = (*list)[i];
      std::set<std::string> prefixes = doc_prefixes;
      if (auto c = event.find("@context"); c != event.end()) AddPrefixes(*c, &prefixes);
      BATTRACE_RETURN_IF_ERROR(
          ExtensionCheck(prefixes).Event(event, list_pointer + "/" + std::to_string(i)));
      out.events.push_back(event);
    }
  }
  out.query_document = is_query;
  out.doc = std::move(doc);
  return out;
}

}  // namespace

Format FormatOfBody(std::string_view body) {
  if (body.starts_with("\xEF\xBB\xBF")) body.remove_prefix(3);
  const size_t first = body.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos && body[first] == '<' ? Format::kXml : Format::kJson;
}

Result<Document> ParseDocument(std::string_view body, Format format) {
  auto doc = format == Format::kXml ? XmlToJson(body) : ParseStrict(body);
  if (!doc.ok()) return doc.status();
  return ValidateDocument(std::move(doc).value());
}

Result<Document> ParseEvent(std::string_view body) {
  auto event = ParseStrict(body);
  if (!event.ok()) return event.status();
  if (!event->is_object()) return Status::Invalid("", "epcis.document", "must be an event object");
  // The wrapping document: the event's own context at document level too, or the standard
  // one; creationDate is a fixed instant (the schema requires one; nothing reads it).
  json context = event->contains("@context") ? (*event)["@context"] : json(kStandardContext);
  json doc = {{"@context", std::move(context)},
              {"type", "EPCISDocument"},
              {"schemaVersion", "2.0"},
              {"creationDate", "1970-01-01T00:00:00Z"},
              {"epcisBody", {{"eventList", json::array({std::move(event).value()})}}}};
  auto out = ValidateDocument(std::move(doc));
  if (out.ok()) return out;
  // Fields relative to the event, as it was sent.
  const Status failed = out.status();
  constexpr std::string_view kPrefix = "/epcisBody/eventList/0";
  std::string field = failed.field();
  if (field.starts_with(kPrefix)) field.erase(0, kPrefix.size());
  return Status(failed.code(), failed.message(), std::move(field), failed.rule());
}

}  // namespace battrace::epcis
