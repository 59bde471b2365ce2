#include "sim/deadlines.h"

#include <array>

namespace battrace::sim {
namespace {

// The Article 24 periods of the 2026 Measures (in force from 2026-04-01), by duty key, with the
// article each cites. Anchors before 2026-04-01 are not judged here.
struct Row {
  std::string_view duty;
  std::string_view article;
  std::string_view period;
};
constexpr std::array<Row, 17> kMeasures2026 = {{
    {"24.1", "24.1", "6m"},
    {"24.2a", "24.2a", "20d"},
    {"24.2b", "24.2b", "40d"},
    {"24.2c", "24.2c", "15d"},
    {"24.3", "24.3", "15d"},
    {"24.4a", "24.4a", "next-month-15"},
    {"24.4b", "24.4b", "15d"},
    {"24.5a", "24.5a", "15d"},
    {"24.5b", "24.5b", "40d"},
    {"24.5c", "24.5c", "40d"},
    {"24.6a", "24.6a", "30d"},
    {"24.6b", "24.6b", "15d"},
    {"24.6c", "24.6c", "15d"},
    {"24.7a", "24.7a", "30d"},
    {"24.7b", "24.7b", "30d"},
    {"24.8", "24.8", "15d"},
    {"utilized", "12", "30d"},
}};

}  // namespace

Result<Deadlines> Deadlines::Default() {
  const Result<LegalCalendar>& calendar = LegalCalendar::Default();
  if (!calendar.ok()) return calendar.status();
  return Deadlines(&*calendar);
}

std::optional<Deadline> Deadlines::Find(std::string_view duty, Date anchor) const {
  if (anchor < *Date::FromYmd(2026, 4, 1)) return std::nullopt;
  for (const Row& row : kMeasures2026) {
    if (row.duty != duty) continue;
    auto period = Period::Parse(row.period);
    if (!period.ok()) return std::nullopt;
    return Deadline{std::string(row.article), calendar_->DueDate(anchor, *period).date};
  }
  return std::nullopt;
}

}  // namespace battrace::sim
