#include "server/problem.h"

#include "core/rule_text.h"

namespace battrace::server {

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
    case StatusCode::kUnavailable:
    case StatusCode::kIOError:
      return 503;
    case StatusCode::kCorruption:
    case StatusCode::kInternal:
      return 500;
  }
  return 500;
}

nlohmann::json Problem(int http_status, const Status& status, const std::string& request_id,
                       Lang lang) {
  nlohmann::json p;
  p["type"] =
      status.rule().empty() ? std::string("about:blank") : "urn:battrace:problem:" + status.rule();
  p["title"] = std::string(ErrorTitle(http_status, lang));
  p["status"] = http_status;
  // Server-side failures are logged with the request id; the client gets no internals. A
  // refusal at a limit of the server's (kUnavailable) says which.
  const bool failed = http_status >= 500 && status.code() != StatusCode::kUnavailable;
  const std::string detail =
      failed ? std::string("the server failed; quote the request id") : status.message();
  if (lang == Lang::kZhCn) {
    std::string zh;
    if (!status.field().empty()) zh = "字段 " + status.field() + "：";
    if (failed) {
      zh += "服务器出错，请提供请求编号";
    } else if (auto sentence = RuleSentence(status.rule(), lang)) {
      zh += *sentence;
    } else {
      zh += ErrorTitle(http_status, lang);
    }
    p["detail"] = zh;
    p["detail_en"] = detail;
  } else {
    p["detail"] = detail;
  }
  if (!status.field().empty()) p["field"] = status.field();
  if (!status.rule().empty()) p["rule"] = status.rule();
  p["request_id"] = request_id;
  return p;
}

void WriteProblem(HttpResponse& res, const Status& status, const std::string& request_id,
                  Lang lang) {
  WriteProblem(res, HttpStatus(status.code()), status, request_id, lang);
}

void WriteProblem(HttpResponse& res, int http_status, const Status& status,
                  const std::string& request_id, Lang lang) {
  res.status = http_status;
  res.content_type = "application/problem+json";
  res.headers.emplace_back("Content-Language", std::string(LangTag(lang)));
  res.body = Problem(http_status, status, request_id, lang).dump();
}

}  // namespace battrace::server
