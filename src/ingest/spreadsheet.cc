// Spreadsheet repairs for CSV files (see spreadsheet.h).
#include "ingest/spreadsheet.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>

#include "core/date.h"
#include "ledger/utf8.h"

namespace battrace::ingest {
namespace {

bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), IsDigit);
}

std::string_view TrimSpaces(std::string_view s) {
  const size_t first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

// Reads 1-`max` digits at *s's front into *value.
bool TakeNumber(std::string_view* s, size_t max, int* value) {
  size_t n = 0;
  while (n < s->size() && n < max && IsDigit((*s)[n]))
    ++n;
  if (n == 0 || (n < s->size() && IsDigit((*s)[n]))) return false;
  *value = 0;
  for (size_t i = 0; i < n; ++i)
    *value = *value * 10 + ((*s)[i] - '0');
  s->remove_prefix(n);
  return true;
}

bool TakeText(std::string_view* s, std::string_view text) {
  if (!s->starts_with(text)) return false;
  s->remove_prefix(text.size());
  return true;
}

std::string Ymd(int year, int month, int day) {
  std::array<char, 32> buf{};
  std::snprintf(buf.data(), buf.size(), "%04d-%02d-%02d", year, month, day);
  return buf.data();
}

// "2026/7/1", "2026-7-1" (one separator throughout) or "2026年7月1日" at *s's front, consumed.
bool TakeYmd(std::string_view* s, int* year, int* month, int* day) {
  std::string_view t = *s;
  if (!TakeNumber(&t, 4, year) || *year < 1000) return false;
  if (TakeText(&t, "年")) {
    if (!TakeNumber(&t, 2, month) || !TakeText(&t, "月") || !TakeNumber(&t, 2, day) ||
        !TakeText(&t, "日")) {
      return false;
    }
  } else {
    if (t.empty() || (t[0] != '/' && t[0] != '-')) return false;
    const char sep = t[0];
    t.remove_prefix(1);
    if (!TakeNumber(&t, 2, month) || t.empty() || t[0] != sep) return false;
    t.remove_prefix(1);
    if (!TakeNumber(&t, 2, day)) return false;
  }
  *s = t;
  return true;
}

// The last day Excel's 1900 date system has: 9999-12-31.
constexpr int kMaxExcelSerial = 2958465;

constexpr std::array<ColumnTitle, 110> kTitles = {{
    {"id", "报告编号"},
    {"type", "报告类型"},
    {"reporter", "报送企业"},
    {"occurred", "发生日期"},
    {"reported", "接收时间"},
    {"code", "生产电池编码"},
    {"parts", "组成部件编码"},
    {"model", "型号"},
    {"rated_capacity_ah", "额定容量Ah"},
    {"nominal_voltage_v", "标称电压V"},
    {"rated_energy_kwh", "额定能量kWh"},
    {"mass_kg", "质量kg"},
    {"materials.li_kg", "锂含量kg"},
    {"materials.co_kg", "钴含量kg"},
    {"materials.ni_kg", "镍含量kg"},
    {"materials.mn_kg", "锰含量kg"},
    {"origin_codes", "原电池编码"},
    {"vin", "车辆识别代号"},
    {"vehicle_type", "车辆类型"},
    {"brand", "品牌"},
    {"name", "车辆名称"},
    {"packs", "电池包编码"},
    {"imported", "是否进口"},
    {"swappable", "是否换电"},
    {"sale_date", "销售日期"},
    {"division", "行政区划代码"},
    {"removed", "拆下电池编码"},
    {"installed", "装上电池编码"},
    {"repairer", "维修企业"},
    {"station", "换电站"},
    {"codes", "电池编码"},
    {"to", "接收方"},
    {"from", "交付方"},
    {"outlet", "回收网点"},
    {"source", "来源"},
    {"certificate", "报废证明编号"},
    {"packs_present", "在车电池包编码"},
    {"process", "利用方式"},
    {"products", "产品"},
    {"outlet.id", "网点编号"},
    {"outlet.name", "网点名称"},
    {"outlet.address", "网点地址"},
    {"outlet.division", "网点行政区划代码"},
    {"outlet.kind", "网点类型"},
    {"outlet.capacity_t", "网点贮存能力t"},
    {"outlet.area_m2", "网点面积m2"},
    {"vehicle_model", "车型"},
    {"document.uri", "拆解信息文件地址"},
    {"document.sha256", "拆解信息文件SHA256"},
    {"corrects", "被更正报告编号"},
    {"reason", "更正原因"},
    {"serial", "GS1序列号"},
    {"origin_kind", "再制造类型"},
    {"category", "电池类别"},
    {"gtin", "商品条码GTIN"},
    {"chemistry.short_name", "化学体系简称"},
    {"chemistry.clear_name", "化学体系名称"},
    {"carbon_footprint.per_kwh", "碳足迹kgCO2e每kWh"},
    {"carbon_footprint.class", "碳足迹等级"},
    {"carbon_footprint.stages.raw_material_extraction", "碳足迹原材料获取阶段"},
    {"carbon_footprint.stages.main_production", "碳足迹主要生产阶段"},
    {"carbon_footprint.stages.distribution", "碳足迹分销阶段"},
    {"carbon_footprint.stages.recycling", "碳足迹回收阶段"},
    {"carbon_footprint.study", "碳足迹研究报告地址"},
    {"recycled_content.nickel.pre_consumer", "镍消费前再生含量%"},
    {"recycled_content.nickel.post_consumer", "镍消费后再生含量%"},
    {"recycled_content.cobalt.pre_consumer", "钴消费前再生含量%"},
    {"recycled_content.cobalt.post_consumer", "钴消费后再生含量%"},
    {"recycled_content.lithium.pre_consumer", "锂消费前再生含量%"},
    {"recycled_content.lithium.post_consumer", "锂消费后再生含量%"},
    {"recycled_content.lead.pre_consumer", "铅消费前再生含量%"},
    {"recycled_content.lead.post_consumer", "铅消费后再生含量%"},
    {"renewable_content_pct", "可再生材料含量%"},
    {"materials", "材料组成"},
    {"hazardous_substances", "有害物质"},
    {"extinguishing_agents", "灭火剂"},
    {"lifetime.expected_years", "预期寿命年"},
    {"lifetime.cycle_life", "循环寿命次"},
    {"lifetime.cycle_life_test", "循环寿命测试标准"},
    {"lifetime.capacity_threshold_pct", "容量耗尽阈值%"},
    {"electrical.voltage_min_v", "最低电压V"},
    {"electrical.voltage_nominal_v", "型号标称电压V"},
    {"electrical.voltage_max_v", "最高电压V"},
    {"electrical.power_rated_kw", "额定功率kW"},
    {"electrical.power_max_kw", "最大功率kW"},
    {"electrical.round_trip_efficiency_pct", "往返能量效率%"},
    {"electrical.internal_resistance_mohm", "内阻毫欧"},
    {"idle_temperature_c.min", "闲置温度下限"},
    {"idle_temperature_c.max", "闲置温度上限"},
    {"warranty_months", "质保期月"},
    {"documents.declaration_of_conformity", "符合性声明地址"},
    {"documents.test_report", "测试报告地址"},
    {"documents.dismantling_manual", "拆解手册地址"},
    {"documents.due_diligence_report", "尽职调查报告地址"},
    {"measured", "测量时间"},
    {"soh_capacity_pct", "容量健康度%"},
    {"remaining_capacity_ah", "剩余容量Ah"},
    {"soh_energy_pct", "能量健康度%"},
    {"remaining_energy_kwh", "剩余能量kWh"},
    {"soc_pct", "荷电状态%"},
    {"full_cycles", "完全循环次数"},
    {"energy_throughput_kwh", "累计能量吞吐kWh"},
    {"capacity_throughput_ah", "累计容量吞吐Ah"},
    {"extreme_temperature_hours.high", "高温时长h"},
    {"extreme_temperature_hours.low", "低温时长h"},
    {"extreme_temperature_hours.high_charging", "高温充电时长h"},
    {"extreme_temperature_hours.low_charging", "低温充电时长h"},
    {"deep_discharge_events", "深度放电次数"},
    {"overcharge_events", "过充次数"},
    {"accidents", "事故"},
}};

// The header normalization of CanonicalColumn, before the title lookup.
std::string NormalizeHeader(std::string_view header) {
  std::string folded = FoldFullWidth(header);
  std::string out;
  bool space = false;
  for (char c : TrimSpaces(folded)) {
    if (c == ' ' || c == '\t') {
      space = true;
      continue;
    }
    if (space) out += '_';
    space = false;
    out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return out;
}

}  // namespace

std::string_view TextEncodingName(TextEncoding encoding) {
  switch (encoding) {
    case TextEncoding::kUndecided:
      return "ASCII";
    case TextEncoding::kUtf8:
      return "UTF-8";
    case TextEncoding::kUtf8Bom:
      return "UTF-8 with BOM";
    case TextEncoding::kGb18030:
      return "GB18030";
  }
  return "?";
}

size_t InvalidUtf8At(std::string_view text) {
  size_t pos = 0;
  uint32_t cp = 0;
  while (pos < text.size()) {
    if (static_cast<uint8_t>(text[pos]) < 0x80) {
      ++pos;
      continue;
    }
    const size_t start = pos;
    if (!ledger::NextCodePoint(text, &pos, &cp)) return start + 1;
  }
  return 0;
}

void TextDecoder::SawBom() {
  if (encoding_ == TextEncoding::kUndecided) encoding_ = TextEncoding::kUtf8Bom;
}

TextDecoder::~TextDecoder() {
  if (gb18030_ != nullptr) iconv_close(gb18030_);
}

Result<std::string_view> TextDecoder::Decode(std::string_view line, size_t line_number) {
  const auto error = [&](std::string_view what, size_t byte) {
    return Status::Invalid("", "csv.encoding",
                           "line " + std::to_string(line_number) + ", byte " +
                               std::to_string(byte) + ": " + std::string(what) +
                               "; save the file as CSV UTF-8 (or as GBK/GB18030 throughout)");
  };
  if (std::all_of(line.begin(), line.end(),
                  [](char c) { return static_cast<uint8_t>(c) < 0x80; })) {
    return line;
  }
  const size_t bad_utf8 = InvalidUtf8At(line);
  if (encoding_ == TextEncoding::kUndecided) {
    if (bad_utf8 == 0) {
      encoding_ = TextEncoding::kUtf8;
    } else {
      iconv_t cd = iconv_open("UTF-8", "GB18030");
      if (reinterpret_cast<intptr_t>(cd) == -1) {  // (iconv_t)-1: no such conversion
        return Status::Internal("iconv cannot convert from GB18030 on this system");
      }
      gb18030_ = cd;
      encoding_ = TextEncoding::kGb18030;
    }
  }
  if (encoding_ != TextEncoding::kGb18030) {
    if (bad_utf8 == 0) return line;
    return error(
        "not valid UTF-8 (the file was read as " + std::string(TextEncodingName(encoding_)) + ")",
        bad_utf8);
  }
  (void)iconv(gb18030_, nullptr, nullptr, nullptr, nullptr);  // a fresh shift state
  out_.resize(line.size() * 2 + 16);  // a GB 18030 character takes at most 2x its bytes in UTF-8
  char* in = const_cast<char*>(line.data());
  size_t in_left = line.size();
  char* o = out_.data();
  size_t out_left = out_.size();
  if (iconv(gb18030_, &in, &in_left, &o, &out_left) == static_cast<size_t>(-1)) {
    return error("neither UTF-8 nor GB18030 (the file was read as GB18030)",
                 static_cast<size_t>(in - line.data()) + 1);
  }
  out_.resize(out_.size() - out_left);
  return std::string_view(out_);
}

std::string FoldFullWidth(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const auto b0 = static_cast<uint8_t>(text[i]);
    // U+FF10-FF5A are EF BC 90 - EF BD 9A; U+3000 is E3 80 80.
    if (b0 == 0xEF && i + 2 < text.size()) {
      const auto b1 = static_cast<uint8_t>(text[i + 1]);
      const auto b2 = static_cast<uint8_t>(text[i + 2]);
      const uint32_t cp = 0xF000U | ((b1 & 0x3FU) << 6) | (b2 & 0x3FU);
      const bool ok_bytes = (b1 & 0xC0U) == 0x80 && (b2 & 0xC0U) == 0x80;
      if (ok_bytes && ((cp >= 0xFF10 && cp <= 0xFF19) || (cp >= 0xFF21 && cp <= 0xFF3A) ||
                       (cp >= 0xFF41 && cp <= 0xFF5A))) {
        out += static_cast<char>(cp - 0xFF10 + '0');
        i += 2;
        continue;
      }
    }
    if (b0 == 0xE3 && text.substr(i, 3) == "\xE3\x80\x80") {
      out += ' ';
      i += 2;
      continue;
    }
    out += text[i];
  }
  return out;
}

