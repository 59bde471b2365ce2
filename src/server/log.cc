// JSON lines on stderr, whole lines under one lock; the servers' start-up steps.
#include "server/log.h"

#include <pthread.h>

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

sigset_t BlockStopSignals() {
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  return stop_signals;
}

int StartFailed(const Status& st) {
  LogJson({{"level", "error"}, {"error", st.ToString()}});
  return st.code() == StatusCode::kInvalidArgument ? 2 : 1;
}

}  // namespace battrace::server
