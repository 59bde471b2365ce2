#include "core/clock.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>
#include <vector>

namespace battrace {
namespace {

TEST(FakeClockTest, StartsWhereToldAndStaysThere) {
  FakeClock clock(1'777'000'000'000'000);
  EXPECT_EQ(clock.Now(), 1'777'000'000'000'000);
  EXPECT_EQ(clock.Now(), 1'777'000'000'000'000);
}

TEST(FakeClockTest, SetAndAdvanceMoveIt) {
  FakeClock clock(0);
  clock.Set(1'000'000);
  EXPECT_EQ(clock.Now(), 1'000'000);
  clock.Advance(250);
  EXPECT_EQ(clock.Now(), 1'000'250);
  clock.Advance(-1'000'250);  // a wall clock may step back
  EXPECT_EQ(clock.Now(), 0);
}

TEST(FakeClockTest, ServesAsAClock) {
  FakeClock fake(42);
  const Clock& clock = fake;
  EXPECT_EQ(clock.Now(), 42);
  fake.Advance(1);
  EXPECT_EQ(clock.Now(), 43);
}

TEST(FakeClockTest, AdvancesFromManyThreadsAreAllCounted) {
  FakeClock clock(0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&clock] {
      for (int i = 0; i < 1000; ++i)
        clock.Advance(1);
    });
  }
  for (auto& t : threads)
    t.join();
  EXPECT_EQ(clock.Now(), 4000);
}

TEST(SystemClockTest, IsTheWallClockInMicroseconds) {
  const Instant before = std::chrono::duration_cast<std::chrono::microseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  const Instant now = SystemClock().Now();
  const Instant after = std::chrono::duration_cast<std::chrono::microseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
  EXPECT_LE(before, now);
  EXPECT_LE(now, after);
  // Microseconds, not seconds or nanoseconds: after 2020-01-01 and before 2100-01-01.
  EXPECT_GT(now, 1'577'836'800'000'000);
  EXPECT_LT(now, 4'102'444'800'000'000);
}

TEST(SystemClockTest, IsOneProcessWideInstance) {
  EXPECT_EQ(&SystemClock(), &SystemClock());
}

}  // namespace
}  // namespace battrace
