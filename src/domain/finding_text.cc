#include "domain/finding_text.h"

#include <algorithm>
#include <array>
#include <charconv>

#include "domain/finding.h"
#include "domain/names.h"
#include "domain/report_type.h"

namespace battrace::domain {
namespace {

constexpr std::string_view kMeasuresZh = "《新能源汽车废旧动力电池回收和综合利用管理暂行办法》";
constexpr std::string_view kMeasuresEn =
    "Interim Measures for the Management of Recycling and Comprehensive Utilization of Waste "
    "Power Batteries of New Energy Vehicles";
constexpr std::string_view kProvisionsZh = "《新能源汽车动力蓄电池回收利用溯源管理暂行规定》";
constexpr std::string_view kProvisionsEn =
    "Interim Provisions on the Traceability Management of New Energy Vehicle Power Battery "
    "Recycling";

bool Zh(Lang lang) {
  return lang == Lang::kZhCn;
}

// A decimal number of 1-3 digits without a leading zero, else 0.
int SmallNumber(std::string_view s) {
  if (s.empty() || s.size() > 3 || s[0] == '0') return 0;
  int n = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  return ec == std::errc() && end == s.data() + s.size() ? n : 0;
}

// The rules citing `article`, in regime and file order.
std::vector<const Rule*> RulesOf(const RuleSet* rules, std::string_view article) {
  std::vector<const Rule*> out;
  if (rules == nullptr) return out;
  for (const Regime& regime : rules->regimes()) {
    for (const Rule& r : regime.rules) {
      if (r.article == article) out.push_back(&r);
    }
  }
  return out;
}

// Distinct texts joined by `sep`, in first-seen order.
std::string JoinDistinct(const std::vector<std::string>& items, std::string_view sep) {
  std::vector<std::string> seen;
  std::string out;
  for (const std::string& s : items) {
    if (std::find(seen.begin(), seen.end(), s) != seen.end()) continue;
    if (!seen.empty()) out += sep;
    out += s;
    seen.push_back(s);
  }
  return out;
}

// The party as a message names it: "name (USCC)", or the USCC of an unregistered party.
std::string PartyText(const Finding& f, const std::optional<PartyInfo>& party, Lang lang) {
  if (!party || party->name.empty()) return f.party;
  return Zh(lang) ? party->name + "（" + f.party + "）" : party->name + " (" + f.party + ")";
}

std::string_view QualificationText(std::string_view type, Lang lang) {
  if (type == "investment_filing") return Zh(lang) ? "项目投资备案" : "investment filing";
  if (type == "eia") {
    return Zh(lang) ? "环境影响评价审批" : "environmental impact assessment (EIA) approval";
  }
  if (type == "discharge_permit") return Zh(lang) ? "排污许可证" : "pollutant discharge permit";
  return type;
}

// The report types that discharge the finding's duty: its own `fulfils`, else those of the
// rules citing its article.
std::string ReportTypes(const Finding& f, const RuleSet* rules, Lang lang) {
  if (!f.fulfils.empty()) return f.fulfils;
  std::vector<std::string> types;
  for (const Rule* r : RulesOf(rules, f.article))
    types.emplace_back(ReportTypeName(r->report_type));
  if (types.empty()) return Zh(lang) ? "所需报告" : "the report due";
  return JoinDistinct(types, Zh(lang) ? "或" : " or ");
}

}  // namespace

std::string ChineseNumber(int n) {
  static constexpr std::array<std::string_view, 10> kDigits = {"零", "一", "二", "三", "四",
                                                               "五", "六", "七", "八", "九"};
  if (n <= 0 || n > 999) return std::to_string(n);
  std::string out;
  const int hundreds = n / 100, tens = n / 10 % 10, ones = n % 10;
  if (hundreds > 0) {
    out += kDigits[hundreds];
    out += "百";
    if (tens == 0 && ones != 0) out += "零";
  }
  if (tens > 0) {
    if (tens > 1 || hundreds > 0) out += kDigits[tens];
    out += "十";
  }
  if (ones > 0) out += kDigits[ones];
  return out;
}

std::optional<std::string> ArticleInWords(std::string_view article, Lang lang) {
  const bool provisions = article.starts_with("2018-");
  std::string_view rest = provisions ? article.substr(5) : article;
  // Measures: "<article>" or "<article>.<item>[letter]"; provisions: "2018-<article>".
  const size_t dot = rest.find('.');
  const int number = SmallNumber(rest.substr(0, dot));
  if (number == 0) return std::nullopt;
  int item = 0;
  if (dot != std::string_view::npos) {
    if (provisions) return std::nullopt;
    std::string_view tail = rest.substr(dot + 1);
    if (!tail.empty() && tail.back() >= 'a' && tail.back() <= 'z') tail.remove_suffix(1);
    item = SmallNumber(tail);
    if (item == 0) return std::nullopt;
  }
  std::string out;
  if (Zh(lang)) {
    out = provisions ? kProvisionsZh : kMeasuresZh;
    out += "第" + ChineseNumber(number) + "条";
    if (item > 0) out += "第" + ChineseNumber(item) + "项";
  } else {
    out = provisions ? kProvisionsEn : kMeasuresEn;
    out += ", Article " + std::to_string(number);
    if (item > 0) out += "(" + std::to_string(item) + ")";
  }
  return out;
}

namespace {

// The sentences of one kind, with placeholders: {P} the party (name and USCC), {S} the subject,
// {D} the due date, {A} the article in words, {Q} the qualification (unqualified_recycler), {T}
// the report types that discharge the duty, {N} the rule's period.
struct KindText {
  std::string_view kind;
  std::string_view action_zh, action_en;
  std::string_view message_zh, message_en;
};

constexpr std::array<KindText, 16> kKindTexts = {{
    {finding_kind::kLateReport, "今后须在规定期限（{N}）内报送{T}。",
     "File every {T} within its period ({N}).", "{P}的报告{S}迟于应报日期{D}提交（{A}）。",
     "{P} filed report {S} after its due date {D} ({A})."},
    {finding_kind::kOverdueReport, "报送{S}的{T}。", "File the {T} of {S}.",
     "{P}逾期未报送关于{S}的信息（应于{D}前报送；{A}）。",
     "{P} has not filed the report on {S} due by {D} ({A})."},
    {finding_kind::kUnlicensedDestination,
     "追回电池{S}；废旧动力电池只能移交给已登记的综合利用企业或电池、整车企业的回收服务网点。",
     "Recover battery {S}; hand waste batteries only to a registered recycler or to a recycling "
     "service outlet of a battery or vehicle maker.",
     "{P}将电池{S}移交给不具备接收资格的单位（{A}）。",
     "{P} handed battery {S} to a destination not allowed to receive it ({A})."},
    {finding_kind::kProhibitedUse, "停止向电动自行车生产企业提供废旧动力电池，并追回电池{S}。",
     "Stop supplying waste batteries to electric bicycle makers and recover battery {S}.",
     "{P}将电池{S}提供给电动自行车生产企业（{A}）。",
     "{P} supplied battery {S} to an electric bicycle maker ({A})."},
    {finding_kind::kUnqualifiedRecycler, "在接收废旧动力电池前取得有效的{Q}。",
     "Obtain a valid {Q} before receiving waste batteries.",
     "{P}在未取得有效{Q}的情况下接收废旧动力电池（{A}）。",
     "{P} received waste batteries without a valid {Q} ({A})."},
    {finding_kind::kScrappedWithoutBattery, "说明报废车辆{S}所装动力电池的去向，并予以回收。",
     "Account for the battery of scrapped vehicle {S} and recover it.",
     "{P}回收拆解的报废车辆{S}缺少动力电池（{A}）。",
     "{P} scrapped vehicle {S} without its battery ({A})."},
    {finding_kind::kDuplicateCode, "核实电池编码{S}，更正重复的报告；每个电池须使用唯一编码。",
     "Check battery code {S} and correct the repeated report: every battery has a unique code.",
     "{P}重复报送电池编码{S}（{A}）。", "{P} reported battery code {S} a second time ({A})."},
    {finding_kind::kImpersonatedCode, "仅使用本企业登记的厂商代码编制电池编码，更正关于{S}的报告。",
     "Code batteries only with your own registered manufacturer code and correct the report of "
     "{S}.",
     "{P}报送的电池编码{S}使用了非本企业的厂商代码（{A}）。",
     "{P} reported battery code {S}, whose manufacturer code is not its own ({A})."},
    {finding_kind::kConflictingCustody,
     "补报电池{S}缺失的拆卸或移交报告，或更正与流转记录冲突的报告。",
     "File the missing removal or hand-over of battery {S}, or correct the report that "
     "conflicts with its custody.",
     "{P}关于电池{S}的报告与已记录的流转信息冲突（{A}）。",
     "{P} reported battery {S} against its recorded custody ({A})."},
    {finding_kind::kMissingDigitalId,
     "报送电池包{S}的 battery.produced，载明型号、额定容量、额定能量、质量、材料及组成部件。",
     "File the battery.produced of {S} with model, rated capacity, rated energy, mass, materials "
     "and parts.",
     "电池包{S}缺少完整的数字身份信息，{P}应于{D}前报送（{A}）。",
     "Battery pack {S} has no complete digital identity, due from {P} by {D} ({A})."},
    {finding_kind::kOutletCoverageGap, "在行政区划{S}设立回收服务网点并报送 outlet.registered。",
     "Set up a recycling service outlet in division {S} and file its outlet.registered.",
     "{P}在其产品销售地{S}未设立回收服务网点（{A}）。",
     "{P} has no recycling service outlet in division {S}, where its products were sold ({A})."},
    {finding_kind::kSuspiciousTechQuery, "说明查询{S}拆解技术信息的目的。",
     "Explain the purpose of the disassembly information queries on {S}.",
     "{P}查询了{S}的拆解技术信息（{A}）。",
     "{P} queried the disassembly information of {S} ({A})."},
    {finding_kind::kUnknownBattery,
     "核实电池编码{S}：更正报告中的编码，或由生产企业补报其 battery.produced。",
     "Check battery code {S}: correct the code in the report, or have its maker file its "
     "battery.produced.",
     "{P}报送的电池{S}从未报送生产信息（{A}）。",
     "{P} reported battery {S}, which was never reported produced ({A})."},
    {finding_kind::kUnknownVehicle,
     "核实车辆识别代号{S}：更正报告，或由整车企业补报其 vehicle.produced。",
     "Check VIN {S}: correct the report, or have its maker file its vehicle.produced.",
     "{P}报送了从未报送生产信息的车辆{S}的销售（{A}）。",
     "{P} reported the sale of vehicle {S}, which was never reported produced ({A})."},
    {finding_kind::kImpersonatedVin,
     "仅以本企业登记的世界制造厂识别代号报送车辆，更正关于{S}的报告。",
     "Report only vehicles with your own registered WMI and correct the report of {S}.",
     "{P}报送的车辆{S}的世界制造厂识别代号登记于其他企业（{A}）。",
     "{P} reported vehicle {S}, whose WMI is registered to another maker ({A})."},
    {finding_kind::kImplausibleFact, "核实并更正关于{S}的报告中的日期或事实。",
     "Check and correct the date or fact in the report on {S}.",
     "{P}关于{S}的报告所述事实不可能成立（{A}）。",
     "{P} reported an implausible fact about {S} ({A})."},
}};

const KindText* TextOf(std::string_view kind) {
  auto it = std::find_if(kKindTexts.begin(), kKindTexts.end(),
                         [&](const KindText& t) { return t.kind == kind; });
  return it == kKindTexts.end() ? nullptr : &*it;
}

// `pattern` with each "{X}" replaced by value(X).
template <typename Value>
std::string Fill(std::string_view pattern, Value value) {
  std::string out;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '{' && i + 2 < pattern.size() && pattern[i + 2] == '}') {
      out += value(pattern[i + 1]);
      i += 2;
    } else {
      out += pattern[i];
    }
  }
  return out;
}

