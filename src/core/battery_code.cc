// GB/T 34014 battery codes: the letter tables, the field layouts, and the four readers built on
// them — the normalizer of raw scans, the allocation-free validator of the ingest hot path, the
// diagnostic checker behind `code check`, and the encoder used by tests and the data simulator.
//
// Everything any of them knows about the code is in the table section below. The character
// classes, the field layouts and the validator's per-position accept tables and byte ranges are
// derived from it at compile time, so a correction to a table reaches every reader at once.
#include "core/battery_code.h"

#include <array>
#include <cstdio>
#include <cstring>
#include <optional>
#include <vector>

namespace battrace {
namespace {

// ---- Tables: corroborated, see docs/identifiers.md ----------------------------------------

struct Letter {
  char letter;
  const char* name;
};

constexpr Letter kProductTypes[] = {{'P', "pack"}, {'M', "module"}, {'C', "cell"}};

constexpr Letter kChemistries[] = {
    {'A', "NiMH"},           {'B', "LFP"}, {'C', "LMO"},   {'D', "LCO"}, {'E', "NCM/NCA"},
    {'F', "supercapacitor"}, {'G', "LTO"}, {'Z', "other"},
};

// Production-date letters. Years: 2011 first, a 30-year cycle skipping 0 I O Q U Z. Months:
// January first. Days: day 1 first, '0' is day 31.
constexpr int kFirstYear = 2011;
constexpr std::string_view kYearLetters = "123456789ABCDEFGHJKLMNPRSTVWXY";
constexpr std::string_view kMonthLetters = "123456789ABC";
constexpr std::string_view kDayLetters = "123456789ABCDEFGHJKLMNPRSTVWXY0";

// The letter between the serial and the product type of a cascade re-code.
constexpr char kRecodeMark = 'R';

// ---- Character classes, derived from the tables -------------------------------------------

enum CharClass : uint8_t {
  kAlnum = 1 << 0,  // [0-9A-Z]
  kDigit = 1 << 1,
  kProductLetter = 1 << 2,
  kChemistryLetter = 1 << 3,
  kYearLetter = 1 << 4,
  kMonthLetter = 1 << 5,
  kDayLetter = 1 << 6,
  kRecodeMarkLetter = 1 << 7,
};

constexpr bool IsAlnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z');
}

using ByteTable = std::array<uint8_t, 256>;

constexpr ByteTable BuildClassTable() {
  ByteTable t{};
  for (int c = 0; c < 256; ++c) {
    if (IsAlnum(static_cast<char>(c))) t[c] |= kAlnum;
    if (c >= '0' && c <= '9') t[c] |= kDigit;
  }
  for (const Letter& l : kProductTypes) {
    t[static_cast<uint8_t>(l.letter)] |= kProductLetter;
  }
  for (const Letter& l : kChemistries) {
    t[static_cast<uint8_t>(l.letter)] |= kChemistryLetter;
  }
  for (char c : kYearLetters) {
    t[static_cast<uint8_t>(c)] |= kYearLetter;
  }
  for (char c : kMonthLetters) {
    t[static_cast<uint8_t>(c)] |= kMonthLetter;
  }
  for (char c : kDayLetters) {
    t[static_cast<uint8_t>(c)] |= kDayLetter;
  }
  t[static_cast<uint8_t>(kRecodeMark)] |= kRecodeMarkLetter;
  return t;
}

// The 0-based index of each letter in `letters`; 0 for other bytes (the class table rejects
// those before an index is trusted).
constexpr ByteTable BuildIndexTable(std::string_view letters) {
  ByteTable t{};
  for (size_t i = 0; i < letters.size(); ++i) {
    t[static_cast<uint8_t>(letters[i])] = i;
  }
  return t;
}

constexpr ByteTable kClassOf = BuildClassTable();
constexpr ByteTable kYearIndex = BuildIndexTable(kYearLetters);
constexpr ByteTable kMonthIndex = BuildIndexTable(kMonthLetters);
constexpr ByteTable kDayIndex = BuildIndexTable(kDayLetters);

uint8_t ClassOf(char c) {
  return kClassOf[static_cast<uint8_t>(c)];
}

// Days in each month of each year the year letters cover, from the calendar in core/date.h:
// kMonthLength[year_index * kMonths + month_index].
constexpr size_t kYears = kYearLetters.size();
constexpr size_t kMonths = kMonthLetters.size();
constexpr size_t kYearMonths = kYears * kMonths;
const std::array<uint8_t, kYearMonths> kMonthLength = [] {
  std::array<uint8_t, kYearMonths> t{};
  for (size_t y = 0; y < kYears; ++y) {
    for (size_t m = 0; m < kMonths; ++m) {
      t[y * kMonths + m] =
          Date::DaysInMonth(kFirstYear + static_cast<int>(y), static_cast<int>(m) + 1);
    }
  }
  return t;
}();

// ---- Field layouts ------------------------------------------------------------------------

enum class Part {
  kManufacturer,
  kProductType,
  kChemistry,
  kSpecification,
  kTraceability,
  kYear,
  kMonth,
  kDay,
  kSerial,
  kRecodeMark,
  kRecodeProductType,
};

struct Field {
  Part part;
  const char* name;   // CodeIssue::field and the CodeCheck::fields key
  const char* rule;   // stable rule name
  const char* label;  // in messages
  uint8_t pos;        // 0-based
  uint8_t len;
  uint8_t strict_class;   // what each character must be in strict mode
  uint8_t lenient_class;  // ... and in lenient mode
};

constexpr Field kCodeLayout[] = {
    {Part::kManufacturer, "manufacturer", "battery_code.manufacturer", "manufacturer", 0, 3, kAlnum,
     kAlnum},
    {Part::kProductType, "product_type", "battery_code.product_type", "product type", 3, 1,
     kProductLetter, kProductLetter},
    {Part::kChemistry, "chemistry", "battery_code.chemistry", "battery type", 4, 1,
     kChemistryLetter, kChemistryLetter},
    {Part::kSpecification, "specification", "battery_code.specification", "specification", 5, 2,
     kAlnum, kAlnum},
    {Part::kTraceability, "traceability", "battery_code.traceability", "traceability", 7, 7, kAlnum,
     kAlnum},
    {Part::kYear, "production_date", "battery_code.year", "production year", 14, 1, kYearLetter,
     kYearLetter},
    {Part::kMonth, "production_date", "battery_code.month", "production month", 15, 1, kMonthLetter,
     kMonthLetter},
    {Part::kDay, "production_date", "battery_code.day", "production day", 16, 1, kDayLetter,
     kDayLetter},
    {Part::kSerial, "serial", "battery_code.serial", "serial", 17, 7, kDigit, kAlnum},
};

// The cascade re-code: no traceability field, then 'R' and the re-made product's type.
constexpr Field kRecodeLayout[] = {
    {Part::kManufacturer, "manufacturer", "battery_code.manufacturer", "manufacturer", 0, 3, kAlnum,
     kAlnum},
    {Part::kProductType, "product_type", "battery_code.product_type", "product type", 3, 1,
     kProductLetter, kProductLetter},
    {Part::kChemistry, "chemistry", "battery_code.chemistry", "battery type", 4, 1,
     kChemistryLetter, kChemistryLetter},
    {Part::kSpecification, "specification", "battery_code.specification", "specification", 5, 2,
     kAlnum, kAlnum},
    {Part::kYear, "production_date", "battery_code.year", "production year", 7, 1, kYearLetter,
     kYearLetter},
    {Part::kMonth, "production_date", "battery_code.month", "production month", 8, 1, kMonthLetter,
     kMonthLetter},
    {Part::kDay, "production_date", "battery_code.day", "production day", 9, 1, kDayLetter,
     kDayLetter},
    {Part::kSerial, "serial", "battery_code.serial", "serial", 10, 7, kDigit, kAlnum},
    {Part::kRecodeMark, "recode_mark", "battery_code.recode_mark", "re-code mark", 17, 1,
     kRecodeMarkLetter, kRecodeMarkLetter},
    {Part::kRecodeProductType, "recode_product_type", "battery_code.recode_product_type",
     "re-code product type", 18, 1, kProductLetter, kProductLetter},
};

template <size_t M>
constexpr const Field& FieldOf(const Field (&layout)[M], Part part) {
  for (const Field& f : layout) {
    if (f.part == part) return f;
  }
  return layout[0];  // unreachable for the parts each layout has; checked below
}

template <size_t M>
constexpr bool DateIsContiguous(const Field (&layout)[M]) {
  const int year = FieldOf(layout, Part::kYear).pos;
  return FieldOf(layout, Part::kYear).part == Part::kYear &&
         FieldOf(layout, Part::kMonth).pos == year + 1 &&
         FieldOf(layout, Part::kDay).pos == year + 2;
}

// What each position requires, per strictness; every position must be covered exactly once.
template <size_t N, size_t M>
constexpr std::array<uint8_t, N> Requirements(const Field (&layout)[M], bool strict) {
  std::array<uint8_t, N> need{};
  for (const Field& f : layout) {
    for (size_t i = 0; i < f.len; ++i) {
      need[f.pos + i] = strict ? f.strict_class : f.lenient_class;
    }
  }
  return need;
}

template <size_t N, size_t M>
constexpr bool CoversEveryPosition(const Field (&layout)[M]) {
  size_t covered = 0;
  for (const Field& f : layout) {
    covered += f.len;
  }
  for (uint8_t need : Requirements<N>(layout, true)) {
    if (need == 0) return false;
  }
  return covered == N;
}

static_assert(CoversEveryPosition<BatteryCode::kLength>(kCodeLayout));
static_assert(CoversEveryPosition<BatteryCode::kRecodeLength>(kRecodeLayout));
static_assert(DateIsContiguous(kCodeLayout) && DateIsContiguous(kRecodeLayout));

// Per position and byte, whether the byte is accepted there: one load per character.
template <size_t N>
using AcceptTable = std::array<ByteTable, N>;

template <size_t N, size_t M>
constexpr AcceptTable<N> BuildAcceptTable(const Field (&layout)[M], bool strict) {
  const std::array<uint8_t, N> need = Requirements<N>(layout, strict);
  AcceptTable<N> t{};
  for (size_t i = 0; i < N; ++i) {
    for (size_t c = 0; c < 256; ++c) {
      t[i][c] = (need[i] & kClassOf[c]) != 0;
    }
  }
  return t;
}

constexpr auto kCodeStrict = BuildAcceptTable<BatteryCode::kLength>(kCodeLayout, true);
constexpr auto kCodeLenient = BuildAcceptTable<BatteryCode::kLength>(kCodeLayout, false);
constexpr auto kRecodeStrict = BuildAcceptTable<BatteryCode::kRecodeLength>(kRecodeLayout, true);
constexpr auto kRecodeLenient = BuildAcceptTable<BatteryCode::kRecodeLength>(kRecodeLayout, false);
constexpr size_t kCodeDatePos = FieldOf(kCodeLayout, Part::kYear).pos;
constexpr size_t kRecodeDatePos = FieldOf(kRecodeLayout, Part::kYear).pos;

// ---- The hot path -------------------------------------------------------------------------
//
// Most positions accept at most two byte ranges ([0-9A-Z], [0-9], [A-GZ], [1-9A-C], R); those are
// checked 16 bytes at a time, as two overlapping windows covering the code. The few positions
// whose set is not two ranges (product type, year, day) are looked up in their accept table.

using Bytes16 = uint8_t __attribute__((vector_size(16)));

// Per lane of a 16-byte window: accepted iff lo1 <= b <= hi1 or lo2 <= b <= hi2.
struct WindowRanges {
  std::array<uint8_t, 16> lo1{}, hi1{}, lo2{}, hi2{};
};

template <size_t N>
struct RangeLayout {
  WindowRanges head;                // positions [0, 16)
  WindowRanges tail;                // positions [N - 16, N)
  std::array<uint8_t, N> lookup{};  // positions checked in the accept table instead
  size_t lookups = 0;
};

template <size_t N>
constexpr RangeLayout<N> BuildRangeLayout(const AcceptTable<N>& accept) {
  static_assert(N >= 16 && N <= 32, "two 16-byte windows must cover the code");
  std::array<std::array<uint8_t, 4>, N> ranges{};  // lo1, hi1, lo2, hi2 per position
  RangeLayout<N> out{};
  for (size_t i = 0; i < N; ++i) {
    std::array<uint8_t, 4> r = {1, 0, 1, 0};  // empty ranges
    size_t runs = 0;
    for (size_t c = 0; c < 256; ++c) {
      if (!accept[i][c] || (c > 0 && accept[i][c - 1])) continue;
      size_t end = c;
      while (end + 1 < 256 && accept[i][end + 1]) {
        ++end;
      }
      if (runs < 2) {
        r[2 * runs] = static_cast<uint8_t>(c);
        r[2 * runs + 1] = static_cast<uint8_t>(end);
      }
      ++runs;
    }
    if (runs > 2) {
      r = {0, 255, 1, 0};  // any byte passes the window; the lookup decides
      out.lookup[out.lookups++] = static_cast<uint8_t>(i);
    }
    ranges[i] = r;
  }
  for (size_t lane = 0; lane < 16; ++lane) {
    for (auto [w, pos] : {std::pair{&out.head, lane}, std::pair{&out.tail, N - 16 + lane}}) {
      w->lo1[lane] = ranges[pos][0];
      w->hi1[lane] = ranges[pos][1];
      w->lo2[lane] = ranges[pos][2];
      w->hi2[lane] = ranges[pos][3];
    }
  }
  return out;
}

constexpr auto kCodeStrictRanges = BuildRangeLayout(kCodeStrict);
constexpr auto kCodeLenientRanges = BuildRangeLayout(kCodeLenient);
constexpr auto kRecodeStrictRanges = BuildRangeLayout(kRecodeStrict);
constexpr auto kRecodeLenientRanges = BuildRangeLayout(kRecodeLenient);

inline Bytes16 Load16(const void* p) {
  Bytes16 v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// All-ones in each lane of `p[0, 16)` that lies in its lane's ranges.
inline Bytes16 InRanges(const char* p, const WindowRanges& r) {
  const Bytes16 v = Load16(p);
  return reinterpret_cast<Bytes16>(((v >= Load16(r.lo1.data())) & (v <= Load16(r.hi1.data()))) |
                                   ((v >= Load16(r.lo2.data())) & (v <= Load16(r.hi2.data()))));
}

// Whether `s` (N bytes) is accepted at every position and its date letters name a real day.
// Branch-free: invalid date letters index entry 0 of the date tables and fail elsewhere.
template <const auto& kAccept, const auto& kRanges, size_t kDatePos>
inline bool MeetsLayout(const char* s) {
  constexpr size_t kN = kAccept.size();
  const Bytes16 in = InRanges(s, kRanges.head) & InRanges(s + kN - 16, kRanges.tail);
  uint64_t halves[2];
  std::memcpy(halves, &in, sizeof halves);
  unsigned ok = (halves[0] & halves[1]) == ~uint64_t{0};
  for (size_t k = 0; k < kRanges.lookups; ++k) {
    ok &= kAccept[kRanges.lookup[k]][static_cast<uint8_t>(s[kRanges.lookup[k]])];
  }
  const unsigned year = kYearIndex[static_cast<uint8_t>(s[kDatePos])];
  const unsigned month = kMonthIndex[static_cast<uint8_t>(s[kDatePos + 1])];
  const unsigned day = kDayIndex[static_cast<uint8_t>(s[kDatePos + 2])];
  return ok & (day < kMonthLength[year * kMonths + month]);
}

// The day named by three date letters already known to be in their tables; nullopt if that day
// is not in the calendar (e.g. 31 April).
std::optional<Date> DateOfLetters(std::string_view letters) {
  return Date::FromYmd(kFirstYear + kYearIndex[static_cast<uint8_t>(letters[0])],
                       kMonthIndex[static_cast<uint8_t>(letters[1])] + 1,
                       kDayIndex[static_cast<uint8_t>(letters[2])] + 1);
}

// ---- Messages -----------------------------------------------------------------------------

std::string Quote(char c) {
  if (c >= 0x21 && c <= 0x7e) return std::string("'") + c + "'";
  char buf[16];
  std::snprintf(buf, sizeof buf, "byte 0x%02X", static_cast<uint8_t>(c));
  return buf;
}

// "A-G or Z": the characters of class `cls`, in 0-9 A-Z order, runs collapsed.
std::string Describe(uint8_t cls) {
  if (cls == kProductLetter) {
    std::string out;
    for (size_t i = 0; i < std::size(kProductTypes); ++i) {
      if (i > 0) out += i + 1 == std::size(kProductTypes) ? " or " : ", ";
      out += std::string(1, kProductTypes[i].letter) + " (" + kProductTypes[i].name + ")";
    }
    return out;
  }
  std::vector<std::string> runs;
  for (const char* group : {"0123456789", "ABCDEFGHIJKLMNOPQRSTUVWXYZ"}) {
    const std::string_view g(group);
    for (size_t i = 0; i < g.size();) {
      if (!(ClassOf(g[i]) & cls)) {
        ++i;
        continue;
      }
      size_t j = i;
      while (j + 1 < g.size() && (ClassOf(g[j + 1]) & cls)) {
        ++j;
      }
      runs.push_back(j == i ? std::string(1, g[i]) : std::string{g[i], '-', g[j]});
      i = j + 1;
    }
  }
  std::string out;
  for (size_t i = 0; i < runs.size(); ++i) {
    if (i > 0) out += i + 1 == runs.size() ? " or " : ", ";
    out += runs[i];
  }
  return out;
}

// The character a scanner or a person most likely confused `c` with.
char Confusable(char c) {
  switch (c) {
    case 'O':
      return '0';
    case '0':
      return 'O';
    case 'I':
      return '1';
    case '1':
      return 'I';
    default:
      return '\0';
  }
}

// "must be 1-9 or A-C (production month); got '0'; ..." for `c` failing class `cls` of `f`.
std::string Expectation(const Field& f, uint8_t cls, char c) {
  std::string m = "must be " + Describe(cls) + " (" + f.label + "); got " + Quote(c);
  const char alt = Confusable(c);
  if (alt != '\0' && (ClassOf(alt) & cls)) {
    m += std::string("; did you mean '") + alt + "'?";
  } else if (f.part == Part::kMonth) {
    m += "; months 10, 11 and 12 are written";
    for (size_t i = 9; i < kMonthLetters.size(); ++i) {
      m += std::string(" '") + kMonthLetters[i] + "'";
    }
  } else if ((f.part == Part::kYear || f.part == Part::kDay) && c >= 'A' && c <= 'Z') {
    m += "; letters not used for the " + std::string(f.label) + ":";
    for (char l = 'A'; l <= 'Z'; ++l) {
      if (!(ClassOf(l) & cls)) m += std::string(" ") + l;
    }
  }
  return m;
}

// ---- Diagnostics --------------------------------------------------------------------------

CodeIssue CharIssue(const Field& f, uint8_t cls, size_t pos, char c) {
  return {static_cast<int>(pos + 1), f.name, f.rule,
          "position " + std::to_string(pos + 1) + " " + Expectation(f, cls, c)};
}

std::string Positions(const Field& f) {
  return f.len == 1
             ? "position " + std::to_string(f.pos + 1)
             : "positions " + std::to_string(f.pos + 1) + "-" + std::to_string(f.pos + f.len);
}

const char* NameOf(const Letter* table, size_t n, char letter) {
  for (size_t i = 0; i < n; ++i) {
    if (table[i].letter == letter) return table[i].name;
  }
  return nullptr;
}

// Checks every character of `code` against its layout and the date against the calendar;
// appends every failure to out->errors, the fields that decode to out->fields, and warnings.
template <size_t M>
void DiagnoseLayout(std::string_view code, const Field (&layout)[M], Strictness strictness,
                    CodeCheck* out) {
  const bool strict = strictness == Strictness::kStrict;
  bool date_letters_ok = true;
  for (const Field& f : layout) {
    const uint8_t cls = strict ? f.strict_class : f.lenient_class;
    const std::string_view text = code.substr(f.pos, f.len);
    bool ok = true;
    bool deviates = false;
    for (size_t i = 0; i < f.len; ++i) {
      if (!(ClassOf(text[i]) & cls)) {
        out->errors.push_back(CharIssue(f, cls, f.pos + i, text[i]));
        ok = false;
      } else if (!(ClassOf(text[i]) & f.strict_class)) {
        deviates = true;
      }
    }
    if (deviates) {
      out->warnings.push_back({f.pos + 1, f.name, f.rule,
                               std::string(f.label) + " '" + std::string(text) + "' at " +
                                   Positions(f) + " has characters outside " +
                                   Describe(f.strict_class) +
                                   "; accepted in lenient mode, the standard's form allows only "
                                   "those"});
    }
    switch (f.part) {
      case Part::kYear:
      case Part::kMonth:
        date_letters_ok = date_letters_ok && ok;
        break;
      case Part::kDay: {
        if (!ok || !date_letters_ok) break;
        const std::string_view letters = code.substr(f.pos - 2, 3);
        if (auto date = DateOfLetters(letters)) {
          out->fields.emplace_back(f.name, date->ToString());
          break;
        }
        out->errors.push_back(
            {f.pos + 1, f.name, "battery_code.date_exists",
             "position " + std::to_string(f.pos + 1) + ": production date letters '" +
                 std::string(letters) + "' name day " +
                 std::to_string(kDayIndex[static_cast<uint8_t>(letters[2])] + 1) + " of month " +
                 std::to_string(kMonthIndex[static_cast<uint8_t>(letters[1])] + 1) + " of " +
                 std::to_string(kFirstYear + kYearIndex[static_cast<uint8_t>(letters[0])]) +
                 ", which is not a day of the calendar"});
        break;
      }
      case Part::kProductType:
      case Part::kRecodeProductType:
        if (ok) out->fields.emplace_back(f.name, NameOf(kProductTypes, 3, text[0]));
        break;
      case Part::kChemistry:
        if (ok) out->fields.emplace_back(f.name, ChemistryName(text[0]));
        break;
      case Part::kRecodeMark:
        break;
      case Part::kManufacturer:
      case Part::kSpecification:
      case Part::kTraceability:
      case Part::kSerial:
        if (ok) out->fields.emplace_back(f.name, std::string(text));
        break;
    }
  }
}

// The field of `layout` covering 0-based position `pos`.
template <size_t M>
const Field& FieldAt(const Field (&layout)[M], size_t pos) {
  for (const Field& f : layout) {
    if (pos >= f.pos && pos < f.pos + f.len) return f;
  }
  return layout[M - 1];
}

// A code of the right number of characters that holds a character outside ASCII: each such
// character is an error at its position (counted in characters), in the rule of its field.
template <size_t M>
void DiagnoseNonAscii(const std::vector<std::string_view>& chars, const Field (&layout)[M],
                      Strictness strictness, CodeCheck* out) {
  for (size_t i = 0; i < chars.size(); ++i) {
    if (chars[i].size() == 1 && static_cast<uint8_t>(chars[i][0]) < 0x80) continue;
    const Field& f = FieldAt(layout, i);
    const uint8_t cls = strictness == Strictness::kStrict ? f.strict_class : f.lenient_class;
    out->errors.push_back({static_cast<int>(i) + 1, f.name, f.rule,
                           "position " + std::to_string(i + 1) + " must be " + Describe(cls) +
                               " (" + f.label + "); got " + DescribeCharacter(chars[i])});
  }
}

void Diagnose(std::string_view code, Strictness strictness, CodeCheck* out) {
  // Lengths and positions count characters: a non-ASCII character is one, whatever its bytes.
  const std::vector<std::string_view> chars = SplitCharacters(code);
  const bool ascii = chars.size() == code.size();
  if (chars.size() == BatteryCode::kLength) {
    if (ascii) {
      DiagnoseLayout(code, kCodeLayout, strictness, out);
    } else {
      DiagnoseNonAscii(chars, kCodeLayout, strictness, out);
    }
  } else if (chars.size() == BatteryCode::kRecodeLength) {
    if (ascii) {
      DiagnoseLayout(code, kRecodeLayout, strictness, out);
    } else {
      DiagnoseNonAscii(chars, kRecodeLayout, strictness, out);
    }
    out->warnings.push_back({0, "code", "battery_code.recode",
                             "cascade re-code; meaning of this form is not confirmed; the "
                             "original code must be linked explicitly"});
  } else {
    out->errors.push_back(
        {0, "code", "battery_code.length",
         code.empty() ? std::string("no battery code found in the input")
                      : LengthMessage(BatteryCode::kLength, code) + " (19 for a cascade re-code)"});
  }
  out->valid = out->errors.empty();
}

// ---- Reading a scan -----------------------------------------------------------------------
//
// A scan is read as a code without guessing: no character of it is ever dropped except
// surrounding whitespace and, in lenient mode, separators and line breaks, and the code is
// never a substring of it, except the one payload known to carry a code, the label URL.

struct Scan {
  std::string code;
  bool url = false;          // read out of a label URL
  bool joined = false;       // lines were joined (lenient)
  bool swapped = false;      // ... second line first
  size_t dropped = 0;        // separators and line breaks dropped (lenient)
  std::string_view trimmed;  // the input without surrounding whitespace
};

bool IsSpace(char c) {
  return c == ' ' || (c >= '\t' && c <= '\r');
}

bool IsDropped(char c) {
  return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '-' || c == '_' || c == '.';
}

char Upper(char c) {
  return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) {
    s.remove_prefix(1);
  }
  while (!s.empty() && IsSpace(s.back())) {
    s.remove_suffix(1);
  }
  return s;
}

// The non-empty lines of `raw`, upper-cased, without dropped characters.
std::vector<std::string> CleanLines(std::string_view raw) {
  std::vector<std::string> lines(1);
  for (char c : raw) {
    if (c == '\n' || c == '\r') {
      if (!lines.back().empty()) lines.emplace_back();
    } else if (!IsDropped(c)) {
      lines.back() += Upper(c);
    }
  }
  if (lines.back().empty() && lines.size() > 1) lines.pop_back();
  return lines;
}

}  // namespace

