// JSON lines on stderr, whole lines under one lock.
#include "server/log.h"

#include <cstdio>
#include <mutex>

namespace battrace::server {

void LogJson(const nlohmann::json& line) {
  static std::mutex mu;
  // Replacement characters, never an exception, for bytes that are not UTF-8.
  const std::string text =
      line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  std::lock_guard lock(mu);
  std::fwrite(text.data(), 1, text.size(), stderr);
}

}  // namespace battrace::server
