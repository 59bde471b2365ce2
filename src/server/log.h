// The log of battrace's servers (`battrace serve`, `battrace witness`): one JSON object per
// line on stderr; and what both do as they start: take the stop signals on one thread, and
// report a failure to start.
#pragma once

#include <csignal>
#include <nlohmann/json.hpp>

#include "core/status.h"

namespace battrace::server {

// Writes `line` as one line on stderr; lines of concurrent threads never interleave.
void LogJson(const nlohmann::json& line);

// Blocks SIGTERM and SIGINT in the calling thread, and so in every thread it starts afterwards,
// and returns them as a set for one thread to sigwait on. Call before any thread starts.
sigset_t BlockStopSignals();

// Logs a failure to start and returns the process's exit code: 2 for invalid input, else 1.
int StartFailed(const Status& st);

}  // namespace battrace::server
