// Where battrace reads the time: receipts' `reported`, checkpoint times, audit entries, tokens.
//
// Code that stamps a time takes a `const Clock&` (or a `const Clock*` in an options struct)
// rather than reading the system clock itself, so that a test can pass a FakeClock and know
// the instant that will be written. Production passes SystemClock().
#pragma once

#include <atomic>
#include <cstdint>

#include "core/date.h"

namespace battrace {

class Clock {
 public:
  virtual ~Clock() = default;
  // The current instant (microseconds since the Unix epoch, UTC; core/date.h).
  virtual Instant Now() const = 0;
};

// The wall clock (std::chrono::system_clock). One process-wide instance; safe from any thread.
const Clock& SystemClock();

// A clock for tests: starts at a given instant and moves only when told. Now(), Set() and
// Advance() may be called from different threads (a server under test reads it from its
// handler threads).
class FakeClock final : public Clock {
 public:
  explicit FakeClock(Instant start) : now_(start) {}
  Instant Now() const override { return now_.load(std::memory_order_relaxed); }
  void Set(Instant t) { now_.store(t, std::memory_order_relaxed); }
  // Moves the clock by `delta` microseconds (may be negative: a wall clock can step back).
  void Advance(int64_t delta) { now_.fetch_add(delta, std::memory_order_relaxed); }

 private:
  std::atomic<Instant> now_;
};

}  // namespace battrace
