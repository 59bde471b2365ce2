#include "server/metrics.h"

#include <cstdio>
#include <sstream>

namespace battrace::server {

Metrics::Metrics(std::vector<std::string> routes)
    : routes_(std::move(routes)), series_(new Series[routes_.size() + 1]) {
  routes_.emplace_back("unmatched");
}

void Metrics::Observe(size_t route, int status, double seconds) {
  Series& s = series_[std::min(route, routes_.size() - 1)];
  const int cls = status / 100 - 1;
  if (cls >= 0 && cls < 5) s.by_class[static_cast<size_t>(cls)].fetch_add(1);
  size_t b = 0;
  while (b < kBuckets.size() && seconds > kBuckets[b])
    ++b;
  s.buckets[b].fetch_add(1);
  s.micros.fetch_add(static_cast<uint64_t>(seconds * 1e6));
}

void Metrics::Reports(uint64_t accepted, uint64_t duplicates, uint64_t rejected) {
  accepted_.fetch_add(accepted);
  duplicates_.fetch_add(duplicates);
  rejected_.fetch_add(rejected);
}

std::string Metrics::Render(uint64_t ledger_size, uint64_t open_duties) const {
  std::ostringstream out;
  out << "# HELP battrace_http_requests_total HTTP requests by route and status class.\n"
         "# TYPE battrace_http_requests_total counter\n";
  for (size_t r = 0; r < routes_.size(); ++r) {
    for (size_t c = 0; c < 5; ++c) {
      const uint64_t n = series_[r].by_class[c].load();
      if (n == 0) continue;
      out << "battrace_http_requests_total{route=\"" << routes_[r] << "\",code=\"" << c + 1
          << "xx\"} " << n << "\n";
    }
  }
  out << "# HELP battrace_http_request_duration_seconds Time to answer a request.\n"
         "# TYPE battrace_http_request_duration_seconds histogram\n";
  for (size_t r = 0; r < routes_.size(); ++r) {
    const Series& s = series_[r];
    uint64_t cumulative = 0;
    for (size_t b = 0; b <= kBuckets.size(); ++b)
      cumulative += s.buckets[b].load();
    if (cumulative == 0) continue;
    const std::string label = "route=\"" + routes_[r] + "\"";
    uint64_t running = 0;
    for (size_t b = 0; b < kBuckets.size(); ++b) {
      running += s.buckets[b].load();
      char le[32];
      std::snprintf(le, sizeof le, "%g", kBuckets[b]);
      out << "battrace_http_request_duration_seconds_bucket{" << label << ",le=\"" << le << "\"} "
          << running << "\n";
    }
    out << "battrace_http_request_duration_seconds_bucket{" << label << ",le=\"+Inf\"} "
        << cumulative << "\n";
    out << "battrace_http_request_duration_seconds_sum{" << label << "} "
        << static_cast<double>(s.micros.load()) / 1e6 << "\n";
    out << "battrace_http_request_duration_seconds_count{" << label << "} " << cumulative << "\n";
  }
  out << "# HELP battrace_reports_total Reports received through the API, by outcome.\n"
         "# TYPE battrace_reports_total counter\n"
      << "battrace_reports_total{outcome=\"accepted\"} " << accepted_.load() << "\n"
      << "battrace_reports_total{outcome=\"duplicate\"} " << duplicates_.load() << "\n"
      << "battrace_reports_total{outcome=\"rejected\"} " << rejected_.load() << "\n"
      << "# HELP battrace_ledger_leaves Reports in the ledger.\n"
         "# TYPE battrace_ledger_leaves gauge\n"
      << "battrace_ledger_leaves " << ledger_size << "\n"
      << "# HELP battrace_open_obligations Reporting duties open now.\n"
         "# TYPE battrace_open_obligations gauge\n"
      << "battrace_open_obligations " << open_duties << "\n";
  return out.str();
}

}  // namespace battrace::server
