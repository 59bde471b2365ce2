#include "epcis/xml.h"

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <libxml/xmlIO.h>
#include <libxml/xmlschemas.h>

#include <charconv>
#include <cmath>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>

#include "epcis/blobs.h"
#include "epcis/cbv.h"

namespace battrace::epcis {

namespace {

constexpr std::string_view kEpcisNs = "urn:epcglobal:epcis:xsd:2";
constexpr std::string_view kQueryNs = "urn:epcglobal:epcis-query:xsd:2";
constexpr std::string_view kXsiNs = "http://www.w3.org/2001/XMLSchema-instance";
constexpr std::string_view kContextUrl =
    "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld";
// The XSD every document is validated against: it imports the EPCISDocument schema, so both
// document elements are declared in it (the root is checked by name before validation).
constexpr std::string_view kMainXsd = "EPCglobal-epcis-query-2_0.xsd";
// The base URI the schema's relative imports resolve against; the entity loader serves it.
constexpr std::string_view kXsdBase = "battrace-xsd:/";
// A body's size is bounded by the server; this bounds what any other caller can make the
// parser hold (a 1,000-event capture document is a few MB).
constexpr size_t kMaxBytes = size_t{64} << 20;
// Deeper nesting than any EPCIS structure needs, well below libxml2's own limit of 256; keeps
// the recursive conversion of user extension elements shallow.
constexpr int kMaxDepth = 64;

using nlohmann::json;

std::string_view Str(const xmlChar* s) {
  return s == nullptr ? std::string_view() : reinterpret_cast<const char*>(s);
}

// The first error libxml2 reports for one document (parser or validator), with its line.
struct ErrorSink {
  bool set = false;
  int line = 0;
  std::string rule, message;

