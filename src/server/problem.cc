#include "server/problem.h"

namespace battrace::server {
namespace {

const char* Title(int http_status) {
  switch (http_status) {
    case 400:
      return "Bad request";
    case 401:
      return "Authentication required";
    case 403:
      return "Forbidden";
    case 404:
      return "Not found";
    case 405:
      return "Method not allowed";
    case 408:
      return "Request timeout";
    case 409:
      return "Conflict";
    case 413:
      return "Payload too large";
    case 429:
      return "Too many requests";
    case 431:
      return "Request header fields too large";
    case 503:
      return "Service unavailable";
    default:
      return http_status >= 500 ? "Internal server error" : "Error";
  }
}

}  // namespace

int HttpStatus(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return 200;
    case StatusCode::kInvalidArgument:
      return 400;
    case StatusCode::kUnauthenticated:
      return 401;
    case StatusCode::kForbidden:
      return 403;
    case StatusCode::kNotFound:
      return 404;
    case StatusCode::kConflict:
      return 409;
    case StatusCode::kFailedPrecondition:
    case StatusCode::kIOError:
      return 503;
    case StatusCode::kCorruption:
    case StatusCode::kInternal:
      return 500;
  }
  return 500;
}

nlohmann::json Problem(int http_status, const Status& status, const std::string& request_id) {
  nlohmann::json p;
  p["type"] =
      status.rule().empty() ? std::string("about:blank") : "urn:battrace:problem:" + status.rule();
  p["title"] = Title(http_status);
  p["status"] = http_status;
  // Server-side failures are logged with the request id; the client gets no internals.
  p["detail"] = http_status >= 500 ? std::string("the server failed; quote the request id")
                                   : status.message();
  if (!status.field().empty()) p["field"] = status.field();
  if (!status.rule().empty()) p["rule"] = status.rule();
  p["request_id"] = request_id;
  return p;
}

void WriteProblem(HttpResponse& res, const Status& status, const std::string& request_id) {
  WriteProblem(res, HttpStatus(status.code()), status, request_id);
}

void WriteProblem(HttpResponse& res, int http_status, const Status& status,
                  const std::string& request_id) {
  res.status = http_status;
  res.content_type = "application/problem+json";
  res.body = Problem(http_status, status, request_id).dump();
}

}  // namespace battrace::server
