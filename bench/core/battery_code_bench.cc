// Battery code validation throughput: the ingest hot path (BatteryCode::IsValid) against a
// regular-expression baseline (RE2 FullMatch of the strict 24-character pattern) on the same
// one million codes, and the full diagnostics (BatteryCode::Check) for information.
//
// The workload: codes composed by BatteryCode::Compose from realistic fields (a few large
// makers, mostly LFP and ternary cells, dates 2018-2026), 10% of them then damaged the way field
// scans are (0/O and 1/I swaps, a wrong product letter, a day that the month does not have,
// letters in the serial). The seed is fixed, so every run measures the same codes.
//
// items_per_second is codes per second. The last line printed is the ratio IsValid / RE2.
#include <benchmark/benchmark.h>
#include <re2/re2.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "core/battery_code.h"

namespace battrace {
namespace {

constexpr size_t kCodes = 1 << 20;
constexpr size_t kStride = BatteryCode::kLength;

// The strict 24-character form as a regular expression. A regular expression cannot know how
// many days a month has, so 31 April and 29 February 2023 match it; IsValid rejects them.
constexpr char kStrictPattern[] =
    "[0-9A-Z]{3}[PMC][A-GZ][0-9A-Z]{2}[0-9A-Z]{7}"
    "[1-9A-HJ-NPR-TV-Y][1-9A-C][0-9A-HJ-NPR-TV-Y][0-9]{7}";

// kCodes codes of kStride bytes each, back to back.
const std::string& Codes() {
  static const std::string codes = [] {
    std::mt19937_64 rng(0x6a7b34014ULL);
    const auto pick = [&](std::string_view from) {
      return from[std::uniform_int_distribution<size_t>(0, from.size() - 1)(rng)];
    };
    const auto text = [&](std::string_view from, size_t n) {
      std::string s(n, ' ');
      for (char& c : s)
        c = pick(from);
      return s;
    };
    const std::string makers[] = {"001", "04Q", "03U", "0B7", "12A", "00K"};
    const Date first = *Date::FromYmd(2018, 1, 1);
    const int days = Date::FromYmd(2026, 12, 31)->days_since_epoch() - first.days_since_epoch();
    const std::string_view alnum = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    std::string out;
    out.reserve(kCodes * kStride);
    while (out.size() < kCodes * kStride) {
      const ProductType type = std::array{ProductType::kCell, ProductType::kCell,
                                          ProductType::kModule, ProductType::kPack}[rng() % 4];
      auto code = BatteryCode::Compose(
          makers[rng() % std::size(makers)], type, pick("BBBBEEEZ"), text(alnum, 2), text(alnum, 7),
          first.AddDays(std::uniform_int_distribution<int>(0, days)(rng)), text("0123456789", 7));
      std::string s = code.value().str();
      if (rng() % 10 == 0) {
        switch (rng() % 5) {
          case 0:  // a digit read as a letter in the serial
            s[17 + rng() % 7] = pick("OI");
            break;
          case 1:  // a product letter that is not P, M or C
            s[3] = pick("RSX");
            break;
          case 2:  // day 31 of a 30-day month
            s[15] = pick("469B");
            s[16] = '0';
            break;
          case 3:  // a skipped letter in the date
            s[14 + rng() % 3] = pick("IOQUZ");
            break;
          default:  // an unknown battery type
            s[4] = pick("HJKX");
            break;
        }
      }
      out += s;
    }
    return out;
  }();
  return codes;
}

std::string_view CodeAt(size_t i) {
  return std::string_view(Codes()).substr(i * kStride, kStride);
}

void BM_IsValid(benchmark::State& state) {
  const std::string& codes = Codes();
  for (auto _ : state) {
    size_t valid = 0;
    for (size_t i = 0; i < kCodes; ++i) {
      valid += BatteryCode::IsValid(std::string_view(codes.data() + i * kStride, kStride),
                                    Strictness::kStrict);
    }
    benchmark::DoNotOptimize(valid);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kCodes));
}
BENCHMARK(BM_IsValid)->Unit(benchmark::kMillisecond);

void BM_Re2FullMatch(benchmark::State& state) {
  const std::string& codes = Codes();
  const RE2 pattern(kStrictPattern);
  for (auto _ : state) {
    size_t valid = 0;
    for (size_t i = 0; i < kCodes; ++i) {
      valid += RE2::FullMatch(re2::StringPiece(codes.data() + i * kStride, kStride), pattern);
    }
    benchmark::DoNotOptimize(valid);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kCodes));
}
BENCHMARK(BM_Re2FullMatch)->Unit(benchmark::kMillisecond);

// Full diagnostics allocate and format; measured on the first 64Ki codes.
void BM_Check(benchmark::State& state) {
  constexpr size_t kChecked = 1 << 16;
  for (auto _ : state) {
    for (size_t i = 0; i < kChecked; ++i) {
      benchmark::DoNotOptimize(BatteryCode::Check(CodeAt(i), Strictness::kStrict));
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kChecked));
}
BENCHMARK(BM_Check)->Unit(benchmark::kMillisecond);

// Prints the runs as usual and remembers each benchmark's codes per second.
class RateReporter : public benchmark::ConsoleReporter {
 public:
  RateReporter() : ConsoleReporter(isatty(fileno(stdout)) ? OO_ColorTabular : OO_Tabular) {}

  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      auto it = run.counters.find("items_per_second");
      if (it != run.counters.end()) rates_[run.benchmark_name()] = it->second;
    }
  }
  double Rate(const std::string& name) const {
    auto it = rates_.find(name);
    return it == rates_.end() ? 0 : it->second;
  }

 private:
  std::map<std::string, double> rates_;
};

// The workload's make-up, and the codes on which IsValid and the regular expression disagree:
// all of them must be days the calendar does not have.
void DescribeWorkload() {
  const RE2 pattern(kStrictPattern);
  size_t valid = 0;
  size_t calendar_only = 0;
  for (size_t i = 0; i < kCodes; ++i) {
    const bool fast = BatteryCode::IsValid(CodeAt(i), Strictness::kStrict);
    const bool regex = RE2::FullMatch(re2::StringPiece(CodeAt(i).data(), kStride), pattern);
    valid += fast;
    if (fast == regex) continue;
    const CodeCheck check = BatteryCode::Check(CodeAt(i), Strictness::kStrict);
    if (fast || check.errors.size() != 1 || check.errors[0].rule != "battery_code.date_exists") {
      std::fprintf(stderr, "IsValid and RE2 disagree on %s beyond the calendar\n",
                   std::string(CodeAt(i)).c_str());
      std::exit(1);
    }
    ++calendar_only;
  }
  std::printf("workload: %zu codes, %zu valid (%.1f%%), %zu rejected only by the calendar\n",
              kCodes, valid, 100.0 * valid / kCodes, calendar_only);
}

}  // namespace
}  // namespace battrace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  battrace::DescribeWorkload();
  battrace::RateReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  const double fast = reporter.Rate("BM_IsValid");
  const double regex = reporter.Rate("BM_Re2FullMatch");
  if (fast > 0 && regex > 0) {
    std::printf("IsValid %.1fM codes/s, RE2 %.1fM codes/s: IsValid/RE2 = %.1fx\n", fast / 1e6,
                regex / 1e6, fast / regex);
  }
  return 0;
}
