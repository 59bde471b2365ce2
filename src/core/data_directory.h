// Where a data set the process loads once (the legal calendar, the rule files) is read from.
#pragma once

#include <string>
#include <string_view>

namespace battrace {

// $`env_name` when it is set and not empty, else `compiled_in` (a source-tree directory the
// build compiles in, e.g. BATTRACE_DEFAULT_CALENDAR_DIR). Reads the environment: call it before
// threads that change the environment start.
std::string DataDirectory(const char* env_name, std::string_view compiled_in);

}  // namespace battrace
