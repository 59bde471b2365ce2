// Division lookup: binary search in the generated GB/T 2260 table (core/division_table.h), the
// names of a division's province and city for diagnostics, and jurisdiction prefixes.
#include "core/division.h"

#include <algorithm>
#include <cstdint>

#include "core/division_table.h"

namespace battrace {
namespace {

constexpr const char* kNationName = "中华人民共和国";

bool IsSixDigits(std::string_view code) {
  return code.size() == 6 &&
         std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// REQUIRES: IsSixDigits(code).
uint32_t CodeValue(std::string_view code) {
  uint32_t v = 0;
  for (const char c : code) {
    v = v * 10 + static_cast<uint32_t>(c - '0');
  }
  return v;
}

const DivisionEntry* FindEntry(uint32_t code) {
  const DivisionEntry* end = kDivisionTable + kDivisionTableSize;
  const DivisionEntry* it = std::lower_bound(
      kDivisionTable, end, code, [](const DivisionEntry& e, uint32_t c) { return e.code < c; });
  return it != end && it->code == code ? it : nullptr;
}

// The table's name of a six-digit code, or nullptr.
const char* NameOf(std::string_view code) {
  const DivisionEntry* e = FindEntry(CodeValue(code));
  return e != nullptr ? e->name : nullptr;
}

}  // namespace

const char* DivisionLevelName(DivisionLevel level) {
  switch (level) {
    case DivisionLevel::kNation:
      return "nation";
    case DivisionLevel::kProvince:
      return "province";
    case DivisionLevel::kCity:
      return "city";
    case DivisionLevel::kCounty:
      return "county";
  }
  return "unknown";
}

std::string Division::Normalize(std::string_view raw) {
  return NormalizeIdentifier(raw);
}

std::optional<Division> Division::Find(std::string_view code) {
  if (!IsSixDigits(code)) return std::nullopt;
  if (code == kNationCode) return Division(std::string(code), DivisionLevel::kNation, kNationName);
  const DivisionEntry* e = FindEntry(CodeValue(code));
  if (e == nullptr) return std::nullopt;
  return Division(std::string(code), static_cast<DivisionLevel>(e->level), e->name);
}

CodeCheck Division::Check(std::string_view raw, Strictness /*strictness: same for both*/) {
  CodeCheck out;
  out.input = std::string(raw);
  out.normalized = Normalize(raw);
  out.kind = "division";
  const std::string& code = out.normalized;

  // Lengths and positions count characters: a non-ASCII character is one, whatever its bytes.
  const std::vector<std::string_view> chars = SplitCharacters(code);
  if (chars.size() != 6) {
    out.errors.push_back({0, "division", "division.format", LengthMessage(6, code)});
  }
  for (size_t i = 0; i < chars.size(); ++i) {
    if (chars[i].size() == 1 && chars[i][0] >= '0' && chars[i][0] <= '9') continue;
    out.errors.push_back({static_cast<int>(i) + 1, "division", "division.format",
                          DescribeCharacter(chars[i]) + " is not a digit"});
  }
  if (!out.errors.empty()) return out;

  const std::optional<Division> d = Find(code);
  if (!d) {
    out.errors.push_back(
        {0, "division", "division.unknown", code + " is not in the GB/T 2260 division list"});
    return out;
  }
  out.valid = true;
  out.fields = {{"level", DivisionLevelName(d->level())}, {"name", d->name()}};
  if (d->level() == DivisionLevel::kNation) return out;
  if (const char* province = NameOf(d->province_code())) {
    out.fields.emplace_back("province", province);
  }
  if (d->level() == DivisionLevel::kProvince) return out;
  if (const char* city = NameOf(d->city_code())) out.fields.emplace_back("city", city);
  return out;
}

Result<Division> Division::Parse(std::string_view raw) {
  // The common case, a listed code as written, skips the diagnostics: six digits are already
  // normalized, and Check accepts exactly the codes Find knows.
  if (std::optional<Division> d = Find(raw)) return *std::move(d);
  const CodeCheck check = Check(raw, Strictness::kStrict);
  if (!check.valid) return FirstErrorStatus(check);
  return *Find(check.normalized);
}

std::vector<Division> Division::All(DivisionLevel level) {
  if (level == DivisionLevel::kNation) {
    return {Division(std::string(kNationCode), DivisionLevel::kNation, kNationName)};
  }
  std::vector<Division> out;
  for (size_t i = 0; i < kDivisionTableSize; ++i) {
    const DivisionEntry& e = kDivisionTable[i];
    if (e.level != static_cast<uint8_t>(level)) continue;
    std::string code = std::to_string(e.code);
    code.insert(0, 6 - code.size(), '0');
    out.push_back(Division(std::move(code), level, e.name));
  }
  return out;
}

std::string Division::province_code() const {
  if (level_ == DivisionLevel::kNation) return code_;
  return code_.substr(0, 2) + "0000";
}

std::string Division::city_code() const {
  if (level_ != DivisionLevel::kCounty) return code_;
  return code_.substr(0, 4) + "00";
}

std::string Division::prefix() const {
  switch (level_) {
    case DivisionLevel::kNation:
      return "";
    case DivisionLevel::kProvince:
      return code_.substr(0, 2);
    case DivisionLevel::kCity:
      return code_.substr(0, 4);
    case DivisionLevel::kCounty:
      return code_;
  }
  return code_;
}

bool Division::Contains(std::string_view other_code) const {
  return IsSixDigits(other_code) && other_code.starts_with(prefix());
}

}  // namespace battrace