// The value of placeholder `key` for finding `f`.
std::string Placeholder(char key, const Finding& f, const std::optional<PartyInfo>& party,
                        const RuleSet* rules, Lang lang) {
  switch (key) {
    case 'P':
      return PartyText(f, party, lang);
    case 'S':
      return f.subject;
    case 'D':
      return f.due ? f.due->ToString() : std::string("-");
    case 'A':
      return ArticleInWords(f.article, lang).value_or(f.article);
    case 'Q':
      return std::string(QualificationText(f.subject, lang));
    case 'T':
      return ReportTypes(f, rules, lang);
    case 'N': {
      std::vector<std::string> periods;
      for (const Rule* r : RulesOf(rules, f.article))
        periods.push_back(r->period.ToString());
      return periods.empty() ? std::string("-") : JoinDistinct(periods, "/");
    }
    default:
      return std::string();
  }
}

std::string KindSentence(const Finding& f, const std::optional<PartyInfo>& party,
                         const RuleSet* rules, Lang lang, bool action) {
  const KindText* t = TextOf(f.kind);
  const bool zh = Zh(lang);
  std::string_view pattern;
  if (t == nullptr) {
    pattern = action ? (zh ? "按{A}整改。" : "Comply with {A}.")
                     : (zh ? "{P}：{S}（{A}）。" : "{P}: {S} ({A}).");
  } else if (action) {
    pattern = zh ? t->action_zh : t->action_en;
  } else {
    pattern = zh ? t->message_zh : t->message_en;
  }
  return Fill(pattern, [&](char key) { return Placeholder(key, f, party, rules, lang); });
}

