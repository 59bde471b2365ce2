// Valid identifiers and reports for tests, built with the core encoders so that every one of
// them passes validation: USCCs with their check character, VINs with their check digit,
// battery codes composed from their fields.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/battery_code.h"
#include "core/date.h"
#include "core/uscc.h"
#include "core/vin.h"

namespace battrace::testing {

// A fresh, empty directory for the running test: <tmp>/battrace-<suite>-<pid>-<test name>.
inline std::filesystem::path FreshTestDir(const std::string& suite) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("battrace-" + suite + "-" + std::to_string(getpid()) + "-" +
                    ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// The n-th test enterprise, registered in Shenzhen (440300).
inline std::string TestUscc(unsigned n) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "91440300%09u", n);
  const std::string first17(buf, 17);
  return first17 + Uscc::ComputeCheckCharacter(first17);
}

// The n-th test vehicle (WMI LGX, model year 2024).
inline std::string TestVin(unsigned n) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "LGXAB1C00RA%06u", n % 1000000);
  std::string vin(buf, 17);
  vin[8] = Vin::ComputeCheckDigit(vin);
  return vin;
}

// The n-th battery code of product type `t` from manufacturer "0A1", produced 2026-04-01.
inline std::string TestCode(ProductType t, unsigned n) {
  char serial[16];
  std::snprintf(serial, sizeof serial, "%07u", n);
  return BatteryCode::Compose("0A1", t, 'B', "24", "0000001", *Date::FromYmd(2026, 4, 1), serial)
      ->str();
}

inline nlohmann::json Produced(const std::string& id, const std::string& reporter,
                               const std::string& code,
                               const std::vector<std::string>& parts = {}) {
  nlohmann::json r = {{"id", id},
                      {"type", "battery.produced"},
                      {"reporter", reporter},
                      {"occurred", "2026-04-02"},
                      {"code", code}};
  if (!parts.empty()) r["parts"] = parts;
  return r;
}

}  // namespace battrace::testing
