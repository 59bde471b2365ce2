// EPCIS 2.0 documents as a report source for `battrace import` (docs/epcis.md, "Import"): the
// document is parsed and validated whole (epcis/document.h), its events are mapped back to
// reports (epcis/mapping.h), and each report goes through ParseReport like any other. An event
// that maps to no report is a reject (rule "epcis.unmapped") at its index.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "domain/report.h"
#include "epcis/document.h"
#include "ingest/source.h"

namespace battrace::ingest {

// Whether a file's whole text is an EPCIS document: XML (its first character, after a byte order
// mark and white space, is '<') or a JSON object whose "type" is "EPCISDocument" or
// "EPCISQueryDocument". Nullopt for anything else (a report file).
std::optional<epcis::Format> EpcisFormatOf(std::string_view text);

// The document's reports as Items, all in the first batch (line = the 1-based index of the
// report's first event); stored whole or not at all. A document that fails validation yields no
// item and its error as status().
std::unique_ptr<Source> OpenEpcisSource(std::string text, epcis::Format format,
                                        const ParseOptions& options);

}  // namespace battrace::ingest