std::optional<std::string_view> BatteryCode::FromLabelUrl(std::string_view text) {
  std::string_view rest;
  for (std::string_view scheme : {"http://", "https://"}) {
    if (text.size() < scheme.size()) continue;
    bool same = true;
    for (size_t i = 0; i < scheme.size(); ++i) {
      same = same && Upper(text[i]) == Upper(scheme[i]);
    }
    if (same) rest = text.substr(scheme.size());
  }
  if (rest.empty()) return std::nullopt;
  for (const char c : rest) {
    if (c == '?' || c == '#' || static_cast<uint8_t>(c) <= 0x20 || c == 0x7F) return std::nullopt;
  }
  const size_t slash = rest.find('/');
  if (slash == 0 || slash == std::string_view::npos) return std::nullopt;  // no host, no path
  const std::string_view path = rest.substr(slash);
  const size_t last = path.rfind('/');
  if (last < 2 || last + 1 == path.size()) return std::nullopt;  // no ".../b/", empty code
  if (path[last - 2] != '/' || Upper(path[last - 1]) != 'B') return std::nullopt;
  return path.substr(last + 1);
}

namespace {

// The Status of a failed check: its first error, at field "code".
Status FirstError(const CodeCheck& check) {
  const CodeIssue& first = check.errors.front();
  return Status::Invalid("code", first.rule, first.message);
}

// Lenient mode's reading of `text`: upper-cased, separators dropped, lines joined.
void Clean(std::string_view text, Scan* scan) {
  std::vector<std::string> lines = CleanLines(text);
  if (lines.size() == 2) {
    // A two-line plate: the order that makes a valid code, else the one with a product letter
    // at position 4. Both orders keep every character.
    const auto rank = [](const std::string& s) {
      return 4 * BatteryCode::IsValid(s, Strictness::kStrict) +
             2 * BatteryCode::IsValid(s, Strictness::kLenient) +
             (s.size() > 3 && (ClassOf(s[3]) & kProductLetter) != 0);
    };
    std::string forward = lines[0] + lines[1];
    std::string backward = lines[1] + lines[0];
    scan->swapped = rank(backward) > rank(forward);
    scan->code = scan->swapped ? std::move(backward) : std::move(forward);
  } else {
    scan->code.clear();
    for (const std::string& l : lines) {
      scan->code += l;
    }
  }
  scan->joined = lines.size() > 1;
  scan->dropped = CountCharacters(Trim(text)) - CountCharacters(scan->code);
}

Scan ReadScan(std::string_view raw, Strictness strictness) {
  Scan scan;
  scan.trimmed = Trim(raw);
  std::string upper;
  upper.reserve(scan.trimmed.size());
  for (const char c : scan.trimmed) {
    upper += Upper(c);
  }
  std::string_view text = upper;
  if (const std::optional<std::string_view> code = BatteryCode::FromLabelUrl(upper)) {
    scan.url = true;
    text = *code;
  }
  if (strictness == Strictness::kStrict) {
    scan.code = std::string(text);
    return scan;
  }
  Clean(text, &scan);
  // A URL with separators in it is one once they are dropped.
  if (!scan.url) {
    if (const std::optional<std::string_view> code = BatteryCode::FromLabelUrl(scan.code)) {
      scan.url = true;
      scan.code = std::string(*code);
    }
  }
  return scan;
}

}  // namespace

