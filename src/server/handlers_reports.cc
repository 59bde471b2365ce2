// The reports routes: POST /v1/reports (a batch filed by an enterprise, committed through the
// one writer connection) and GET /v1/reports/{reporter}/{id}.
#include "domain/report.h"
#include "ingest/pipeline.h"
#include "ledger/hash.h"
#include "passport/views.h"
#include "server/batch.h"
#include "server/params.h"
#include "server/problem.h"
#include "server/server_internal.h"
#include "store/party.h"

namespace battrace::server {

using access::ScopedReader;

// Whether `viewer` may file reports: an enterprise (each item's reporter is checked against
// it when the batch is parsed); 401 for the public, 403 for other principals.
Status MayFile(const access::Viewer& viewer) {
  using Kind = access::Viewer::Kind;
  if (viewer.kind == Kind::kPublic) {
    return Status::Unauthenticated("filing reports needs an enterprise's bearer token");
  }
  if (viewer.kind != Kind::kEnterprise) {
    return Status::Forbidden("reports are filed by enterprises, each for itself (Art. 24)");
  }
  return Status::Ok();
}

Status Api::PostReports(Call& c) {
  BATTRACE_RETURN_IF_ERROR(MayFile(c.viewer));
  BATTRACE_ASSIGN_OR_RETURN(codes, CodesParam(c.req));
  const BodyFormat format = BodyFormatOf(c.req.Header("content-type"));
  BATTRACE_ASSIGN_OR_RETURN(type, ReportTypeParam(c.req, format));
  auto parsed = format == BodyFormat::kJsonArray
                    ? ParseBatch(c.req.body, c.viewer.id, options_.max_batch, codes)
                    : ParseLines(c.req.body, format, type, c.viewer.id, options_.max_batch, codes);
  if (!parsed.ok()) {
    if (parsed.status().rule() == "api.batch_too_large") {
      WriteProblem(c.res, 413, parsed.status(), c.request_id, c.lang);
      return Status::Ok();
    }
    return parsed.status();
  }
  std::vector<ingest::Item>& items = *parsed;
  std::vector<ingest::Prepared> prepared = ingest::Prepare(items, c.now);
  Result<std::vector<ingest::ItemResult>> results = Write(
      [&](store::Store& writer) { return ingest::Commit(writer, law_, std::move(prepared)); });
  if (!results.ok()) return results.status();
  uint64_t accepted = 0, duplicates = 0, rejected = 0;
  Json out = Json::array();
  // A JSON array's items are named by their index, and their fields prefixed with it; a file's
  // records by their line, their fields as the reader names them (a CSV column, a pointer in
  // the NDJSON line).
  const bool array = format == BodyFormat::kJsonArray;
  for (size_t i = 0; i < results->size(); ++i) {
    const ingest::ItemResult& r = (*results)[i];
    const std::string prefix = array ? "/" + std::to_string(i) : "";
    Json item = array ? Json{{"index", i}} : Json{{"line", r.line}};
    if (r.outcome == ingest::Outcome::kRejected) {
      ++rejected;
      item["outcome"] = "rejected";
      item["error"] = Problem(HttpStatus(r.error.code()), r.error.WithFieldPrefix(prefix),
                              c.request_id, c.lang);
      item["error"].erase("request_id");
    } else {
      (r.outcome == ingest::Outcome::kAccepted ? accepted : duplicates)++;
      item["outcome"] = r.outcome == ingest::Outcome::kAccepted ? "accepted" : "duplicate";
      item["receipt"] = {{"reporter", r.reporter},
                         {"id", r.id},
                         {"leaf_index", r.leaf_index},
                         {"leaf_hash", ledger::HashToBase64(r.leaf_hash)}};
      if (!r.warnings.empty()) {
        Json warnings = Json::array();
        for (const ReportWarning& w : r.warnings) {
          warnings.push_back(
              {{"field", prefix + w.field}, {"rule", w.rule}, {"message", w.message}});
        }
        item["receipt"]["warnings"] = std::move(warnings);
      }
    }
    out.push_back(std::move(item));
  }
  metrics_.Reports(accepted, duplicates, rejected);
  Reply(c, {{"accepted", accepted},
            {"duplicates", duplicates},
            {"rejected", rejected},
            {"results", std::move(out)}});
  c.res.headers.emplace_back("Content-Language", std::string(LangTag(c.lang)));
  return Status::Ok();
}

Status Api::GetReport(Call& c) {
  ScopedReader reader = Reader(c);
  BATTRACE_ASSIGN_OR_RETURN(report, reader.Report(c.params["reporter"], c.params["id"]));
  BATTRACE_RETURN_IF_ERROR(Audited(reader));
  std::vector<store::StoredReport> one{std::move(report)};
  BATTRACE_RETURN_IF_ERROR(store::LinkCorrections(*c.store, one));
  Reply(c, passport::ReportView(one.front()));
  return Status::Ok();
}

}  // namespace battrace::server
