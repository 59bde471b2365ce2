// Deterministic randomness for the simulator: std::mt19937_64, whose output the standard fixes,
// mapped to ranges by our own code (the standard distributions' output is
// implementation-defined), and a mixer to derive one stream per vehicle from the seed.
#pragma once

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace battrace::sim {

// SplitMix64's finalizer over a and b: well-spread seeds from a seed and a number.
inline uint64_t Mix(uint64_t a, uint64_t b) {
  uint64_t z = a * 0x9E3779B97F4A7C15ULL + b + 0x632BE59BD9B4E019ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// std::mt19937_64 (its output is fixed by the standard) with our own mapping to ranges: the
// standard distributions' output is implementation-defined.
class Rng {
 public:
  explicit Rng(uint64_t seed) : engine_(seed) {}
  // An integer in [lo, hi], by multiply-shift.
  int64_t Range(int64_t lo, int64_t hi) {
    const unsigned __int128 span =
        static_cast<unsigned __int128>(static_cast<uint64_t>(hi - lo)) + 1;
    return lo + static_cast<int64_t>((span * engine_()) >> 64);
  }
  // A double in [0, 1) with 53 random bits.
  double Unit() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  bool Chance(double p) { return Unit() < p; }
  template <typename T>
  const T& Pick(const std::vector<T>& v) {
    return v[static_cast<size_t>(Range(0, static_cast<int64_t>(v.size()) - 1))];
  }

 private:
  std::mt19937_64 engine_;
};

// Rounded to grams, litres, ...: three decimals.
inline double Round3(double x) {
  return std::round(x * 1000.0) / 1000.0;
}

// n in decimal, zero-padded to `width` digits.
inline std::string Pad(uint64_t n, int width) {
  std::string s = std::to_string(n);
  if (static_cast<int>(s.size()) < width) s.insert(0, static_cast<size_t>(width) - s.size(), '0');
  return s;
}

// Error diffusion in integers: Add() once per opportunity of a kind of violation; it answers
// true about `rate` of the time, and on the first opportunity when the rate is not zero.
class Accumulator {
 public:
  static constexpr uint64_t kOne = 1000000000;
  explicit Accumulator(double rate = 0)
      : rate_(static_cast<uint64_t>(std::llround(rate * static_cast<double>(kOne)))),
        value_(rate_ > 0 ? kOne - rate_ : 0) {}
  bool Add() {
    value_ += rate_;
    if (value_ < kOne) return false;
    value_ -= kOne;
    return true;
  }

 private:
  uint64_t rate_;
  uint64_t value_;
};

}  // namespace battrace::sim