struct KindName {
  std::string_view kind, zh, en;
};

constexpr std::array<KindName, 16> kKindNames = {{
    {finding_kind::kLateReport, "迟报", "Late report"},
    {finding_kind::kOverdueReport, "逾期未报", "Overdue report"},
    {finding_kind::kUnlicensedDestination, "移交给无资格单位", "Unlicensed destination"},
    {finding_kind::kProhibitedUse, "提供给电动自行车生产企业", "Prohibited use"},
    {finding_kind::kUnqualifiedRecycler, "无资质接收", "Unqualified recycler"},
    {finding_kind::kScrappedWithoutBattery, "报废车辆缺少电池", "Scrapped without battery"},
    {finding_kind::kDuplicateCode, "重复编码", "Duplicate code"},
    {finding_kind::kImpersonatedCode, "冒用厂商代码", "Impersonated code"},
    {finding_kind::kConflictingCustody, "持有关系冲突", "Conflicting custody"},
    {finding_kind::kMissingDigitalId, "数字身份不完整", "Missing digital ID"},
    {finding_kind::kOutletCoverageGap, "回收服务网点缺口", "Outlet coverage gap"},
    {finding_kind::kSuspiciousTechQuery, "可疑的技术信息查询", "Suspicious technical query"},
    {finding_kind::kUnknownBattery, "未报送生产的电池", "Unknown battery"},
    {finding_kind::kUnknownVehicle, "未报送生产的车辆", "Unknown vehicle"},
    {finding_kind::kImpersonatedVin, "冒用车辆识别代号", "Impersonated VIN"},
    {finding_kind::kImplausibleFact, "不合常理的报告", "Implausible fact"},
}};

}  // namespace

