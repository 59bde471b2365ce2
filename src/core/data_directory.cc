#include "core/data_directory.h"

#include <cstdlib>

namespace battrace {

std::string DataDirectory(const char* env_name, std::string_view compiled_in) {
  const char* env = std::getenv(env_name);  // NOLINT(concurrency-mt-unsafe)
  if (env != nullptr && *env != '\0') return env;
  return std::string(compiled_in);
}

}  // namespace battrace
