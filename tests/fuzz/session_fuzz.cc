// Fuzz target for what the session and token routes read from a request
// (src/server/session.h, src/server/principals.h, src/server/auth.h). The first byte picks the
// reader, the rest is its input:
//   0: a sign-in body: ParseSignInBody answers a non-empty token or rule "session.body";
//   1: a token request body: ParseIssueBody answers a principal or rule "tokens.body";
//   2: a cursor: ParseTokenCursor answers rule "query.cursor", or a cursor that formats back
//      to a cursor read the same;
//   3: a token id: ParseTokenId answers 8 bytes or rule "tokens.id".
// (The Cookie header is read by server/web.h, fuzzed by web_head_fuzz.)
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "server/auth.h"
#include "server/principals.h"
#include "server/session.h"

namespace {

void Require(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "session_fuzz: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace battrace::server;  // NOLINT(google-build-using-namespace)
  if (size == 0) return 0;
  const std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 4) {
    case 0: {
      auto token = ParseSignInBody(in);
      Require(token.ok() ? !token->empty() : token.status().rule() == "session.body",
              "a sign-in body answered neither a token nor session.body");
      break;
    }
    case 1: {
      auto request = ParseIssueBody(in);
      Require(request.ok() ? !request->principal.empty() : request.status().rule() == "tokens.body",
              "a token request answered neither a principal nor tokens.body");
      break;
    }
    case 2: {
      auto cursor = ParseTokenCursor(in);
      if (!cursor.ok()) {
        Require(cursor.status().rule() == "query.cursor", "a bad cursor has another rule");
        break;
      }
      battrace::store::TokenRow row;
      row.created = cursor->created;
      row.hash = cursor->hash;
      auto again = ParseTokenCursor(FormatTokenCursor(row));
      Require(again.ok() && again->created == cursor->created && again->hash == cursor->hash,
              "a cursor does not survive formatting");
      break;
    }
    default: {
      auto id = ParseTokenId(in, "id");
      Require(id.ok() ? id->size() == 8 : id.status().rule() == "tokens.id",
              "a token id answered neither 8 bytes nor tokens.id");
      break;
    }
  }
  return 0;
}