  void Set(int at_line, std::string_view at_rule, std::string text) {
    if (set) return;
    set = true;
    line = at_line;
    rule = at_rule;
    while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
      text.pop_back();
    message = std::move(text);
  }
  Status ToStatus() const { return Status::Invalid("line " + std::to_string(line), rule, message); }
};

std::string MessageOf(const xmlError* error) {
  return error->message == nullptr ? std::string("(no message)") : std::string(error->message);
}

void OnXsdError(void* data, xmlErrorPtr error) {
  if (error->level < XML_ERR_ERROR) return;
  static_cast<ErrorSink*>(data)->Set(error->line, "epcis.xsd", MessageOf(error));
}

ErrorSink& SinkOf(void* parser_ctx) {
  return *static_cast<ErrorSink*>(static_cast<xmlParserCtxtPtr>(parser_ctx)->_private);
}

void OnParseError(void* parser_ctx, xmlErrorPtr error) {
  if (error->level < XML_ERR_ERROR) return;
  SinkOf(parser_ctx).Set(error->line, "epcis.xml", MessageOf(error));
}

// A DOCTYPE may only name the root: an external identifier would load a file or URL, an
// internal subset could declare entities (expansion bombs, external entities).
void OnDoctype(void* parser_ctx, const xmlChar* /*name*/, const xmlChar* external_id,
               const xmlChar* system_id) {
  auto* ctxt = static_cast<xmlParserCtxtPtr>(parser_ctx);
  const bool subset =
      ctxt->input != nullptr && ctxt->input->cur != nullptr && *ctxt->input->cur == '[';
  if (external_id != nullptr || system_id != nullptr || subset) {
    SinkOf(ctxt).Set(ctxt->input != nullptr ? ctxt->input->line : 0, "epcis.xml",
                     "a DOCTYPE with an external identifier or declarations is not accepted");
    xmlStopParser(ctxt);
  }
}

const Blob* FindXsd(std::string_view name) {
  for (const Blob& blob : generated::XsdBlobs()) {
    if (blob.name == name) return &blob;
  }
  return nullptr;
}

// The only loader libxml2 gets: it serves the compiled-in XSDs to the schema compiler (by the
// file name at the end of the URI) and refuses everything else, so nothing ever reads a file
// or the network.
xmlParserInputPtr ServeXsd(const char* url, const char* /*id*/, xmlParserCtxtPtr ctxt) {
  std::string_view uri = url == nullptr ? std::string_view() : url;
  if (!uri.starts_with(kXsdBase)) return nullptr;
  const Blob* blob = FindXsd(uri.substr(uri.rfind('/') + 1));
  if (blob == nullptr) return nullptr;
  xmlParserInputBufferPtr buffer = xmlParserInputBufferCreateMem(
      blob->bytes.data(), static_cast<int>(blob->bytes.size()), XML_CHAR_ENCODING_NONE);
  if (buffer == nullptr) return nullptr;
  xmlParserInputPtr input = xmlNewIOInputStream(ctxt, buffer, XML_CHAR_ENCODING_NONE);
  if (input == nullptr) {
    xmlFreeParserInputBuffer(buffer);
    return nullptr;
  }
  input->filename = reinterpret_cast<const char*>(xmlStrdup(BAD_CAST url));
  return input;
}

struct Schema {
  xmlSchemaPtr schema = nullptr;
  std::string error;  // why it did not compile (a build defect, not a user error)
};

// Compiled once per process; xmlSchemaPtr is read-only afterwards, shared by all validators.
const Schema& CompiledSchema() {
  static const Schema compiled = [] {
    Schema out;
    xmlInitParser();
    xmlSetExternalEntityLoader(ServeXsd);
    const Blob* main = FindXsd(kMainXsd);
    if (main == nullptr) {
      out.error = "the XSD " + std::string(kMainXsd) + " is not compiled in";
      return out;
    }
    const std::string base = std::string(kXsdBase) + std::string(kMainXsd);
    xmlDocPtr doc = xmlReadMemory(main->bytes.data(), static_cast<int>(main->bytes.size()),
                                  base.c_str(), nullptr, XML_PARSE_NONET);
    if (doc == nullptr) {
      out.error = "the XSD does not parse";
      return out;
    }
    ErrorSink sink;
    xmlSchemaParserCtxtPtr parser = xmlSchemaNewDocParserCtxt(doc);
    xmlSchemaSetParserStructuredErrors(parser, OnXsdError, &sink);
    out.schema = xmlSchemaParse(parser);
    xmlSchemaFreeParserCtxt(parser);
    xmlFreeDoc(doc);
    if (out.schema == nullptr) out.error = "the XSD does not compile: " + sink.message;
    return out;
  }();
  return compiled;
}

struct DocDeleter {
  void operator()(xmlDoc* doc) const { xmlFreeDoc(doc); }
};
using DocPtr = std::unique_ptr<xmlDoc, DocDeleter>;

// Parses with no DTD loading, no entity substitution and no network; the first error wins.
Result<DocPtr> Parse(std::string_view xml) {
  xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
  if (ctxt == nullptr) return Status::Internal("libxml2 could not allocate a parser");
  ErrorSink sink;
  ctxt->_private = &sink;
  ctxt->sax->serror = OnParseError;
  ctxt->sax->internalSubset = OnDoctype;
  DocPtr doc(xmlCtxtReadMemory(ctxt, xml.data(), static_cast<int>(xml.size()), "epcis.xml", nullptr,
                               XML_PARSE_NONET | XML_PARSE_BIG_LINES));
  const bool well_formed = ctxt->wellFormed != 0;
  xmlFreeParserCtxt(ctxt);
  if (sink.set) return sink.ToStatus();
  if (doc == nullptr || !well_formed) {
    return Status::Invalid("line 1", "epcis.xml", "the document is not well-formed XML");
  }
  return doc;
}

// ---- conversion to the JSON binding ----

bool IsElement(const xmlNode* node) {
  return node->type == XML_ELEMENT_NODE;
}
bool Unqualified(const xmlNode* node, std::string_view name) {
  return node->ns == nullptr && Str(node->name) == name;
}
std::string_view NsOf(const xmlNode* node) {
  return node->ns == nullptr ? std::string_view() : Str(node->ns->href);
}

std::string Trim(std::string text) {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  size_t end = text.size();
  while (end > 0 && space(text[end - 1]))
    --end;
  size_t start = 0;
  while (start < end && space(text[start]))
    ++start;
  return text.substr(start, end - start);
}

// The text of an element or attribute as written.
std::string RawTextOf(const xmlNode* node) {
  xmlChar* content = xmlNodeGetContent(node);
  std::string text(Str(content));
  xmlFree(content);
  return text;
}
// The text of a simple element or attribute value, with the whitespace XSD's collapse facet
// (anyURI, dateTime, decimal, token-like values) removes at either end.
std::string TextOf(const xmlNode* node) {
  return Trim(RawTextOf(node));
}
std::string AttrText(const xmlAttr* attr) {
  return TextOf(reinterpret_cast<const xmlNode*>(attr));
}

class Converter {
 public:
  explicit Converter(xmlDocPtr doc) : doc_(doc) {}

