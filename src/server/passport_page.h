// GET /b/{code}: a battery's public passport, the page its QR label opens. Server-rendered
// HTML that works without JavaScript; the script web/static/js/receipt.mjs only adds the check
// of the ledger receipt in the browser. Every battery field comes from the public digital ID
// (passport::PublicDigitalId) and from the EU battery passport at the public's access class
// (passport::EuPassport), never from the full record, so the page cannot show custodians,
// VINs or commercial fields. Its words are the `passport` namespace of the message catalogs
// (web/static/i18n/<lang>.json), and a few shared ones (`common`). The pages of a GS1 Digital
// Link that names no battery are here too (GET /01/{gtin}/21/{serial}).
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/code_check.h"
#include "core/lang.h"
#include "core/status.h"
#include "store/store.h"

namespace battrace::server {

// The page's words in one language: a message catalog, whose `passport` namespace holds the
// page's own words (it also takes a few shared ones: `common`, the outlets page's).
class PageWords {
 public:
  // Errors: rule "catalog.format" when the text is not a catalog with a `passport` object.
  static Result<PageWords> Parse(std::string_view catalog_json, Lang lang);

  // The text at `key`, a JSON pointer into the catalog ("/passport/receipt/ok"), its
  // "{{name}}" placeholders replaced by `vars`; the key itself when the catalog lacks it. Not
  // escaped.
  std::string Get(std::string_view key,
                  const std::vector<std::pair<std::string, std::string>>& vars = {}) const;
  Lang lang() const { return lang_; }

 private:
  nlohmann::json words_;
  Lang lang_ = Lang::kZhCn;
};

// The page's words in `lang`, from the catalog compiled into the binary (server/assets.h).
const PageWords& PassportWords(Lang lang);

// An open recycling outlet, as the public may see it.
struct PublicOutlet {
  std::string id;
  std::string division;                      // GB/T 2260
  std::string division_name;                 // its city and county, e.g. "深圳市 南山区"
  std::optional<std::string> operator_name;  // the registered name of the maker running it
};

// Everything the page shows, gathered by LoadPassport.
struct Passport {
  std::string requested;  // the code as it stood in the path
  CodeCheck check;        // the code decoded (lenient reading)
  // The public digital ID (passport::PublicDigitalId) when the code is registered.
  std::optional<nlohmann::json> id;
  // The EU battery passport at the public's access class (passport::EuPassport), with the ID.
  std::optional<nlohmann::json> eu;
  std::optional<std::string> province;  // the province picked for outlets (xx0000)
  std::vector<PublicOutlet> outlets;    // its open outlets
  // What receipt.mjs checks: {leaf_index, leaf_hash, tree_size, hashes, note, key} (proof and
  // note of the latest checkpoint), or {leaf_index, leaf_hash, pending: true} when no
  // checkpoint covers the leaf yet. Absent without a battery.produced.
  std::optional<nlohmann::json> receipt;
};

// Reads the page's data: the battery and what its EU passport is made from (its history, its
// model's declaration: passport::EuPassportInputsFor), its
// production report's leaf and inclusion proof against the latest checkpoint (a few reads),
// and, when `province` is given, that
// province's open outlets (one read). `name_of` gives a maker's registered name (cached by the
// server). A malformed code or province is not an error here: `check` says so, or the Status
// is rule "division.*" / "passport.province" on field "province".
Result<Passport> LoadPassport(
    store::Store& store, std::string_view code, const std::optional<std::string>& province,
    Lang lang,
    const std::function<std::optional<std::string>(const std::optional<std::string>& uscc)>&
        name_of);

// The HTTP status of the page: 400 for a malformed code, 404 for one not registered, else 200.
int PassportStatus(const Passport& passport);

// The page as HTML, in the language of `words`.
std::string RenderPassport(const Passport& passport, const PageWords& words);

// The page of a request that failed before a passport could be loaded (a bad `province`):
// the status's field, rule sentence and message, and a link back to the passport.
std::string RenderPassportError(std::string_view code, const Status& status,
                                const PageWords& words);

// The page of a GS1 Digital Link (GET /01/{gtin}/21/{serial}) that leads to no passport:
// `status` is the GTIN's or the serial's rule it breaks (InvalidArgument: field, rule sentence,
// message), or NotFound when no battery holds the pair. `gtin` and `serial` as in the path.
std::string RenderDigitalLinkProblem(std::string_view gtin, std::string_view serial,
                                     const Status& status, const PageWords& words);

}  // namespace battrace::server
