// Data files compiled into the binary (GS1's EPCIS JSON schema and XSDs, data/epcis/), so that
// validation needs no file at run time and never reaches for one. The tables are generated at
// build time by scripts/gen_blobs.py (CMake: battrace_blobs()).
#pragma once

#include <span>
#include <string_view>

namespace battrace::epcis {

struct Blob {
  std::string_view name;   // as given to gen_blobs.py, e.g. "EPCIS-JSON-Schema.json"
  std::string_view bytes;  // the file's content, exactly
};

namespace generated {
// data/epcis/EPCIS-JSON-Schema.json.
std::span<const Blob> JsonSchemaBlobs();
// data/epcis/xsd/*.xsd.
std::span<const Blob> XsdBlobs();
}  // namespace generated

}  // namespace battrace::epcis
