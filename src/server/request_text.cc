#include "server/request_text.h"

#include <cstdint>

#include "ledger/utf8.h"

namespace battrace::server {

Status CheckRequestText(const HttpRequest& req) {
  if (!ledger::IsValidUtf8(req.path)) {
    return Status::Invalid("path", "http.utf8", "the path is not valid UTF-8 (percent-decoded)");
  }
  for (const auto& [name, value] : req.query) {
    if (!ledger::IsValidUtf8(name)) {
      return Status::Invalid("query", "http.utf8",
                             "a query parameter's name is not valid UTF-8 (percent-decoded)");
    }
    if (!ledger::IsValidUtf8(value)) {
      return Status::Invalid(name, "http.utf8",
                             "query parameter '" + name + "' is not valid UTF-8 (percent-decoded)");
    }
  }
  return Status::Ok();
}

Status CheckPurpose(const std::string& purpose) {
  size_t chars = 0;
  for (size_t pos = 0; pos < purpose.size(); ++chars) {
    uint32_t cp = 0;
    if (!ledger::NextCodePoint(purpose, &pos, &cp)) {
      return Status::Invalid("X-Purpose", "http.utf8", "the X-Purpose header is not valid UTF-8");
    }
    if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) {
      return Status::Invalid("X-Purpose", "api.purpose",
                             "the X-Purpose header holds a control character");
    }
  }
  if (chars > kMaxPurposeChars) {
    return Status::Invalid("X-Purpose", "api.purpose",
                           "the X-Purpose header is over " + std::to_string(kMaxPurposeChars) +
                               " characters (" + std::to_string(chars) + ")");
  }
  return Status::Ok();
}

}  // namespace battrace::server