  Result<json> Document(const xmlNode* root);

 private:
  // The "prefix:local" key of a namespaced element or attribute; the prefix is the one the XML
  // gave the namespace, renamed only when two namespaces share it, and is declared in @context.
  std::string Key(const xmlNs* ns, const xmlChar* local);
  json Context() const;

  // A user extension element: text-only gives a string; otherwise an object of its
  // attributes and child elements (repeated children become an array; other text under
  // "#text").
  json Extension(const xmlNode* node, int depth);
  // Adds a user extension element or attribute to `obj` (a repeated key becomes an array).
  void PutExtension(json& obj, const xmlNode* node, int depth);
  void PutAttributes(json& obj, const xmlNode* node);

  void Fail(const xmlNode* node, std::string message) {
    if (failed_) return;
    failed_ = true;
    status_ = Status::Invalid("line " + std::to_string(xmlGetLineNo(node)), "epcis.xsd",
                              std::move(message));
  }
  bool Deep(const xmlNode* node, int depth) {
    if (depth <= kMaxDepth) return false;
    if (!failed_) {
      failed_ = true;
      status_ =
          Status::Invalid("line " + std::to_string(xmlGetLineNo(node)), "epcis.xml",
                          "elements are nested more than " + std::to_string(kMaxDepth) + " deep");
    }
    return true;
  }
  // Sets a standard field once: the JSON binding has one value per key.
  void PutOnce(json& obj, const xmlNode* node, const std::string& key, json value) {
    if (obj.contains(key)) {
      Fail(node, "<" + key + "> appears more than once; the JSON binding has one value for it");
      return;
    }
    obj[key] = std::move(value);
  }

  json Number(const xmlNode* node, const std::string& text);
  json Event(const xmlNode* node, int depth);
  void EventField(json& event, const xmlNode* child, int depth);
  json EventList(const xmlNode* list, int depth);
  json Header(const xmlNode* header, int depth);
  json Vocabularies(const xmlNode* list, int depth);
  json QuantityList(const xmlNode* list);
  json SensorElement(const xmlNode* element, int depth);
  json SensorAttributes(const xmlNode* node, bool report);
  std::string GS1Value(const xmlNode* node, Vocab vocab, const std::string& value);

