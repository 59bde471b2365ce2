#include "server/batch.h"

#include <simdjson.h>

namespace battrace::server {

Result<std::vector<ingest::Item>> ParseBatch(std::string_view body, const std::string& reporter,
                                             size_t max_items, Strictness codes) {
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (auto err = parser.parse(body.data(), body.size()).get(root); err) {
    return Status::Invalid("", "api.body",
                           std::string("the body is not JSON: ") + simdjson::error_message(err));
  }
  simdjson::dom::array array;
  if (root.get_array().get(array)) {
    return Status::Invalid("", "api.body", "the body must be a JSON array of reports");
  }
  if (array.size() > max_items) {
    return Status::Invalid("", "api.batch_too_large",
                           std::to_string(array.size()) + " reports in one request; at most " +
                               std::to_string(max_items));
  }
  std::vector<ingest::Item> items;
  items.reserve(array.size());
  for (simdjson::dom::element e : array) {
    ingest::Item item;
    item.line = items.size() + 1;
    item.report = ParseReport(simdjson::minify(e), ParseOptions{.codes = codes});
    if (item.report.ok() && item.report->reporter.str() != reporter) {
      item.report =
          Status::Invalid("/reporter", "auth.reporter",
                          "an enterprise files its own reports: reporter must be " + reporter);
    }
    items.push_back(std::move(item));
  }
  return items;
}

}  // namespace battrace::server
