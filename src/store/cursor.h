// The `cursor` of the paged lists (docs/api.md, "Pagination"; the CLI's --cursor, docs/findings.md,
// "Pages and NDJSON"): an opaque token of the sort key of the last item of a page, bound to the
// query that gave it (the list, its sort, its filters). The text is base64url of a check value
// and the key as a JSON array of strings; the check value is a digest of the query and the key,
// so a cursor altered in transit, cut short, or sent with another query is refused (rule
// "query.cursor") rather than read as a position. It is not a secret: a client that forged a key
// would only choose where its own, already scoped, list starts.
#ifndef BATTRACE_STORE_CURSOR_H_
#define BATTRACE_STORE_CURSOR_H_

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <type_traits>

#include "core/date.h"
#include "core/status.h"
#include "store/keyset.h"

namespace battrace::store {

// `query` names the list, sort and filters (any text; equal for the pages of one query).
std::string EncodeCursor(std::string_view query, const SortKey& key);
// The key of a cursor EncodeCursor gave for the same `query`, of `key_size` fields; else
// Invalid, field "cursor", rule "query.cursor".
Result<SortKey> DecodeCursor(std::string_view query, std::string_view cursor, size_t key_size);

// The query a cursor of the findings or obligations list is bound to: the list's name, the
// as_of date, then "name=value" for each of `params` in the order of their names, the values as
// given, leaving out cursor, limit, format and as_of (which pick a page, a page size and a
// form, or are said already). GET /v1/findings passes its query parameters, `battrace
// findings` its options under the same names (--kind as "kind", ...), so that one cursor serves
// both for the same list, sort and filters.
std::string CursorQuery(std::string_view list, Date as_of,
                        const std::map<std::string, std::string>& params);

// A page of a list as JSON: {items, limit, next_cursor (absent on the last page)}; each item as
// `item` gives it, in the JSON type (ordered or not) it gives.
template <typename T, typename F>
auto PageJson(const Page<T>& page, size_t limit, std::string_view query, F item) {
  using Json = std::invoke_result_t<F, const T&>;
  Json items = Json::array();
  for (const T& t : page.items)
    items.push_back(item(t));
  Json out = {{"items", std::move(items)}, {"limit", limit}};
  if (page.next) out["next_cursor"] = EncodeCursor(query, *page.next);
  return out;
}

}  // namespace battrace::store

#endif  // BATTRACE_STORE_CURSOR_H_