const char* ProductTypeName(ProductType t) {
  const char* name = NameOf(kProductTypes, std::size(kProductTypes), static_cast<char>(t));
  return name ? name : "unknown";
}

const char* ChemistryName(char letter) {
  return NameOf(kChemistries, std::size(kChemistries), letter);
}

std::string BatteryCode::Normalize(std::string_view raw, Strictness strictness) {
  return ReadScan(raw, strictness).code;
}

bool BatteryCode::IsValid(std::string_view normalized, Strictness strictness) {
  const bool strict = strictness == Strictness::kStrict;
  const char* s = normalized.data();
  if (normalized.size() == kLength) {
    return strict ? MeetsLayout<kCodeStrict, kCodeStrictRanges, kCodeDatePos>(s)
                  : MeetsLayout<kCodeLenient, kCodeLenientRanges, kCodeDatePos>(s);
  }
  if (normalized.size() == kRecodeLength) {
    return strict ? MeetsLayout<kRecodeStrict, kRecodeStrictRanges, kRecodeDatePos>(s)
                  : MeetsLayout<kRecodeLenient, kRecodeLenientRanges, kRecodeDatePos>(s);
  }
  return false;
}

CodeCheck BatteryCode::Check(std::string_view raw, Strictness strictness) {
  Scan scan = ReadScan(raw, strictness);
  CodeCheck out;
  out.input = std::string(raw);
  out.kind = "battery";
  if (scan.url) {
    out.extracted_from = "url";
    out.warnings.push_back(
        {0, "code", "battery_code.url",
         "code read out of the label URL " + QuoteText(scan.trimmed) + " (the segment after /b/)"});
  }
  if (scan.dropped > 0) {
    out.warnings.push_back(
        {0, "code", "battery_code.length",
         QuoteText(scan.trimmed) + " has " + std::to_string(CountCharacters(scan.trimmed)) +
             " characters; read without its " + std::to_string(scan.dropped) +
             " separators (spaces, hyphens, underscores, dots, line breaks), as lenient mode "
             "allows"});
  }
  if (scan.joined) {
    out.warnings.push_back({0, "code", "battery_code.lines",
                            scan.swapped ? "lines of a multi-line scan joined, second line first"
                                         : "lines of a multi-line scan joined in scan order"});
  }
  out.normalized = std::move(scan.code);
  Diagnose(out.normalized, strictness, &out);
  if (!out.valid && strictness == Strictness::kStrict && !scan.url) {
    // Say when the lenient reading would have found a code: the filer's choice, not ours.
    const std::string lenient = Normalize(raw, Strictness::kLenient);
    if (lenient != out.normalized && IsValid(lenient, Strictness::kLenient)) {
      out.errors.front().message +=
          "; without its separators it reads " + lenient + ", which lenient mode accepts";
    }
  }
  return out;
}

