// Prometheus metrics (text exposition format 0.0.4) of the API: requests and latency per
// route and status class, reports accepted / duplicate / rejected, and the ledger's size and
// open duties read from the store at scrape time. Counters are atomics: recording a request
// takes no lock.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace battrace::server {

class Metrics {
 public:
  // One series per route label (e.g. "GET /v1/batteries/{code}"); index routes.size() is
  // for requests no route matched.
  explicit Metrics(std::vector<std::string> routes);

  void Observe(size_t route, int status, double seconds);
  void Reports(uint64_t accepted, uint64_t duplicates, uint64_t rejected);

  std::string Render(uint64_t ledger_size, uint64_t open_duties) const;

 private:
  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1,    2.5};
  struct Series {
    std::array<std::atomic<uint64_t>, 5> by_class{};  // 1xx..5xx
    std::array<std::atomic<uint64_t>, kBuckets.size() + 1> buckets{};
    std::atomic<uint64_t> micros{0};
  };
  std::vector<std::string> routes_;
  std::unique_ptr<Series[]> series_;
  std::atomic<uint64_t> accepted_{0}, duplicates_{0}, rejected_{0};
};

}  // namespace battrace::server
