// Per-principal rate limits: a token bucket per key (a token's principal, or the client address
// for the public). A request over the limit gets 429 with Retry-After, before any store work.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace battrace::server {

class RateLimiter {
 public:
  // `per_second` <= 0 disables limiting.
  RateLimiter(double per_second, double burst);

  // 0 when the request may go ahead (and is counted); otherwise the seconds to wait.
  int64_t Take(const std::string& key);

 private:
  struct Bucket {
    double tokens;
    std::chrono::steady_clock::time_point last;
  };
  double rate_, burst_;
  std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace battrace::server