Result<BatteryCode> BatteryCode::ParseNormalized(std::string_view code, Strictness strictness) {
  if (IsValid(code, strictness)) {
    const size_t date_pos = code.size() == kLength ? kCodeDatePos : kRecodeDatePos;
    return BatteryCode(std::string(code), *DateOfLetters(code.substr(date_pos, 3)));
  }
  CodeCheck check;
  Diagnose(code, strictness, &check);
  if (check.errors.empty()) {
    return Status::Internal("battery code validators disagree on '" + std::string(code) + "'");
  }
  const CodeIssue& first = check.errors.front();
  return Status::Invalid("code", first.rule, first.message);
}

Result<BatteryCode> BatteryCode::Parse(std::string_view raw, Strictness strictness) {
  // The common case, a clean scan of a valid code, skips normalization: a valid code is all
  // [0-9A-Z], which Normalize returns as it is.
  if (IsValid(raw, strictness)) return ParseNormalized(raw, strictness);
  const CodeCheck check = Check(raw, strictness);
  if (!check.valid) return FirstError(check);
  return ParseNormalized(check.normalized, strictness);
}

Result<BatteryCode> BatteryCode::Parse(std::string_view raw, Strictness strictness,
                                       std::vector<CodeIssue>* warnings) {
  // A strictly valid 24-character code as written has nothing to warn about.
  if (raw.size() == kLength && IsValid(raw, Strictness::kStrict)) {
    return ParseNormalized(raw, strictness);
  }
  CodeCheck check = Check(raw, strictness);
  if (!check.valid) return FirstError(check);
  warnings->insert(warnings->end(), check.warnings.begin(), check.warnings.end());
  return ParseNormalized(check.normalized, strictness);
}

