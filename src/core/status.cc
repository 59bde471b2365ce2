#include "core/status.h"

namespace battrace {

const char* StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return "ok";
    case StatusCode::kInvalidArgument:
      return "invalid_argument";
    case StatusCode::kNotFound:
      return "not_found";
    case StatusCode::kConflict:
      return "conflict";
    case StatusCode::kForbidden:
      return "forbidden";
    case StatusCode::kUnauthenticated:
      return "unauthenticated";
    case StatusCode::kFailedPrecondition:
      return "failed_precondition";
    case StatusCode::kUnavailable:
      return "unavailable";
    case StatusCode::kCorruption:
      return "corruption";
    case StatusCode::kIOError:
      return "io_error";
    case StatusCode::kInternal:
      return "internal";
  }
  return "unknown";
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  std::string out = StatusCodeName(code_);
  if (!field_.empty()) out += ": " + field_;
  if (!rule_.empty()) out += ": " + rule_;
  out += ": " + message_;
  return out;
}

Status Status::WithFieldPrefix(const std::string& prefix) const {
  Status copy = *this;
  copy.field_ = prefix + field_;
  return copy;
}

}  // namespace battrace