  xmlDocPtr doc_;
  std::map<std::string, std::string> prefix_of_ns_, ns_of_prefix_;
  bool failed_ = false;
  Status status_;
};

std::string Converter::Key(const xmlNs* ns, const xmlChar* local) {
  if (ns == nullptr) return std::string(Str(local));
  const std::string href(Str(ns->href));
  auto known = prefix_of_ns_.find(href);
  if (known == prefix_of_ns_.end()) {
    const std::string wanted = ns->prefix != nullptr ? std::string(Str(ns->prefix)) : "ns";
    std::string prefix = wanted;
    for (int n = 2; ns_of_prefix_.contains(prefix); ++n)
      prefix = wanted + std::to_string(n);
    ns_of_prefix_[prefix] = href;
    known = prefix_of_ns_.emplace(href, prefix).first;
  }
  return known->second + ":" + std::string(Str(local));
}

json Converter::Context() const {
  json context = json::array({kContextUrl});
  if (!ns_of_prefix_.empty()) {
    json prefixes = json::object();
    for (const auto& [prefix, href] : ns_of_prefix_)
      prefixes[prefix] = href;
    context.push_back(std::move(prefixes));
  }
  return context;
}

void Converter::PutAttributes(json& obj, const xmlNode* node) {
  for (const xmlAttr* attr = node->properties; attr != nullptr; attr = attr->next) {
    // xsi:type, xsi:nil and xsi:schemaLocation describe the XML, not the event.
    if (attr->ns != nullptr && Str(attr->ns->href) == kXsiNs) continue;
    obj[Key(attr->ns, attr->name)] = AttrText(attr);
  }
}

json Converter::Extension(const xmlNode* node, int depth) {
  bool has_children = false, has_attributes = false;
  for (const xmlNode* c = node->children; c != nullptr; c = c->next)
    has_children |= IsElement(c);
  for (const xmlAttr* a = node->properties; a != nullptr; a = a->next) {
    has_attributes |= a->ns == nullptr || Str(a->ns->href) != kXsiNs;
  }
  if (!has_children && !has_attributes) return RawTextOf(node);
  json obj = json::object();
  PutAttributes(obj, node);
  std::string text;
  for (const xmlNode* c = node->children; c != nullptr; c = c->next) {
    if (IsElement(c)) {
      PutExtension(obj, c, depth + 1);
    } else if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
      text += Str(c->content);
    }
  }
  text = Trim(std::move(text));
  if (!text.empty()) obj["#text"] = text;
  return obj;
}

void Converter::PutExtension(json& obj, const xmlNode* node, int depth) {
  if (Deep(node, depth)) return;
  const std::string key = Key(node->ns, node->name);
  json value = Extension(node, depth);
  auto it = obj.find(key);
  if (it == obj.end()) {
    obj[key] = std::move(value);
  } else if (it->is_array()) {
    it->push_back(std::move(value));
  } else {
    *it = json::array({std::move(*it), std::move(value)});
  }
}

// xsd:decimal and xsd:double as a JSON number: integers stay integers, INF and NaN have no JSON
// form.
json Converter::Number(const xmlNode* node, const std::string& raw) {
  std::string_view text = raw;
  if (text.starts_with('+')) text.remove_prefix(1);
  const bool integral = !text.empty() && text.find_first_of(".eE") == std::string_view::npos;
  if (integral) {
    int64_t n = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec == std::errc() && end == text.data() + text.size()) return n;
  }
  double d = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), d);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(d)) {
    Fail(node, "'" + raw + "' is not a number the JSON binding can carry");
    return nullptr;
  }
  return d;
}

// Sensor measurement types and alert types come as "gs1:Temperature" in XML, a prefix bound
// to the GS1 Web Vocabulary; the JSON binding writes the bare word.
std::string Converter::GS1Value(const xmlNode* node, Vocab vocab, const std::string& value) {
  std::string expanded = value;
  const size_t colon = value.find(':');
  if (colon != std::string::npos && colon > 0) {
    const std::string prefix = value.substr(0, colon);
    const xmlNs* ns = xmlSearchNs(doc_, const_cast<xmlNode*>(node), BAD_CAST prefix.c_str());
    if (ns != nullptr) {
      const std::string_view href = Str(ns->href);
      if (href == "https://gs1.org/voc/" || href == "https://ref.gs1.org/cbv/") {
        expanded = std::string(href) + value.substr(colon + 1);
      }
    }
  }
  return CbvWord(vocab, expanded);
}

json Converter::SensorAttributes(const xmlNode* node, bool report) {
  json obj = json::object();
  for (const xmlAttr* attr = node->properties; attr != nullptr; attr = attr->next) {
    if (attr->ns != nullptr) {
      if (Str(attr->ns->href) != kXsiNs) obj[Key(attr->ns, attr->name)] = AttrText(attr);
      continue;
    }
    const std::string name(Str(attr->name));
    std::string text = AttrText(attr);
    // sensorMetadata's attributes are all strings (times and URIs); sensorReport's are typed.
    const bool number = name == "value" || name == "minValue" || name == "maxValue" ||
                        name == "sDev" || name == "meanValue" || name == "percRank" ||
                        name == "percValue";
    if (report && number) {
      obj[name] = Number(node, text);
    } else if (report && name == "booleanValue") {
      obj[name] = text == "true" || text == "1";
    } else if (report && name == "type") {
      obj[name] = GS1Value(node, Vocab::kMeasurementType, text);
    } else if (report && name == "exception") {
      obj[name] = GS1Value(node, Vocab::kSensorAlertType, text);
    } else if (report && name == "component") {
      obj[name] = GS1Value(node, Vocab::kComponent, text);
    } else {
      obj[name] = std::move(text);
    }
  }
  return obj;
}

