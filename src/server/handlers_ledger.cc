// The ledger's routes (the latest checkpoint, inclusion and consistency proofs) and the audit
// trail's pages.
#include "ledger/hash.h"
#include "server/params.h"
#include "server/server_internal.h"
#include "store/proof_docs.h"

namespace battrace::server {

using access::ScopedReader;

namespace {

Json AuditJson(const store::AuditEntry& e) {
  return {{"seq", e.seq},
          {"at", FormatTimestamp(e.at)},
          {"principal", e.principal},
          {"action", e.action},
          {"record", e.record},
          {"purpose", e.purpose},
          {"request_id", e.request_id},
          {"hash", ledger::HashToHex(e.hash)}};
}

}  // namespace

Status Api::GetCheckpoint(Call& c) {
  BATTRACE_ASSIGN_OR_RETURN(cp, c.store->LatestCheckpoint());
  if (!cp) return Status::NotFound("no checkpoint has been signed yet");
  Reply(c, {{"size", cp->size}, {"created", FormatTimestamp(cp->created)}, {"note", cp->note}});
  return Status::Ok();
}

Status Api::GetInclusionProof(Call& c) {
  BATTRACE_ASSIGN_OR_RETURN(leaf, RequiredUintParam(c.req, "leaf"));
  BATTRACE_ASSIGN_OR_RETURN(size, OptionalUintParam(c.req, "size"));
  BATTRACE_ASSIGN_OR_RETURN(doc, store::InclusionProofDoc(*c.store, leaf, size));
  Reply(c, doc);
  return Status::Ok();
}

Status Api::GetConsistencyProof(Call& c) {
  BATTRACE_ASSIGN_OR_RETURN(from, RequiredUintParam(c.req, "from"));
  BATTRACE_ASSIGN_OR_RETURN(to, OptionalUintParam(c.req, "to"));
  BATTRACE_ASSIGN_OR_RETURN(doc, store::ConsistencyProofDoc(*c.store, from, to));
  Reply(c, doc);
  return Status::Ok();
}

Status Api::GetAudit(Call& c) {
  auto order = StringParam(c.req, "order").value_or("asc");
  if (order != "asc" && order != "desc") {
    return Status::Invalid("order", "query.enum", "order must be asc or desc");
  }
  const bool newest_first = order == "desc";
  if (StringParam(c.req, newest_first ? "after" : "before")) {
    return Status::Invalid(
        newest_first ? "after" : "before", "audit.paging",
        newest_first ? "order=desc pages with before, not after" : "before pages with order=desc");
  }
  BATTRACE_ASSIGN_OR_RETURN(after, UintParam(c.req, "after", 0, INT64_MAX));
  BATTRACE_ASSIGN_OR_RETURN(before, UintParam(c.req, "before", INT64_MAX, INT64_MAX));
  BATTRACE_ASSIGN_OR_RETURN(limit, UintParam(c.req, "limit", kDefaultPage, kMaxPage));
  ScopedReader reader = Reader(c);
  BATTRACE_ASSIGN_OR_RETURN(entries, reader.Audit({.from = newest_first ? before : after,
                                                   .limit = limit,
                                                   .newest_first = newest_first}));
  Json items = Json::array();
  for (const auto& e : entries)
    items.push_back(AuditJson(e));
  Json out = {{"limit", limit}, {"items", items}};
  if (newest_first) {
    out["order"] = "desc";
    if (StringParam(c.req, "before")) out["before"] = before;
  } else {
    out["after"] = after;
  }
  Reply(c, out);
  return Status::Ok();
}

}  // namespace battrace::server