ColumnClass ClassOfColumn(std::string_view path) {
  if (path.starts_with("report.")) path.remove_prefix(7);
  constexpr std::array<std::string_view, 17> kIdentifiers = {
      "reporter", "to",        "from",          "repairer",     "vin",
      "code",     "codes",     "parts",         "origin_codes", "packs",
      "removed",  "installed", "packs_present", "division",     "outlet.division",
      "gtin",     "serial"};
  if (std::find(kIdentifiers.begin(), kIdentifiers.end(), path) != kIdentifiers.end()) {
    return ColumnClass::kIdentifier;
  }
  if (path == "occurred" || path == "sale_date") return ColumnClass::kDate;
  if (path == "reported" || path == "measured") return ColumnClass::kInstant;
  return ColumnClass::kOther;
}

bool IsScientificNotation(std::string_view cell) {
  cell = TrimSpaces(cell);
  if (cell.size() < 4 || !IsDigit(cell[0])) return false;
  size_t i = 1;
  if (cell[i] == '.') {
    ++i;
    const size_t start = i;
    while (i < cell.size() && IsDigit(cell[i]))
      ++i;
    if (i == start) return false;
  }
  if (i >= cell.size() || (cell[i] != 'E' && cell[i] != 'e')) return false;
  ++i;
  if (i >= cell.size() || (cell[i] != '+' && cell[i] != '-')) return false;
  const std::string_view exponent = cell.substr(i + 1);
  return exponent.size() <= 3 && AllDigits(exponent);
}