json Converter::SensorElement(const xmlNode* element, int depth) {
  json out = json::object();
  json reports = json::array();
  for (const xmlNode* c = element->children; c != nullptr; c = c->next) {
    if (!IsElement(c)) continue;
    if (Unqualified(c, "sensorMetadata")) {
      out["sensorMetadata"] = SensorAttributes(c, false);
    } else if (Unqualified(c, "sensorReport")) {
      reports.push_back(SensorAttributes(c, true));
    } else if (Unqualified(c, "extension")) {
      for (const xmlNode* e = c->children; e != nullptr; e = e->next) {
        if (IsElement(e)) PutExtension(out, e, depth + 2);
      }
    } else {
      PutExtension(out, c, depth + 1);
    }
  }
  out["sensorReport"] = std::move(reports);
  return out;
}

json Converter::QuantityList(const xmlNode* list) {
  json out = json::array();
  for (const xmlNode* q = list->children; q != nullptr; q = q->next) {
    if (!IsElement(q)) continue;
    json element = json::object();
    for (const xmlNode* f = q->children; f != nullptr; f = f->next) {
      if (!IsElement(f)) continue;
      const std::string name(Str(f->name));
      // <quantity xsi:nil="true"/> is a quantity not given.
      if (name == "quantity") {
        if (!xmlHasNsProp(f, BAD_CAST "nil", BAD_CAST kXsiNs.data())) {
          element["quantity"] = Number(f, TextOf(f));
        }
      } else {
        element[name] = TextOf(f);
      }
    }
    out.push_back(std::move(element));
  }
  return out;
}

json Converter::Event(const xmlNode* node, int depth) {
  json event = json::object();
  event["type"] = std::string(Str(node->name));
  PutAttributes(event, node);
  for (const xmlNode* c = node->children; c != nullptr; c = c->next) {
    if (IsElement(c)) EventField(event, c, depth + 1);
  }
  return event;
}

