// Where a data set the process loads once (the legal calendar, the rule files) is read from.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace battrace {

// $`env_name` when it is set and not empty, else `compiled_in` (a source-tree directory the
// build compiles in, e.g. BATTRACE_DEFAULT_CALENDAR_DIR). Reads the environment: call it before
// threads that change the environment start.
std::string DataDirectory(const char* env_name, std::string_view compiled_in);

// The process-wide data set of type T, T::LoadDirectory(T::DefaultDirectory()), loaded on the
// first call (thread-safe) and kept for the life of the process, failure included: fix the
// files, then restart. T::Default() of the data sets above.
template <class T>
const Result<T>& LoadedOnce() {
  static const Result<T> loaded = T::LoadDirectory(T::DefaultDirectory());
  return loaded;
}

}  // namespace battrace
