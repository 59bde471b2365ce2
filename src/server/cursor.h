// The `cursor` of the paged lists (docs/api.md, "Pagination"): an opaque token of the sort key
// of the last item of a page, bound to the query that gave it (the list, its sort, its
// filters). The text is base64url of a check value and the key as a JSON array of strings; the
// check value is a digest of the query and the key, so a cursor altered in transit, cut short,
// or sent with another query is refused (400, rule "query.cursor") rather than read as a
// position. It is not a secret: a client that forged a key would only choose where its own,
// already scoped, list starts.
#ifndef BATTRACE_SERVER_CURSOR_H_
#define BATTRACE_SERVER_CURSOR_H_

#include <string>
#include <string_view>

#include "core/status.h"
#include "store/keyset.h"

namespace battrace::server {

// `query` names the list, sort and filters (any text; equal for the pages of one query).
std::string EncodeCursor(std::string_view query, const store::SortKey& key);
// The key of a cursor EncodeCursor gave for the same `query`, of `key_size` fields; else
// Invalid, field "cursor", rule "query.cursor".
Result<store::SortKey> DecodeCursor(std::string_view query, std::string_view cursor,
                                    size_t key_size);

}  // namespace battrace::server

#endif  // BATTRACE_SERVER_CURSOR_H_