void Converter::EventField(json& event, const xmlNode* c, int depth) {
  if (Deep(c, depth)) return;
  if (c->ns != nullptr) {
    PutExtension(event, c, depth);
    return;
  }
  const std::string name(Str(c->name));
  const auto ids = [&](const xmlNode* list) {
    json out = json::array();
    for (const xmlNode* e = list->children; e != nullptr; e = e->next) {
      if (IsElement(e)) out.push_back(TextOf(e));
    }
    return out;
  };
  if (name == "extension" || name == "baseExtension") {
    // EPCIS 1.x-style wrappers: their content belongs to the event itself in the JSON binding.
    for (const xmlNode* e = c->children; e != nullptr; e = e->next) {
      if (IsElement(e)) EventField(event, e, depth + 1);
    }
  } else if (name == "bizStep") {
    PutOnce(event, c, name, CbvWord(Vocab::kBizStep, TextOf(c)));
  } else if (name == "disposition") {
    PutOnce(event, c, name, CbvWord(Vocab::kDisposition, TextOf(c)));
  } else if (name == "epcList" || name == "childEPCs" || name == "inputEPCList" ||
             name == "outputEPCList") {
    PutOnce(event, c, name, ids(c));
  } else if (name == "quantityList" || name == "childQuantityList" || name == "inputQuantityList" ||
             name == "outputQuantityList") {
    PutOnce(event, c, name, QuantityList(c));
  } else if (name == "readPoint" || name == "bizLocation") {
    json place = json::object();
    for (const xmlNode* e = c->children; e != nullptr; e = e->next) {
      if (!IsElement(e)) continue;
      if (Unqualified(e, "id")) {
        place["id"] = TextOf(e);
      } else if (Unqualified(e, "extension")) {
        for (const xmlNode* x = e->children; x != nullptr; x = x->next) {
          if (IsElement(x)) PutExtension(place, x, depth + 2);
        }
      } else {
        PutExtension(place, e, depth + 1);
      }
    }
    PutOnce(event, c, name, std::move(place));
  } else if (name == "bizTransactionList" || name == "sourceList" || name == "destinationList") {
    const std::string item = name == "bizTransactionList" ? "bizTransaction"
                             : name == "sourceList"       ? "source"
                                                          : "destination";
    const Vocab vocab =
        name == "bizTransactionList" ? Vocab::kBizTransactionType : Vocab::kSourceDestType;
    json out = json::array();
    for (const xmlNode* e = c->children; e != nullptr; e = e->next) {
      if (!IsElement(e)) continue;
      json entry = json::object();
      entry[item] = TextOf(e);
      const xmlAttr* type = xmlHasNsProp(e, BAD_CAST "type", nullptr);
      if (type != nullptr) entry["type"] = CbvWord(vocab, AttrText(type));
      out.push_back(std::move(entry));
    }
    PutOnce(event, c, name, std::move(out));
  } else if (name == "sensorElementList") {
    json out = json::array();
    for (const xmlNode* e = c->children; e != nullptr; e = e->next) {
      if (IsElement(e) && Unqualified(e, "sensorElement")) {
        out.push_back(SensorElement(e, depth + 1));
      } else if (IsElement(e)) {
        Fail(e, "<sensorElementList><extension> has no form in the JSON binding");
      }
    }
    PutOnce(event, c, name, std::move(out));
  } else if (name == "persistentDisposition") {
    json out = json::object();
    for (const xmlNode* e = c->children; e != nullptr; e = e->next) {
      if (!IsElement(e)) continue;
      const std::string which(Str(e->name));
      if (!out.contains(which)) out[which] = json::array();
      out[which].push_back(CbvWord(Vocab::kDisposition, TextOf(e)));
    }
    PutOnce(event, c, name, std::move(out));
  } else if (name == "ilmd") {
    json out = json::object();
    for (const xmlNode* e = c->children; e != nullptr; e = e->next) {
      if (!IsElement(e)) continue;
      if (Unqualified(e, "extension")) {
        for (const xmlNode* x = e->children; x != nullptr; x = x->next) {
          if (IsElement(x)) PutExtension(out, x, depth + 2);
        }
      } else {
        PutExtension(out, e, depth + 1);
      }
    }
    PutOnce(event, c, name, std::move(out));
  } else if (name == "errorDeclaration") {
    json out = json::object();
    std::function<void(const xmlNode*, int)> field = [&](const xmlNode* e, int at) {
      if (Deep(e, at)) return;
      if (Unqualified(e, "declarationTime")) {
        PutOnce(out, e, "declarationTime", TextOf(e));
      } else if (Unqualified(e, "reason")) {
        PutOnce(out, e, "reason", CbvWord(Vocab::kErrorReason, TextOf(e)));
      } else if (Unqualified(e, "correctiveEventIDs")) {
        PutOnce(out, e, "correctiveEventIDs", ids(e));
      } else if (Unqualified(e, "extension")) {
        for (const xmlNode* x = e->children; x != nullptr; x = x->next) {
          if (IsElement(x)) field(x, at + 1);
        }
      } else {
        PutExtension(out, e, at);
      }
    };
    for (const xmlNode* e = c->children; e != nullptr; e = e->next) {
      if (IsElement(e)) field(e, depth + 1);
    }
    PutOnce(event, c, name, std::move(out));
  } else if (name == "eventTime" || name == "recordTime" || name == "eventTimeZoneOffset" ||
             name == "eventID" || name == "certificationInfo" || name == "action" ||
             name == "parentID" || name == "transformationID") {
    PutOnce(event, c, name, TextOf(c));
  } else {
    // An unqualified element inside an <extension> wrapper: reserved for future versions of
    // the standard, kept under its bare name (the JSON schema refuses a key without prefix).
    PutExtension(event, c, depth);
  }
}