Result<std::string> SpreadsheetDate(std::string_view cell) {
  const std::string_view text = TrimSpaces(cell);
  int year = 0, month = 0, day = 0;
  std::string_view rest = text;
  if (TakeYmd(&rest, &year, &month, &day) && rest.empty()) return Ymd(year, month, day);
  if (text.size() == 8 && AllDigits(text)) {
    return Ymd(std::stoi(std::string(text.substr(0, 4))), std::stoi(std::string(text.substr(4, 2))),
               std::stoi(std::string(text.substr(6, 2))));
  }
  if (text.size() <= 7 && AllDigits(text)) {
    const int serial = std::stoi(std::string(text));
    if (serial == 0 || serial == 60) {
      return Status::Invalid("", "csv.excel_date",
                             "Excel day number " + std::string(text) + " is " +
                                 (serial == 0 ? "1900-01-00" : "1900-02-29") +
                                 ", a day that does not exist; enter the date as YYYY-MM-DD");
    }
    if (serial <= kMaxExcelSerial) {
      // Serial 1 is 1900-01-01; from 61 on, Excel counts the 1900-02-29 it believes in.
      const Date base = *Date::FromYmd(1899, 12, serial < 60 ? 31 : 30);
      return base.AddDays(serial).ToString();
    }
  }
  return std::string(cell);
}

