// The log of battrace's servers (`battrace serve`, `battrace witness`): one JSON object per
// line on stderr.
#pragma once

#include <nlohmann/json.hpp>

namespace battrace::server {

// Writes `line` as one line on stderr; lines of concurrent threads never interleave.
void LogJson(const nlohmann::json& line);

}  // namespace battrace::server