Result<std::string> BatteryCode::EncodeDate(Date date) {
  const int year = date.year() - kFirstYear;
  if (year < 0 || year >= static_cast<int>(kYearLetters.size())) {
    return Status::Invalid("production_date", "battery_code.year",
                           "year " + std::to_string(date.year()) + " is outside " +
                               std::to_string(kFirstYear) + "-" +
                               std::to_string(kFirstYear + kYearLetters.size() - 1) +
                               ", the years the year letters cover");
  }
  return std::string{kYearLetters[year], kMonthLetters[date.month() - 1],
                     kDayLetters[date.day() - 1]};
}

Result<Date> BatteryCode::DecodeDate(std::string_view letters) {
  if (letters.size() != 3) {
    return Status::Invalid(
        "production_date", "battery_code.length",
        "a production date is 3 letters (year, month, day); got " + std::to_string(letters.size()));
  }
  const size_t year_pos = FieldOf(kCodeLayout, Part::kYear).pos;
  for (Part part : {Part::kYear, Part::kMonth, Part::kDay}) {
    const Field& f = FieldOf(kCodeLayout, part);
    const char c = letters[f.pos - year_pos];
    if (!(ClassOf(c) & f.strict_class)) {
      return Status::Invalid(f.name, f.rule,
                             std::string(f.label) + " letter " + Expectation(f, f.strict_class, c));
    }
  }
  if (auto date = DateOfLetters(letters)) return *date;
  return Status::Invalid(
      "production_date", "battery_code.date_exists",
      "production date letters '" + std::string(letters) + "' name no day of the calendar");
}

