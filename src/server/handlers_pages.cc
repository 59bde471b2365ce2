// The web: the pages' shell and assets, and what a battery's label leads to: the public
// passport page (/b/{code}), the GS1 Digital Link's redirect, the label's QR code.
#include <algorithm>
#include <cctype>

#include "core/gs1.h"
#include "passport/label.h"
#include "server/assets.h"
#include "server/params.h"
#include "server/passport_page.h"
#include "server/problem.h"
#include "server/server_internal.h"
#include "server/web.h"

namespace battrace::server {

namespace {

// The pages a battery's label leads to answer JSON or HTML by the request (JsonAsked): caches
// keep one answer per Accept header, language and session.
constexpr const char* kPageVary = "Accept, Accept-Language, Cookie";

// Makes c.res a page in `lang`: its content type and the headers every page carries.
void StartPage(Call& c, Lang lang) {
  c.res.content_type = "text/html; charset=utf-8";
  AddPageHeaders(c.res);
  c.res.headers.emplace_back("Content-Language", std::string(LangTag(lang)));
  c.res.headers.emplace_back("Cache-Control", "no-cache");
}

}  // namespace

Status Api::GetPage(Call& c) {
  if (auto to = AppRedirect(c.req, c.viewer)) {
    AddPageHeaders(c.res);
    c.res.status = 303;
    c.res.content_type = "text/plain; charset=utf-8";
    c.res.headers.emplace_back("Location", *to);
    c.res.headers.emplace_back("Cache-Control", "no-store");
    c.res.body = "See " + *to + "\n";
    return Status::Ok();
  }
  ServePageShell(c.req, c.res, PageLang(c.req));
  return Status::Ok();
}

Status Api::GetAsset(Call& c) {
  const Asset* asset = FindAsset(c.params["path"]);
  if (!asset) {
    AddPageHeaders(c.res);
    return Status::NotFound("no asset " + c.params["path"]);
  }
  ServeAsset(c.req, c.res, *asset);
  return Status::Ok();
}

Status Api::GetFavicon(Call& c) {
  const Asset* icon = FindAsset("img/favicon.ico");
  if (!icon) return Status::Internal("the favicon is not compiled in");
  ServeAsset(c.req, c.res, *icon);
  return Status::Ok();
}

Status Api::GetPassportPage(Call& c) {
  c.res.headers.emplace_back("Vary", kPageVary);
  const std::optional<std::string> format = StringParam(c.req, "format");
  const Status format_ok =
      !format || *format == "json" || *format == "html"
          ? Status::Ok()
          : Status::Invalid("format", "passport.format",
                            "format is json or html: got " + QuoteText(*format));
  if (JsonAsked(c.req) || (!format_ok.ok() && PrefersJson(c.req.Header("accept")))) {
    BATTRACE_RETURN_IF_ERROR(format_ok);
    auto code = CodeParam(c.params);
    if (!code.ok()) return code.status();  // field "code"
    return ReplyEuPassport(c, *code);
  }
  const Lang lang = PageLang(c.req);
  const PageWords& words = PassportWords(lang);
  std::optional<std::string> province = StringParam(c.req, "province");
  if (province && province->empty()) province.reset();  // the form's "choose" entry
  auto name_of = [&](const std::optional<std::string>& uscc) { return MakerName(*c.store, uscc); };
  auto page = format_ok.ok() ? LoadPassport(*c.store, c.params["code"], province, lang, name_of)
                             : Result<Passport>(format_ok);
  StartPage(c, lang);
  const std::optional<std::string> asked = StringParam(c.req, "lang");
  if (asked && asked->size() == LangTag(lang).size() &&
      std::equal(asked->begin(), asked->end(), LangTag(lang).begin(), [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) ==
               std::tolower(static_cast<unsigned char>(b));
      })) {
    // A language picked through the page's switch (a link, so that it works without
    // JavaScript) stays picked on the other pages.
    c.res.headers.emplace_back("Set-Cookie", std::string(kLangCookie) + "=" +
                                                 std::string(LangTag(lang)) +
                                                 "; Path=/; SameSite=Lax; Max-Age=31536000");
  }
  if (!page.ok()) {
    if (page.status().code() != StatusCode::kInvalidArgument) return page.status();
    c.res.status = 400;
    c.res.body = RenderPassportError(c.params["code"], page.status(), words);
    return Status::Ok();
  }
  c.res.status = PassportStatus(*page);
  c.res.body = RenderPassport(*page, words);
  return Status::Ok();
}

Status Api::GetDigitalLink(Call& c) {
  c.res.headers.emplace_back("Vary", kPageVary);
  const std::string& gtin = c.params["gtin"];
  const std::string& serial = c.params["serial"];
  auto found = [&]() -> Result<std::string> {
    BATTRACE_ASSIGN_OR_RETURN(gtin14, ParseGtin(gtin));
    BATTRACE_RETURN_IF_ERROR(CheckGs1Serial(serial));
    BATTRACE_ASSIGN_OR_RETURN(code, c.store->FindByDigitalLink(gtin14, serial));
    if (!code) {
      return Status::NotFound("no battery is registered under GTIN " + gtin14 + " and serial " +
                              QuoteText(serial));
    }
    return *code;
  }();
  if (found.ok()) {
    const std::string to =
        "/b/" + *found + (c.req.query_string.empty() ? "" : "?" + c.req.query_string);
    AddPageHeaders(c.res);
    c.res.status = 302;
    c.res.content_type = "text/plain; charset=utf-8";
    c.res.headers.emplace_back("Location", to);
    c.res.headers.emplace_back("Cache-Control", "no-cache");
    c.res.body = "Found: " + to + "\n";
    return Status::Ok();
  }
  const Status& st = found.status();
  const bool page_error =
      st.code() == StatusCode::kInvalidArgument || st.code() == StatusCode::kNotFound;
  if (!page_error || JsonAsked(c.req)) return st;
  const Lang lang = PageLang(c.req);
  StartPage(c, lang);
  c.res.status = HttpStatus(st.code());
  c.res.body = RenderDigitalLinkProblem(gtin, serial, st, PassportWords(lang));
  return Status::Ok();
}

Status Api::GetLabelSvg(Call& c) {
  BATTRACE_ASSIGN_OR_RETURN(code, CodeParam(c.params));
  // The label names this server as the client reached it: the scheme it serves and the Host.
  const std::string& host = c.req.Header("host");
  const bool host_ok = !host.empty() && std::all_of(host.begin(), host.end(), [](char ch) {
    return std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '-' || ch == ':' ||
           ch == '[' || ch == ']';
  });
  if (!host_ok) {
    return Status::Invalid("Host", "http.host", "the Host header must name a host (and port)");
  }
  const std::string origin = (options_.http.tls_cert.empty() ? "http://" : "https://") + host;
  BATTRACE_ASSIGN_OR_RETURN(url, passport::LabelUrl(origin, code));
  BATTRACE_ASSIGN_OR_RETURN(symbol, passport::EncodeQr(url));
  c.res.status = 200;
  c.res.content_type = "image/svg+xml";
  c.res.body = passport::LabelSvg(symbol, code, url);
  AddPageHeaders(c.res);
  c.res.headers.emplace_back("Cache-Control", "public, max-age=86400");
  return Status::Ok();
}

}  // namespace battrace::server
