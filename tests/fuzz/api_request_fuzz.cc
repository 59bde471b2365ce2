// Fuzz target for what the API reads from a request before any store work
// (src/server/batch.h, src/server/router.h, src/server/request_text.h). The first byte picks
// the reader:
//   even: the rest is a POST /v1/reports body: ParseBatch must answer (never crash), keep the
//         item count within the cap, number items 1..n, and name an index in every item error
//         that has a field;
//   odd:  the rest is a request path, and also a query value and an X-Purpose: the head's text
//         rules must answer with their own rules, and a purpose they accept must serialize as
//         JSON (the audit trail's form); when a route of the real table matches, substituting
//         the captured values into its pattern must give the path back.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "server/batch.h"
#include "server/request_text.h"
#include "server/router.h"
#include "server/server.h"

namespace {

constexpr size_t kMaxItems = 64;

void Require(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "api_request_fuzz: %s\n", what);
  std::abort();
}

const battrace::server::Router& ApiRouter() {
  static const battrace::server::Router router = [] {
    battrace::server::Router r;
    for (const std::string& label : battrace::server::RouteLabels()) {
      const size_t space = label.find(' ');
      r.Add(label.substr(0, space), label.substr(space + 1));
    }
    return r;
  }();
  return router;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] % 2 == 0) {
    auto items = battrace::server::ParseBatch(rest, "91350900587527783P", kMaxItems);
    if (!items.ok()) {
      Require(items.status().rule() == "api.body" || items.status().rule() == "api.batch_too_large",
              "a batch failed with an unexpected rule");
      return 0;
    }
    Require(items->size() <= kMaxItems, "more items than the cap");
    for (size_t i = 0; i < items->size(); ++i) {
      Require((*items)[i].line == i + 1, "items are not numbered in order");
    }
    return 0;
  }
  const std::string path(rest);
  battrace::server::HttpRequest head;
  head.path = path;
  head.query = {{"as_of", path}};
  const battrace::Status text = battrace::server::CheckRequestText(head);
  Require(text.ok() || text.rule() == "http.utf8", "the head's text failed with another rule");
  const battrace::Status purpose = battrace::server::CheckPurpose(path);
  Require(purpose.ok() || purpose.rule() == "api.purpose" || purpose.rule() == "http.utf8",
          "a purpose failed with another rule");
  Require(!purpose.ok() || text.ok(), "a purpose accepted that is not UTF-8");
  if (purpose.ok()) (void)nlohmann::json(path).dump();  // throws on bytes that are not UTF-8
  for (const char* method : {"GET", "POST", "DELETE"}) {
    const auto match = ApiRouter().Find(method, path);
    if (!match.route) continue;
    const std::string& pattern = ApiRouter().routes()[*match.route].pattern;
    std::string rebuilt;
    for (size_t i = 0; i < pattern.size();) {
      if (pattern[i] == '{') {
        const size_t close = pattern.find('}', i);
        std::string name = pattern.substr(i + 1, close - i - 1);
        if (name.ends_with("...")) name.resize(name.size() - 3);  // a rest placeholder
        const auto it = match.params.find(name);
        Require(it != match.params.end() && !it->second.empty(), "a placeholder is unbound");
        rebuilt += it->second;
        i = close + 1;
      } else {
        rebuilt += pattern[i++];
      }
    }
    // The router reads repeated slashes as one: compare with the path's slashes squeezed.
    std::string squeezed;
    for (char c : path)
      if (!(c == '/' && !squeezed.empty() && squeezed.back() == '/')) squeezed += c;
    Require(rebuilt == squeezed, "the captured values do not rebuild the path");
  }
  return 0;
}
