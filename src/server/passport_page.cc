#include "server/passport_page.h"

#include <array>

#include "core/battery_code.h"
#include "core/division.h"
#include "core/rule_text.h"
#include "ledger/hash.h"
#include "passport/eu.h"
#include "passport/markup.h"
#include "passport/views.h"
#include "server/assets.h"
#include "store/proof_docs.h"

namespace battrace::server {
namespace {

using Json = nlohmann::json;
using passport::EscapeMarkup;

// JSON placed inside <script type="application/json">: '<', '>' and '&' only ever occur inside
// strings there, and are written as \u escapes so that no "</script>" can close the element.
std::string ScriptJson(const Json& value) {
  const std::string text = value.dump(-1, ' ', false, Json::error_handler_t::replace);
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '<':
        out += "\\u003c";
        break;
      case '>':
        out += "\\u003e";
        break;
      case '&':
        out += "\\u0026";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

// "深圳市 南山区" for a county, "深圳市" for a city, the province's name for a province.
std::string PlaceName(const std::string& code) {
  auto d = Division::Parse(code);
  if (!d.ok()) return code;
  if (d->level() != DivisionLevel::kCounty) return d->name();
  auto city = Division::Parse(d->city_code());
  if (!city.ok() || city->code() == d->code()) return d->name();
  return city->name() + " " + d->name();
}

// The path of the page of `code`, for links and the form: a code is letters and digits, and
// anything else a malformed one holds is percent-encoded.
std::string PagePath(std::string_view code) {
  constexpr char kHex[] = "0123456789ABCDEF";
  std::string out = "/b/";
  for (const char c : code) {
    const auto b = static_cast<unsigned char>(c);
    if ((b >= '0' && b <= '9') || (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || c == '-' ||
        c == '.' || c == '_' || c == '~') {
      out.push_back(c);
    } else {
      out += {'%', kHex[b >> 4], kHex[b & 0xF]};
    }
  }
  return out;
}

// The page's markup as it is written: Raw for the renderer's own markup, Text and W (a word of
// the catalog) for everything else, escaped.
class Html {
 public:
  explicit Html(const PageWords& words) : words_(words) {}
  // The escaped word at `key`.
  std::string W(std::string_view key,
                const std::vector<std::pair<std::string, std::string>>& vars = {}) const {
    return EscapeMarkup(words_.Get(key, vars));
  }
  Html& Raw(std::string_view s) {
    out_.append(s);
    return *this;
  }
  Html& Text(std::string_view s) {
    out_ += EscapeMarkup(s);
    return *this;
  }
  // <dt>word</dt><dd>value (escaped)</dd>
  Html& Item(std::string_view key, std::string_view value, std::string_view dd_class = "") {
    out_ += "<dt>" + W(key) + "</dt><dd";
    if (!dd_class.empty()) out_ += " class=\"" + std::string(dd_class) + "\"";
    out_ += ">" + EscapeMarkup(value) + "</dd>";
    return *this;
  }
  std::string& str() { return out_; }
  Lang lang() const { return words_.lang(); }

 private:
  const PageWords& words_;
  std::string out_;
};

// The document around `main` (already markup): head, header with the language switch, footer.
std::string Document(const PageWords& words, const std::string& title, const std::string& main,
                     const std::string& switch_href) {
  Html h(words);
  const bool zh = words.lang() == Lang::kZhCn;
  h.Raw("<!doctype html>\n<html lang=\"").Raw(LangTag(words.lang())).Raw("\"><head>");
  h.Raw(
       "<meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, "
       "initial-scale=1\"><title>")
      .Text(title)
      .Raw(" · battrace</title>");
  h.Raw("<link rel=\"icon\" href=\"/favicon.ico\">");
  h.Raw("<link rel=\"stylesheet\" href=\"/assets/css/app.css\">");
  h.Raw("<link rel=\"stylesheet\" href=\"/assets/css/passport.css\">");
  h.Raw("<script type=\"module\" src=\"/assets/js/receipt.mjs\"></script>");
  h.Raw("</head><body class=\"passport-page\">");
  h.Raw("<a class=\"skip\" href=\"#main\">").Raw(h.W("/common/skip")).Raw("</a>");
  h.Raw("<header class=\"passport-bar\">");
  h.Raw("<a class=\"passport-home\" href=\"/\">").Raw(h.W("/common/site")).Raw("</a>");
  h.Raw("<a class=\"passport-lang\" href=\"")
      .Text(switch_href)
      .Raw("\" hreflang=\"")
      .Raw(zh ? "en" : "zh-CN")
      .Raw("\" lang=\"")
      .Raw(zh ? "en" : "zh-CN")
      .Raw("\">")
      .Raw(h.W("/common/switch_to"))
      .Raw("</a></header>");
  h.Raw("<main id=\"main\">").Raw(main).Raw("</main>");
  h.Raw("<footer class=\"passport-foot\"><p>").Raw(h.W("/passport/footer")).Raw("</p></footer>");
  h.Raw("</body></html>\n");
  return std::move(h.str());
}

std::string SwitchHref(std::string_view code, const PageWords& words,
                       const std::optional<std::string>& province) {
  std::string href = PagePath(code) + "?lang=" + (words.lang() == Lang::kZhCn ? "en" : "zh-CN");
  if (province) href += "&province=" + *province;
  return href;
}

// The decoded fields of the code, each with its word.
void DecodedFields(Html& h, const CodeCheck& check) {
  h.Raw("<dl class=\"passport-fields\">");
  for (const auto& [name, value] : check.fields) {
    std::string shown = value;
    if (name == "product_type" || name == "recode_product_type") {
      shown = h.W("/passport/type/" + value);
      h.Raw("<dt>").Raw(h.W("/passport/field/" + name)).Raw("</dt><dd>").Raw(shown).Raw("</dd>");
      continue;
    }
    if (name == "chemistry" && check.normalized.size() > 4) {
      h.Raw("<dt>").Raw(h.W("/passport/field/chemistry")).Raw("</dt><dd>");
      h.Raw(h.W("/passport/chemistry/" + check.normalized.substr(4, 1))).Raw("</dd>");
      continue;
    }
    h.Item("/passport/field/" + name, shown);
  }
  h.Raw("</dl>");
}

// The member `name` of the public digital ID, or null.
const Json& Member(const Json& id, const char* name) {
  static const Json kNull;
  const auto it = id.find(name);
  return it == id.end() ? kNull : *it;
}

void IdentitySection(Html& h, const Json& id) {
  h.Raw("<section aria-labelledby=\"identity-h\"><h2 id=\"identity-h\">")
      .Raw(h.W("/passport/identity/heading"))
      .Raw("</h2><dl class=\"passport-fields\">");
  h.Raw("<dt>").Raw(h.W("/passport/identity/type")).Raw("</dt><dd>");
  h.Raw(h.W("/passport/type/" + id.value("type", std::string()))).Raw("</dd>");
  h.Raw("<dt>").Raw(h.W("/passport/identity/chemistry")).Raw("</dt><dd>");
  if (const Json& chemistry = Member(id, "chemistry"); chemistry.is_object()) {
    h.Raw(h.W("/passport/chemistry/" + chemistry.value("code", std::string())));
  } else {
    h.Raw(h.W("/passport/unknown"));
  }
  h.Raw("</dd><dt>").Raw(h.W("/passport/identity/maker")).Raw("</dt><dd>");
  const Json& maker = Member(id, "maker");
  if (const Json& name = Member(maker, "name"); name.is_string()) {
    h.Text(name.get<std::string>());
  } else {
    h.Raw(h.W("/passport/unknown"));
  }
  h.Raw("</dd><dt>").Raw(h.W("/passport/identity/production_month")).Raw("</dt><dd>");
  if (const Json& month = Member(id, "production_month"); month.is_string()) {
    h.Text(month.get<std::string>());
  } else {
    h.Raw(h.W("/passport/unknown"));
  }
  const std::string status = id.value("status", std::string());
  h.Raw("</dd><dt>")
      .Raw(h.W("/passport/identity/status"))
      .Raw("</dt><dd class=\"passport-status\">");
  h.Raw(h.W("/passport/status/" + status));
  if (id.value("contested", false)) {
    h.Raw(" <strong class=\"passport-contested\">")
        .Raw(h.W("/passport/contested"))
        .Raw("</strong>");
  }
  h.Raw("</dd></dl></section>");

  h.Raw("<section aria-labelledby=\"guidance-h\"><h2 id=\"guidance-h\">")
      .Raw(h.W("/passport/guidance/heading"))
      .Raw("</h2><p class=\"passport-guidance\">");
  const char* group = status == "utilized" ? "/passport/guidance/utilized"
                      : status == "dismantled" || status == "received" || status == "in_transit"
                          ? "/passport/guidance/chain"
                          : "/passport/guidance/holder";
  h.Raw(h.W(group)).Raw("</p>");
  if (id.value("contested", false)) {
    h.Raw("<p>").Raw(h.W("/passport/guidance/contested")).Raw("</p>");
  }
  h.Raw("</section>");
}

void OutletsSection(Html& h, const Passport& p, const PageWords& words) {
  h.Raw("<section aria-labelledby=\"outlets-h\"><h2 id=\"outlets-h\">")
      .Raw(h.W("/passport/outlets/heading"))
      .Raw("</h2>");
  h.Raw("<form class=\"passport-province\" method=\"get\" action=\"")
      .Text(PagePath(p.check.normalized))
      .Raw("\"><input type=\"hidden\" name=\"lang\" value=\"")
      .Raw(LangTag(words.lang()))
      .Raw("\"><label for=\"province\">")
      .Raw(h.W("/outlets/province"))
      .Raw("</label><select id=\"province\" name=\"province\"><option value=\"\">")
      .Raw(h.W("/outlets/choose_province"))
      .Raw("</option>");
  for (const Division& d : Division::All(DivisionLevel::kProvince)) {
    h.Raw("<option value=\"").Text(d.code()).Raw("\"");
    if (p.province == d.code()) h.Raw(" selected");
    h.Raw(">").Text(d.name()).Raw("</option>");
  }
  h.Raw("</select><button type=\"submit\">")
      .Raw(h.W("/passport/outlets/show"))
      .Raw("</button></form>");
  if (!p.province) {
    h.Raw("<p>").Raw(h.W("/passport/outlets/hint")).Raw("</p></section>");
    return;
  }
  const std::string province_name = PlaceName(*p.province);
  if (p.outlets.empty()) {
    h.Raw("<p class=\"passport-none\">")
        .Raw(h.W("/passport/outlets/none", {{"province", province_name}}))
        .Raw("</p></section>");
    return;
  }
  h.Raw("<p class=\"passport-count\">")
      .Raw(h.W("/passport/outlets/count",
               {{"count", std::to_string(p.outlets.size())}, {"province", province_name}}))
      .Raw("</p>");
  h.Raw("<ul class=\"passport-outlets\">");
  for (const PublicOutlet& o : p.outlets) {
    h.Raw("<li><dl>");
    h.Item("/passport/outlets/place", o.division_name);
    h.Raw("<dt>").Raw(h.W("/passport/outlets/operator")).Raw("</dt><dd>");
    if (o.operator_name) {
      h.Text(*o.operator_name);
    } else {
      h.Raw(h.W("/passport/unknown"));
    }
    h.Raw("</dd>");
    h.Item("/passport/outlets/id", o.id, "passport-mono");
    h.Raw("</dl></li>");
  }
  h.Raw("</ul></section>");
}

void ReceiptSection(Html& h, const Json& receipt) {
  h.Raw("<section aria-labelledby=\"receipt-h\"><h2 id=\"receipt-h\">")
      .Raw(h.W("/passport/receipt/heading"))
      .Raw("</h2><p>")
      .Raw(h.W("/passport/receipt/explain"))
      .Raw("</p><dl class=\"passport-fields\">");
  h.Item("/passport/receipt/leaf_index", std::to_string(receipt.value("leaf_index", uint64_t{0})));
  h.Item("/passport/receipt/leaf_hash", receipt.value("leaf_hash", std::string()), "passport-mono");
  const bool pending = receipt.value("pending", false);
  if (!pending) {
    h.Item("/passport/receipt/tree_size", std::to_string(receipt.value("tree_size", uint64_t{0})));
  }
  h.Raw("</dl>");
  if (pending) {
    h.Raw("<p class=\"passport-check\">")
        .Raw(h.W("/passport/receipt/pending"))
        .Raw("</p></section>");
    return;
  }
  // receipt.mjs replaces the text of this element with the outcome of its check.
  h.Raw("<p id=\"receipt-status\" class=\"passport-check\" role=\"status\" data-checking=\"")
      .Raw(h.W("/passport/receipt/checking"))
      .Raw("\" data-ok=\"")
      .Raw(h.W("/passport/receipt/ok"))
      .Raw("\" data-mismatch=\"")
      .Raw(h.W("/passport/receipt/mismatch"))
      .Raw("\" data-unsupported=\"")
      .Raw(h.W("/passport/receipt/unsupported"))
      .Raw("\">")
      .Raw(h.W("/passport/receipt/nojs"))
      .Raw("</p>");
  h.Raw("<details><summary>")
      .Raw(h.W("/passport/receipt/note"))
      .Raw("</summary><pre class=\"passport-note\">")
      .Text(receipt.value("note", std::string()))
      .Raw("</pre><p>")
      .Raw(h.W("/passport/receipt/key"))
      .Raw("</p><pre class=\"passport-note\">")
      .Text(receipt.value("key", std::string()))
      .Raw("</pre></details>");
  h.Raw("<script type=\"application/json\" id=\"receipt\">")
      .Raw(ScriptJson(receipt))
      .Raw("</script></section>");
}

// The opening of a problem section for a Status of bad input, with its heading (`heading`):
// the field, the rule's sentence, the message and the rule's id. The caller closes the section.
void BadRequest(Html& h, const Status& status, std::string_view heading) {
  const auto sentence = RuleSentence(status.rule(), h.lang());
  h.Raw("<section class=\"passport-problem\" aria-labelledby=\"problem-h\"><h2 id=\"problem-h\">")
      .Raw(h.W(heading))
      .Raw("</h2><p>")
      .Raw(h.W("/passport/bad_request/field", {{"field", status.field()}}))
      .Raw(" ");
  if (sentence) h.Text(*sentence).Raw(" — ");
  h.Text(status.message())
      .Raw("</p><p class=\"passport-rule\">")
      .Raw(h.W("/passport/invalid/rule"));
  h.Raw(" <code>").Text(status.rule()).Raw("</code></p>");
}

// A number of the passport as it is read: integers without a decimal point, others with as
// many digits as they need ("61.5", "0.25").
std::string NumberText(const Json& n) {
  if (n.is_number_integer()) return n.dump();
  std::string text = n.dump();
  if (text.ends_with(".0")) text.resize(text.size() - 2);
  return text;
}

// The member at `path` (object keys) of `root`, or null.
const Json* At(const Json& root, std::initializer_list<const char*> path) {
  const Json* at = &root;
  for (const char* key : path) {
    if (!at->is_object()) return nullptr;
    const auto it = at->find(key);
    if (it == at->end()) return nullptr;
    at = &*it;
  }
  return at;
}

// The member at `path` of `root` when it is a number, else null.
const Json* NumberAt(const Json& root, std::initializer_list<const char*> path) {
  const Json* at = At(root, path);
  return at && at->is_number() ? at : nullptr;
}

// The string at `path` of `root`, or "".
std::string StringAt(const Json& root, std::initializer_list<const char*> path) {
  const Json* at = At(root, path);
  return at && at->is_string() ? at->get<std::string>() : std::string();
}

// The array at `path` of `root`, or an empty one.
Json ArrayAt(const Json& root, std::initializer_list<const char*> path) {
  const Json* at = At(root, path);
  return at && at->is_array() ? *at : Json::array();
}

// <dt>word</dt><dd>word at `value_key` with the number</dd>, when the number is there.
void NumberItem(Html& h, std::string_view key, const Json* number, std::string_view value_key) {
  if (!number) return;
  h.Raw("<dt>").Raw(h.W(key)).Raw("</dt><dd>");
  h.Raw(h.W(value_key, {{"value", NumberText(*number)}})).Raw("</dd>");
}

// The EU battery passport's public attributes (passport/eu.h, docs/passport.md), in the order
// of Annex XIII: what the passport at the public's access class holds, each as the model's
// declaration or the battery's reports gave it; one line when its model declared nothing. The
// documents' links (the carbon footprint study, the declaration of conformity) are in the
// passport's JSON, not here: a maker's URL may name the model, which the page never shows.
void EuSection(Html& h, const Json& eu, const std::string& code) {
  const std::string category = StringAt(eu, {"generalProductInformation", "batteryCategory"});
  const std::string status = StringAt(eu, {"generalProductInformation", "batteryStatus"});
  const Json* ceased = At(eu, {"ceased"});
  if (ceased && !ceased->is_object()) ceased = nullptr;
  const Json origins = ArrayAt(eu, {"origins"});
  const Json* carbon = At(eu, {"carbonFootprint"});
  const Json recycled = ArrayAt(eu, {"circularity", "recycledContent"});
  const Json agents = ArrayAt(eu, {"circularity", "safetyMeasures", "extinguishingAgent"});
  const Json stages = ArrayAt(eu, {"carbonFootprint", "carbonFootprintPerLifecycleStage"});
  const Json hazardous = ArrayAt(eu, {"materialComposition", "hazardousSubstances"});
  const Json* renewable = NumberAt(eu, {"circularity", "renewableContent"});
  const Json* cycles =
      NumberAt(eu, {"performance", "batteryTechicalProperties", "expectedNumberOfCycles"});
  const Json* years =
      NumberAt(eu, {"performance", "batteryTechicalProperties", "expectedLifetime"});
  const Json* threshold =
      NumberAt(eu, {"performance", "batteryTechicalProperties", "capacityThresholdForExhaustion"});
  const std::string test =
      StringAt(eu, {"performance", "batteryTechicalProperties", "lifetimeReferenceTest"});
  // What a model's declaration gives (the basics, from the code and battery.produced, are on
  // the rest of the page).
  const bool has_carbon = carbon && carbon->is_object() && !carbon->empty();
  const bool declared = !category.empty() || has_carbon || !recycled.empty() || renewable ||
                        !agents.empty() || !hazardous.empty() || cycles || years || threshold ||
                        !test.empty();

  h.Raw("<section aria-labelledby=\"eu-h\"><h2 id=\"eu-h\">")
      .Raw(h.W("/passport/eu/heading"))
      .Raw("</h2>");
  if (!declared && origins.empty() && !ceased) {
    h.Raw("<p class=\"passport-none\">").Raw(h.W("/passport/eu/none")).Raw("</p></section>");
    return;
  }
  h.Raw("<p>").Raw(h.W("/passport/eu/explain")).Raw("</p><dl class=\"passport-fields\">");
  h.Item("/passport/eu/identifier", eu.value("passportIdentifier", std::string()), "passport-mono");
  if (!category.empty()) {
    h.Raw("<dt>").Raw(h.W("/passport/eu/category")).Raw("</dt><dd>");
    h.Raw(h.W("/passport/eu/categories/" + category)).Raw("</dd>");
  }
  if (!status.empty()) {
    h.Raw("<dt>").Raw(h.W("/passport/eu/status")).Raw("</dt><dd>");
    h.Raw(h.W("/passport/eu/statuses/" + status)).Raw("</dd>");
  }
  if (ceased) {
    h.Raw("<dt>").Raw(h.W("/passport/eu/ceased")).Raw("</dt><dd class=\"passport-ceased\">");
    h.Raw(h.W("/passport/eu/ceased_on", {{"date", StringAt(*ceased, {"date"})}})).Raw("</dd>");
  }
  if (!origins.empty()) {
    h.Raw("<dt>").Raw(h.W("/passport/eu/origins")).Raw("</dt><dd><ul class=\"passport-origins\">");
    for (const Json& o : origins) {
      const std::string origin = StringAt(o, {"battery"});
      h.Raw("<li><a class=\"passport-mono\" href=\"").Text(PagePath(origin)).Raw("\">");
      h.Text(origin).Raw("</a> <span class=\"passport-mono\">");
      h.Text(StringAt(o, {"passportIdentifier"})).Raw("</span></li>");
    }
    h.Raw("</ul></dd>");
  }
  const std::string chemistry =
      StringAt(eu, {"materialComposition", "batteryChemistry", "shortName"});
  if (!chemistry.empty()) {
    const std::string clear =
        StringAt(eu, {"materialComposition", "batteryChemistry", "clearName"});
    h.Item("/passport/eu/chemistry", clear.empty() ? chemistry : chemistry + " (" + clear + ")");
  }
  h.Raw("</dl>");
  if (!declared) {
    h.Raw("<p class=\"passport-none\">").Raw(h.W("/passport/eu/none")).Raw("</p>");
  }

  if (has_carbon) {
    h.Raw("<h3>")
        .Raw(h.W("/passport/eu/carbon/heading"))
        .Raw("</h3><dl class=\"passport-fields\">");
    NumberItem(h, "/passport/eu/carbon/per_kwh", NumberAt(*carbon, {"batteryCarbonFootprint"}),
               "/passport/eu/carbon/value");
    const std::string performance_class = StringAt(*carbon, {"carbonFootprintPerformanceClass"});
    if (!performance_class.empty()) h.Item("/passport/eu/carbon/class", performance_class);
    for (const Json& stage : stages) {
      const std::string name = StringAt(stage, {"lifecycleStage"});
      NumberItem(h, "/passport/eu/carbon/stages/" + name, NumberAt(stage, {"carbonFootprint"}),
                 "/passport/eu/carbon/value");
    }
    h.Raw("</dl>");
  }

  if (!recycled.empty() || renewable) {
    h.Raw("<h3>").Raw(h.W("/passport/eu/recycled/heading")).Raw("</h3>");
    if (!recycled.empty()) {
      h.Raw("<table class=\"passport-table\"><thead><tr><th scope=\"col\">")
          .Raw(h.W("/passport/eu/recycled/material"))
          .Raw("</th><th scope=\"col\">")
          .Raw(h.W("/passport/eu/recycled/pre_consumer"))
          .Raw("</th><th scope=\"col\">")
          .Raw(h.W("/passport/eu/recycled/post_consumer"))
          .Raw("</th></tr></thead><tbody>");
      for (const Json& m : recycled) {
        h.Raw("<tr><th scope=\"row\">")
            .Raw(h.W("/passport/eu/recycled/materials/" + StringAt(m, {"recycledMaterial"})))
            .Raw("</th>");
        for (const char* share : {"preConsumerShare", "postConsumerShare"}) {
          h.Raw("<td>");
          if (const Json* v = NumberAt(m, {share})) {
            h.Raw(h.W("/passport/eu/percent", {{"value", NumberText(*v)}}));
          }
          h.Raw("</td>");
        }
        h.Raw("</tr>");
      }
      h.Raw("</tbody></table>");
    }
    if (renewable) {
      h.Raw("<dl class=\"passport-fields\">");
      NumberItem(h, "/passport/eu/recycled/renewable", renewable, "/passport/eu/percent");
      h.Raw("</dl>");
    }
  }

  if (!agents.empty() || !hazardous.empty()) {
    h.Raw("<h3>")
        .Raw(h.W("/passport/eu/safety/heading"))
        .Raw("</h3><dl class=\"passport-fields\">");
    if (!agents.empty()) {
      std::string list;
      for (const Json& a : agents) {
        if (a.is_string()) list += (list.empty() ? "" : ", ") + a.get<std::string>();
      }
      h.Item("/passport/eu/safety/extinguishing", list);
    }
    if (!hazardous.empty()) {
      std::string list;
      for (const Json& s : hazardous) {
        const std::string name = StringAt(s, {"hazardousSubstanceName"});
        if (!name.empty()) list += (list.empty() ? "" : ", ") + name;
      }
      h.Item("/passport/eu/safety/hazardous", list);
    }
    h.Raw("</dl>");
  }

  if (cycles || years || threshold || !test.empty()) {
    h.Raw("<h3>")
        .Raw(h.W("/passport/eu/lifetime/heading"))
        .Raw("</h3><dl class=\"passport-fields\">");
    NumberItem(h, "/passport/eu/lifetime/years", years, "/passport/eu/lifetime/years_value");
    NumberItem(h, "/passport/eu/lifetime/cycles", cycles, "/passport/eu/lifetime/cycles_value");
    if (!test.empty()) h.Item("/passport/eu/lifetime/test", test);
    NumberItem(h, "/passport/eu/lifetime/threshold", threshold, "/passport/eu/percent");
    h.Raw("</dl>");
  }
  h.Raw("<p><a href=\"").Text(PagePath(code) + "?format=json").Raw("\" type=\"application/json\">");
  h.Raw(h.W("/passport/eu/json")).Raw("</a></p></section>");
}

}  // namespace

Result<PageWords> PageWords::Parse(std::string_view catalog_json, Lang lang) {
  Json catalog = Json::parse(catalog_json, nullptr, false);
  if (!catalog.is_object() || !catalog.contains("passport") || !catalog["passport"].is_object()) {
    return Status::Invalid("catalog", "catalog.format",
                           "a message catalog is a JSON object with a \"passport\" object");
  }
  PageWords w;
  w.words_ = std::move(catalog);
  w.lang_ = lang;
  return w;
}

std::string PageWords::Get(std::string_view key,
                           const std::vector<std::pair<std::string, std::string>>& vars) const {
  std::string text;
  try {
    const Json::json_pointer pointer{std::string(key)};
    if (!words_.contains(pointer) || !words_[pointer].is_string()) return std::string(key);
    text = words_[pointer].get<std::string>();
  } catch (const Json::exception&) {
    return std::string(key);  // not a JSON pointer
  }
  for (const auto& [name, value] : vars) {
    const std::string placeholder = "{{" + name + "}}";
    for (size_t at = text.find(placeholder); at != std::string::npos;
         at = text.find(placeholder, at + value.size())) {
      text.replace(at, placeholder.size(), value);
    }
  }
  return text;
}

const PageWords& PassportWords(Lang lang) {
  static const std::array<PageWords, 2> kWords = [] {
    std::array<PageWords, 2> words;
    for (const Lang l : {Lang::kEn, Lang::kZhCn}) {
      const Asset* catalog = FindAsset(l == Lang::kZhCn ? "i18n/zh-CN.json" : "i18n/en.json");
      // Both catalogs are compiled in, and a unit test parses them; without one the page
      // shows its keys rather than fail.
      auto parsed = PageWords::Parse(catalog ? catalog->body : "{\"passport\":{}}", l);
      if (parsed.ok()) words[l == Lang::kZhCn ? 1 : 0] = std::move(parsed).value();
    }
    return words;
  }();
  return kWords[lang == Lang::kZhCn ? 1 : 0];
}

Result<Passport> LoadPassport(
    store::Store& store, std::string_view code, const std::optional<std::string>& province,
    Lang lang,
    const std::function<std::optional<std::string>(const std::optional<std::string>& uscc)>&
        name_of) {
  Passport p;
  p.requested = std::string(code);
  p.check = BatteryCode::Check(code, Strictness::kLenient);
  if (!p.check.valid) return p;
  if (province) {
    auto d = Division::Parse(*province);
    if (!d.ok()) return d.status().WithFieldPrefix("province");
    if (d->level() != DivisionLevel::kProvince) {
      return Status::Invalid("province", "passport.province",
                             "a province's code ends in 0000: got " + QuoteText(*province));
    }
    p.province = d->code();
  }
  auto eu = passport::EuPassportInputsFor(store, p.check.normalized,
                                          [&](const std::string& uscc) { return name_of(uscc); });
  if (!eu.ok() && eu.status().code() != StatusCode::kNotFound) return eu.status();
  if (eu.ok()) {
    const domain::BatteryState& battery = eu->battery;
    p.id = passport::PublicDigitalId(battery, name_of(battery.producer), lang);
    p.eu = passport::EuPassport(*eu, passport::EuAccess::kPublic);
    if (battery.produced_leaf >= 0) {
      const auto leaf = static_cast<uint64_t>(battery.produced_leaf);
      BATTRACE_ASSIGN_OR_RETURN(leaf_hash, store.GetNode(ledger::NodeId{0, leaf}));
      Json receipt = {{"leaf_index", leaf}, {"leaf_hash", ledger::HashToBase64(leaf_hash)}};
      BATTRACE_ASSIGN_OR_RETURN(checkpoint, store.LatestCheckpoint());
      if (checkpoint && leaf < checkpoint->size) {
        BATTRACE_ASSIGN_OR_RETURN(proof, store::InclusionProofDoc(store, leaf, checkpoint->size));
        receipt["tree_size"] = checkpoint->size;
        receipt["hashes"] = proof["hashes"];
        receipt["note"] = checkpoint->note;
        receipt["key"] = store.PinnedVerifierKey();
      } else {
        receipt["pending"] = true;
      }
      p.receipt = std::move(receipt);
    }
  }
  if (p.province) {
    BATTRACE_ASSIGN_OR_RETURN(outlets, store.Outlets(*p.province));
    for (const domain::OutletState& o : outlets) {
      if (o.closed) continue;
      p.outlets.push_back({o.id, o.division, PlaceName(o.division), name_of(o.owner)});
    }
  }
  return p;
}

int PassportStatus(const Passport& p) {
  if (!p.check.valid) return 400;
  return p.id ? 200 : 404;
}

std::string RenderPassport(const Passport& p, const PageWords& words) {
  Html h(words);
  const std::string& code = p.check.valid ? p.check.normalized : p.requested;
  h.Raw("<h1>").Raw(h.W("/passport/heading")).Raw(" <span class=\"passport-code passport-mono\">");
  h.Text(code).Raw("</span></h1>");
  if (!p.check.valid) {
    const CodeIssue& first = p.check.errors.front();
    const auto sentence = RuleSentence(first.rule, words.lang());
    h.Raw("<section class=\"passport-problem\" aria-labelledby=\"problem-h\"><h2 id=\"problem-h\">")
        .Raw(h.W("/passport/invalid/heading"))
        .Raw("</h2><p>");
    if (sentence) h.Text(*sentence).Raw(" — ");
    if (first.position > 0) {
      h.Raw(h.W("/passport/invalid/position", {{"position", std::to_string(first.position)}}))
          .Raw(" ");
    }
    h.Text(first.message).Raw("</p><p class=\"passport-rule\">").Raw(h.W("/passport/invalid/rule"));
    h.Raw(" <code>").Text(first.rule).Raw("</code></p>");
    h.Raw("<p><a href=\"/\">").Raw(h.W("/passport/invalid/again")).Raw("</a></p></section>");
    return Document(words, words.Get("/passport/title", {{"code", code}}), h.str(),
                    SwitchHref(p.requested, words, std::nullopt));
  }
  if (!p.id) {
    h.Raw("<section class=\"passport-problem\" aria-labelledby=\"problem-h\"><h2 id=\"problem-h\">")
        .Raw(h.W("/passport/unregistered/heading"))
        .Raw("</h2><p>")
        .Raw(h.W("/passport/unregistered/text"))
        .Raw("</p></section>");
  } else {
    IdentitySection(h, *p.id);
    if (p.eu) EuSection(h, *p.eu, code);
  }
  h.Raw("<section aria-labelledby=\"decoded-h\"><h2 id=\"decoded-h\">")
      .Raw(h.W("/passport/decoded/heading"))
      .Raw("</h2>");
  DecodedFields(h, p.check);
  h.Raw("</section>");
  if (p.id) {
    OutletsSection(h, p, words);
    if (p.receipt) {
      ReceiptSection(h, *p.receipt);
    } else {
      h.Raw("<section aria-labelledby=\"receipt-h\"><h2 id=\"receipt-h\">")
          .Raw(h.W("/passport/receipt/heading"))
          .Raw("</h2><p>")
          .Raw(h.W("/passport/receipt/none"))
          .Raw("</p></section>");
    }
    h.Raw("<section aria-labelledby=\"label-h\"><h2 id=\"label-h\">")
        .Raw(h.W("/passport/label/heading"))
        .Raw("</h2><img class=\"passport-qr\" src=\"")
        .Text(PagePath(code) + "/qr.svg")
        .Raw("\" alt=\"")
        .Raw(h.W("/passport/label/alt", {{"code", code}}))
        .Raw("\" width=\"328\" height=\"360\"></section>");
  }
  return Document(words, words.Get("/passport/title", {{"code", code}}), h.str(),
                  SwitchHref(code, words, p.province));
}

std::string RenderPassportError(std::string_view code, const Status& status,
                                const PageWords& words) {
  Html h(words);
  h.Raw("<h1>").Raw(h.W("/passport/heading")).Raw(" <span class=\"passport-code passport-mono\">");
  h.Text(code).Raw("</span></h1>");
  BadRequest(h, status, "/passport/bad_request/heading");
  h.Raw("<p><a href=\"");
  h.Text(PagePath(code) + "?lang=" + std::string(LangTag(words.lang())));
  h.Raw("\">").Raw(h.W("/passport/bad_request/back")).Raw("</a></p></section>");
  return Document(words, words.Get("/passport/title", {{"code", std::string(code)}}), h.str(),
                  SwitchHref(code, words, std::nullopt));
}

std::string RenderDigitalLinkProblem(std::string_view gtin, std::string_view serial,
                                     const Status& status, const PageWords& words) {
  Html h(words);
  h.Raw("<h1>").Raw(h.W("/passport/digital_link/heading"));
  h.Raw(" <span class=\"passport-code passport-mono\">(01) ").Text(gtin).Raw(" (21) ");
  h.Text(serial).Raw("</span></h1>");
  if (status.code() == StatusCode::kInvalidArgument) {
    BadRequest(h, status, "/passport/digital_link/invalid");
  } else {
    h.Raw("<section class=\"passport-problem\" aria-labelledby=\"problem-h\"><h2 id=\"problem-h\">")
        .Raw(h.W("/passport/unregistered/heading"))
        .Raw("</h2><p>")
        .Raw(h.W("/passport/digital_link/unknown"))
        .Raw("</p>");
  }
  h.Raw("<p><a href=\"/\">").Raw(h.W("/passport/invalid/again")).Raw("</a></p></section>");
  // The language switch keeps the path: a reference of the query alone.
  return Document(words, words.Get("/passport/digital_link/heading"), h.str(),
                  std::string("?lang=") + (words.lang() == Lang::kZhCn ? "en" : "zh-CN"));
}

}  // namespace battrace::server