std::string SpreadsheetInstant(std::string_view cell) {
  std::string_view rest = TrimSpaces(cell);
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!TakeYmd(&rest, &year, &month, &day)) return std::string(cell);
  const size_t time_at = rest.find_first_not_of(' ');
  if (time_at == 0 || time_at == std::string_view::npos) return std::string(cell);
  rest.remove_prefix(time_at);
  if (!TakeNumber(&rest, 2, &hour) || !TakeText(&rest, ":") || !TakeNumber(&rest, 2, &minute)) {
    return std::string(cell);
  }
  if (TakeText(&rest, ":") && !TakeNumber(&rest, 2, &second)) return std::string(cell);
  if (!rest.empty()) return std::string(cell);
  std::array<char, 16> time{};
  std::snprintf(time.data(), time.size(), "T%02d:%02d:%02d", hour, minute, second);
  return Ymd(year, month, day) + time.data() + "+08:00";
}

std::string CanonicalColumn(std::string_view header) {
  std::string name = NormalizeHeader(header);
  std::string_view title = name;
  const bool corrected = title.starts_with(kCorrectedPrefix);
  if (corrected) title.remove_prefix(kCorrectedPrefix.size());
  for (const ColumnTitle& t : ChineseColumnTitles()) {
    if (NormalizeHeader(t.title) == title) {
      return corrected && !t.path.starts_with("report.") ? "report." + std::string(t.path)
                                                         : std::string(t.path);
    }
  }
  return name;
}

std::span<const ColumnTitle> ChineseColumnTitles() {
  return kTitles;
}

}  // namespace battrace::ingest
