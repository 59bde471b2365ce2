// The XML binding of EPCIS 2.0: a document validated against GS1's XSD and turned into the JSON
// binding's form, so that everything after it (schema check, hash, store, query) sees one shape.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "core/status.h"

namespace battrace::epcis {

// An EPCIS 2.0 XML document (EPCISDocument, or an EPCISQueryDocument holding QueryResults with
// an EventList) validated against the compiled-in XSD (element order and qualification
// included) and converted to its JSON binding form: the JSON GS1's JSON examples give for the
// same events. CBV values become bare words (CbvWord); user extension elements and attributes
// become "prefix:local" keys, each prefix declared in the output @context as {"prefix": "URI"}
// with the namespace URI the XML gave it. The parser loads nothing: no DTD, no entity, no
// network, no file. A DOCTYPE that only names the root (`<!DOCTYPE x>`, as some of GS1's own
// examples carry) declares nothing and is accepted; any other is refused.
// Errors: InvalidArgument, field "line N", rule "epcis.xml" (not well-formed, a DOCTYPE, too
// large or too deep) or "epcis.xsd" (not valid against the XSD, or outside what the JSON binding
// can express), message from the parser or validator.
// Thread safe: any number of threads may call it at once.
Result<nlohmann::json> XmlToJson(std::string_view xml);

}  // namespace battrace::epcis
