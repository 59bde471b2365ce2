// An EPCIS 2.0 document as the capture interface receives it: parsed, validated whole, and
// split into its events.
//
// JSON is parsed strictly (a key repeated in one object is refused: JSON-LD leaves its meaning
// undefined) and validated against the GS1 JSON schema; XML goes through the XSD and becomes the
// JSON binding form (xml.h), then meets the same schema. On top of the schema, a user extension
// must be a namespaced key ("prefix:name" or an absolute URI): an event field the standard does
// not define and that names no namespace is refused (rule "epcis.extension").
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace battrace::epcis {

enum class Format { kJson, kXml };

struct Document {
  nlohmann::json doc;                  // the whole document in JSON form (XML converted)
  std::vector<nlohmann::json> events;  // its events, document order (copies)
  nlohmann::json context;              // the document's @context
  bool query_document = false;         // an EPCISQueryDocument
};

// The format of a document by its content: XML when its first byte after an optional UTF-8
// byte order mark and blanks is '<', else JSON (for callers without a media type).
Format FormatOfBody(std::string_view body);

// Parses and validates a whole EPCISDocument or EPCISQueryDocument, refused whole on the first
// error. Rules: "epcis.json" (not JSON, or a key repeated in one object; field = "byte N"),
// "epcis.document" (the top-level type is neither document type), "epcis.schema",
// "epcis.extension", and for XML those of XmlToJson ("epcis.xml", "epcis.xsd").
Result<Document> ParseDocument(std::string_view body, Format format);

// One event alone, as POST /epcis/events receives it (JSON): validated as the single event of
// an EPCISDocument, with its own @context if it has one. The Document's `doc` is that wrapping
// document.
Result<Document> ParseEvent(std::string_view body);

}  // namespace battrace::epcis