json Converter::EventList(const xmlNode* list, int depth) {
  json events = json::array();
  for (const xmlNode* e = list->children; e != nullptr; e = e->next) {
    if (!IsElement(e)) continue;
    if (Unqualified(e, "extension")) {
      // Event types of other namespaces: an event whose type is their "prefix:local" name.
      for (const xmlNode* x = e->children; x != nullptr; x = x->next) {
        if (!IsElement(x)) continue;
        json event = Event(x, depth + 2);
        event["type"] = Key(x->ns, x->name);
        events.push_back(std::move(event));
      }
    } else {
      events.push_back(Event(e, depth + 1));
    }
  }
  return events;
}

json Converter::Vocabularies(const xmlNode* list, int depth) {
  json out = json::array();
  for (const xmlNode* v = list->children; v != nullptr; v = v->next) {
    if (!IsElement(v)) continue;
    json vocabulary = json::object();
    PutAttributes(vocabulary, v);
    for (const xmlNode* c = v->children; c != nullptr; c = c->next) {
      if (!IsElement(c)) continue;
      if (!Unqualified(c, "VocabularyElementList")) {
        PutExtension(vocabulary, c, depth + 2);
        continue;
      }
      json elements = json::array();
      for (const xmlNode* ve = c->children; ve != nullptr; ve = ve->next) {
        if (!IsElement(ve)) continue;
        json element = json::object();
        PutAttributes(element, ve);
        for (const xmlNode* a = ve->children; a != nullptr; a = a->next) {
          if (!IsElement(a)) continue;
          if (Unqualified(a, "attribute")) {
            json attribute = json::object();
            PutAttributes(attribute, a);  // its id (required by the XSD) and any others
            bool has_children = false;
            for (const xmlNode* k = a->children; k != nullptr; k = k->next) {
              has_children |= IsElement(k);
            }
            if (has_children) {
              json value = json::object();
              for (const xmlNode* k = a->children; k != nullptr; k = k->next) {
                if (IsElement(k)) PutExtension(value, k, depth + 5);
              }
              attribute["attribute"] = std::move(value);
            } else {
              attribute["attribute"] = TextOf(a);
            }
            if (!element.contains("attributes")) element["attributes"] = json::array();
            element["attributes"].push_back(std::move(attribute));
          } else if (Unqualified(a, "children")) {
            json children = json::array();
            for (const xmlNode* k = a->children; k != nullptr; k = k->next) {
              if (IsElement(k)) children.push_back(TextOf(k));
            }
            element["children"] = std::move(children);
          } else {
            PutExtension(element, a, depth + 4);
          }
        }
        elements.push_back(std::move(element));
      }
      vocabulary["vocabularyElementList"] = std::move(elements);
    }
    out.push_back(std::move(vocabulary));
  }
  return out;
}

json Converter::Header(const xmlNode* header, int depth) {
  json out = json::object();
  for (const xmlNode* c = header->children; c != nullptr; c = c->next) {
    if (!IsElement(c)) continue;
    if (!Unqualified(c, "extension")) {
      PutExtension(out, c, depth + 1);
      continue;
    }
    for (const xmlNode* e = c->children; e != nullptr; e = e->next) {
      if (!IsElement(e)) continue;
      if (Unqualified(e, "EPCISMasterData")) {
        for (const xmlNode* m = e->children; m != nullptr; m = m->next) {
          if (IsElement(m) && Unqualified(m, "VocabularyList")) {
            out["epcisMasterData"]["vocabularyList"] = Vocabularies(m, depth + 3);
          } else if (IsElement(m)) {
            PutExtension(out, m, depth + 3);
          }
        }
      } else {
        PutExtension(out, e, depth + 2);
      }
    }
  }
  return out;
}