std::string FindingKindName(std::string_view kind, Lang lang) {
  for (const KindName& k : kKindNames) {
    if (k.kind == kind) return std::string(lang == Lang::kZhCn ? k.zh : k.en);
  }
  return std::string(kind);
}

std::string FindingAction(const Finding& f, const RuleSet* rules, Lang lang) {
  return KindSentence(f, std::nullopt, rules, lang, /*action=*/true);
}

std::string FindingMessage(const Finding& f, const std::optional<PartyInfo>& party, Lang lang) {
  return KindSentence(f, party, nullptr, lang, /*action=*/false);
}

std::optional<std::string> PeriodNote(const Finding& f, const RuleSet* rules, Lang lang) {
  if (f.kind != finding_kind::kLateReport && f.kind != finding_kind::kOverdueReport)
    return std::nullopt;
  std::vector<std::string> periods;
  for (const Rule* r : RulesOf(rules, f.article)) {
    if (r->configurable) periods.push_back(r->period.ToString() + " (" + r->duty + ")");
  }
  if (periods.empty()) return std::nullopt;
  const std::string which = JoinDistinct(periods, ", ");
  if (Zh(lang)) {
    return "该期限 " + which + " 为可配置的默认期限，条文未明确规定（见 rules/README.md）；" +
           "认定前请核实。";
  }
  return "The period " + which +
         " is a configurable default, not a period confirmed from the text (rules/README.md); "
         "check it before acting on this finding.";
}

std::string MissingFieldsDetail(const std::vector<std::string>& fields) {
  std::string out = "; missing: ";
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out += ", ";
    out += fields[i];
  }
  return out;
}

std::vector<std::string> MissingFields(std::string_view detail) {
  std::vector<std::string> out;
  constexpr std::string_view kMarker = "; missing: ";
  const size_t at = detail.rfind(kMarker);
  if (at == std::string_view::npos) return out;
  std::string_view rest = detail.substr(at + kMarker.size());
  while (!rest.empty()) {
    const size_t comma = rest.find(", ");
    out.emplace_back(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 2);
  }
  return out;
}

nlohmann::ordered_json RegulatorFindingJson(const Finding& f, const std::optional<PartyInfo>& party,
                                            const RuleSet* rules, Lang lang) {
  nlohmann::ordered_json j = FindingToJson(f);
  if (f.date) j["date"] = f.date->ToString();
  if (party) {
    j["party_name"] = party->name;
    j["party_division"] = party->division;
  }
  if (auto zh = ArticleInWords(f.article, Lang::kZhCn)) {
    j["article_text"] = {{"zh-CN", *zh}, {"en", *ArticleInWords(f.article, Lang::kEn)}};
  }
  j["action"] = FindingAction(f, rules, lang);
  j["message"] = FindingMessage(f, party, lang);
  if (auto note = PeriodNote(f, rules, lang)) j["period_note"] = *note;
  if (f.kind == finding_kind::kMissingDigitalId) j["missing"] = MissingFields(f.detail);
  return j;
}

}  // namespace battrace::domain