Result<BatteryCode> BatteryCode::Compose(std::string_view manufacturer, ProductType product_type,
                                         char chemistry, std::string_view specification,
                                         std::string_view traceability, Date production_date,
                                         std::string_view serial, Strictness strictness) {
  Result<std::string> date_letters = EncodeDate(production_date);
  if (!date_letters.ok()) return date_letters.status();
  const char type_letter = static_cast<char>(product_type);
  const struct {
    Part part;
    std::string_view text;
  } given[] = {
      {Part::kManufacturer, manufacturer},
      {Part::kProductType, std::string_view(&type_letter, 1)},
      {Part::kChemistry, std::string_view(&chemistry, 1)},
      {Part::kSpecification, specification},
      {Part::kTraceability, traceability},
      {Part::kYear, *date_letters},
      {Part::kSerial, serial},
  };
  std::string code;
  code.reserve(kLength);
  for (const auto& [part, text] : given) {
    const Field& f = FieldOf(kCodeLayout, part);
    const size_t want = part == Part::kYear ? date_letters->size() : f.len;
    if (text.size() != want) {
      return Status::Invalid(f.name, f.rule,
                             std::string(f.label) + " must be " + std::to_string(want) +
                                 " characters; got " + std::to_string(text.size()));
    }
    code += text;
  }
  return ParseNormalized(code, strictness);
}

}  // namespace battrace
