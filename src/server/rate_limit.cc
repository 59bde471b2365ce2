#include "server/rate_limit.h"

#include <algorithm>
#include <cmath>

namespace battrace::server {

RateLimiter::RateLimiter(double per_second, double burst)
    : rate_(per_second), burst_(std::max(burst, 1.0)) {}

int64_t RateLimiter::Take(const std::string& key) {
  if (rate_ <= 0) return 0;
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mu_);
  // Forget idle buckets now and then so clients cannot grow the map without bound.
  if (buckets_.size() > 100000) {
    std::erase_if(buckets_, [&](const auto& kv) {
      return std::chrono::duration<double>(now - kv.second.last).count() * rate_ >= burst_;
    });
  }
  auto [it, fresh] = buckets_.try_emplace(key, Bucket{burst_, now});
  Bucket& b = it->second;
  if (!fresh) {
    const double elapsed = std::chrono::duration<double>(now - b.last).count();
    b.tokens = std::min(burst_, b.tokens + elapsed * rate_);
    b.last = now;
  }
  if (b.tokens >= 1) {
    b.tokens -= 1;
    return 0;
  }
  return std::max<int64_t>(1, static_cast<int64_t>(std::ceil((1 - b.tokens) / rate_)));
}

}  // namespace battrace::server