Result<json> Converter::Document(const xmlNode* root) {
  const bool query = Str(root->name) == "EPCISQueryDocument";
  json doc = json::object();
  doc["type"] = query ? "EPCISQueryDocument" : "EPCISDocument";
  for (const xmlAttr* attr = root->properties; attr != nullptr; attr = attr->next) {
    if (attr->ns != nullptr && Str(attr->ns->href) == kXsiNs) continue;
    doc[Key(attr->ns, attr->name)] = AttrText(attr);
  }
  for (const xmlNode* c = root->children; c != nullptr; c = c->next) {
    if (!IsElement(c)) continue;
    if (Unqualified(c, "EPCISHeader")) {
      doc["epcisHeader"] = Header(c, 1);
    } else if (Unqualified(c, "EPCISBody")) {
      json body = json::object();
      for (const xmlNode* b = c->children; b != nullptr; b = b->next) {
        if (!IsElement(b)) continue;
        if (!query && Unqualified(b, "EventList")) {
          body["eventList"] = EventList(b, 2);
        } else if (query && Str(b->name) == "QueryResults" && NsOf(b) == kQueryNs) {
          json results = json::object();
          for (const xmlNode* r = b->children; r != nullptr; r = r->next) {
            if (!IsElement(r)) continue;
            if (Unqualified(r, "queryName") || Unqualified(r, "subscriptionID")) {
              results[std::string(Str(r->name))] = TextOf(r);
            } else if (Unqualified(r, "resultsBody")) {
              for (const xmlNode* l = r->children; l != nullptr; l = l->next) {
                if (IsElement(l) && Unqualified(l, "EventList")) {
                  results["resultsBody"]["eventList"] = EventList(l, 4);
                } else if (IsElement(l)) {
                  Fail(l, "query results other than an EventList are not supported");
                }
              }
            } else {
              PutExtension(results, r, 3);
            }
          }
          body["queryResults"] = std::move(results);
        } else if (query && NsOf(b) == kQueryNs) {
          Fail(b, "an EPCISQueryDocument must carry QueryResults; <" + std::string(Str(b->name)) +
                      "> is not supported");
        } else if (Unqualified(b, "extension")) {
          for (const xmlNode* x = b->children; x != nullptr; x = x->next) {
            if (IsElement(x)) PutExtension(body, x, 3);
          }
        } else {
          PutExtension(body, b, 2);
        }
      }
      // An EPCISDocument without <EventList> carries no events: the JSON binding's empty list.
      if (!query && !body.contains("eventList")) body["eventList"] = json::array();
      doc["epcisBody"] = std::move(body);
    } else if (Unqualified(c, "extension")) {
      for (const xmlNode* x = c->children; x != nullptr; x = x->next) {
        if (IsElement(x)) PutExtension(doc, x, 2);
      }
    } else {
      PutExtension(doc, c, 1);
    }
  }
  if (failed_) return status_;
  doc["@context"] = Context();
  return doc;
}

}  // namespace

Result<json> XmlToJson(std::string_view xml) {
  const Schema& schema = CompiledSchema();
  if (schema.schema == nullptr) return Status::Internal(schema.error);
  if (xml.size() > kMaxBytes) {
    return Status::Invalid("line 1", "epcis.xml",
                           "the document exceeds " + std::to_string(kMaxBytes >> 20) + " MiB");
  }
  Result<DocPtr> parsed = Parse(xml);
  if (!parsed.ok()) return parsed.status();
  xmlDocPtr doc = parsed->get();
  const xmlNode* root = xmlDocGetRootElement(doc);
  const std::string_view name = Str(root->name), ns = NsOf(root);
  if (!((name == "EPCISDocument" && ns == kEpcisNs) ||
        (name == "EPCISQueryDocument" && ns == kQueryNs))) {
    return Status::Invalid("line " + std::to_string(xmlGetLineNo(root)), "epcis.xsd",
                           "the root element must be EPCISDocument in namespace " +
                               std::string(kEpcisNs) + " or EPCISQueryDocument in namespace " +
                               std::string(kQueryNs) + ", not '" + std::string(name) + "'" +
                               (ns.empty() ? " without namespace" : " in " + std::string(ns)));
  }
  ErrorSink sink;
  xmlSchemaValidCtxtPtr validator = xmlSchemaNewValidCtxt(schema.schema);
  if (validator == nullptr) return Status::Internal("libxml2 could not allocate a validator");
  xmlSchemaSetValidStructuredErrors(validator, OnXsdError, &sink);
  const int valid = xmlSchemaValidateDoc(validator, doc);
  xmlSchemaFreeValidCtxt(validator);
  if (sink.set) return sink.ToStatus();
  if (valid != 0) {
    return Status::Invalid("line 1", "epcis.xsd", "the document is not valid against the XSD");
  }
  return Converter(doc).Document(root);
}

}  // namespace battrace::epcis
