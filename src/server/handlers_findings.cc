// The regulator's reads: findings and obligations (as JSON pages or CSV downloads) and the
// statistics of findings (counts by division, the monthly trend, the flows of batteries).
#include <algorithm>
#include <atomic>
#include <stdexcept>
#include <utility>

#include "domain/finding.h"
#include "domain/finding_text.h"
#include "server/csv_export.h"
#include "server/log.h"
#include "server/params.h"
#include "server/server_internal.h"
#include "server/stats.h"
#include "store/party.h"

namespace battrace::server {

using access::ScopedReader;

namespace {

// The items a CSV download reads first, the rows of its first piece: the largest page the API
// serves (limit 1000). Each following piece reads twice as many as the one before, up to
// kCsvPieceMax: a download holds one piece in memory however long its list, and a long list
// goes in few pieces (each piece reads again the head of every source of the list).
constexpr size_t kCsvPiece = 1000;
constexpr size_t kCsvPieceMax = 8000;
// The Retry-After of a download refused while --max-downloads stream, seconds.
constexpr int kDownloadRetrySeconds = 5;

// A CSV download's place among those streamed at once (ServeOptions::max_downloads), given
// back when the download ends.
class DownloadSlot {
 public:
  explicit DownloadSlot(std::atomic<size_t>* held) : held_(held) {}
  DownloadSlot(DownloadSlot&& other) noexcept : held_(std::exchange(other.held_, nullptr)) {}
  DownloadSlot(const DownloadSlot&) = delete;
  DownloadSlot& operator=(const DownloadSlot&) = delete;
  DownloadSlot& operator=(DownloadSlot&&) = delete;
  ~DownloadSlot() {
    if (held_ != nullptr) held_->fetch_sub(1);
  }

 private:
  std::atomic<size_t>* held_;
};

// When `csv` asks for a download, a place for it among `held`, or 503 (rule "api.downloads",
// Retry-After) when `max` are streaming: each holds a store connection (on PostgreSQL a
// backend) and a piece. Nothing without `csv`.
Result<std::optional<DownloadSlot>> TakeDownload(bool csv, std::atomic<size_t>& held, size_t max,
                                                 Call& c) {
  if (!csv) return std::optional<DownloadSlot>();
  if (held.fetch_add(1) >= max) {
    held.fetch_sub(1);
    c.res.headers.emplace_back("Retry-After", std::to_string(kDownloadRetrySeconds));
    return Status(StatusCode::kUnavailable,
                  std::to_string(max) +
                      " CSV downloads are streaming, the server's limit "
                      "(--max-downloads): retry later",
                  "", "api.downloads");
  }
  return std::optional<DownloadSlot>(DownloadSlot(&held));
}

// The parties' registered names and divisions, from the current registry, once each.
class PartyInfos {
 public:
  explicit PartyInfos(store::Store& store) : store_(&store) {}
  const std::optional<domain::PartyInfo>& operator()(const std::string& uscc) {
    auto [it, fresh] = parties_.try_emplace(uscc);
    if (fresh) it->second = store::PartyInfoOf(*store_, uscc);
    return it->second;
  }

 private:
  store::Store* store_;
  std::map<std::string, std::optional<domain::PartyInfo>> parties_;
};

// A list's CSV download (docs/api.md, "CSV") from `page`, its first kCsvPiece items as the
// handler read and audited them: the header row `columns` and the page's rows are the body;
// while a page has a next, the transport asks for the following one (HttpResponse::stream),
// read by `read(reader, after, n)` (n items) through `reader` on the call's store connection,
// which the download holds until it ends. `row(item, out)` appends an item's row to `out`.
template <typename Item, typename Read, typename Row>
void ReplyCsvList(Call& c, DownloadSlot slot, const std::string& filename, ScopedReader reader,
                  const std::vector<std::string>& columns, store::Page<Item> page, Read read,
                  Row row) {
  std::string first;
  AppendCsvRow(first, columns);
  for (const Item& item : page.items)
    row(item, first);
  std::function<bool(std::string&)> rest;
  if (page.next) {
    struct Rest {
      DownloadSlot slot;
      StorePool::Lease lease;  // the store connection `reader` and `row` read
      ScopedReader reader;
      std::optional<store::SortKey> after;
      size_t piece;  // the items of the last piece read
      Read read;
      Row row;
      std::string request_id;
    };
    auto state = std::make_shared<Rest>(Rest{std::move(slot), std::move(*c.lease),
                                             std::move(reader), std::move(page.next), kCsvPiece,
                                             std::move(read), std::move(row), c.request_id});
    c.lease.reset();
    rest = [state](std::string& piece) {
      state->piece = std::min(state->piece * 2, kCsvPieceMax);
      Result<store::Page<Item>> next = state->read(state->reader, state->after, state->piece);
      if (!next.ok()) {
        LogJson({{"level", "error"},
                 {"request_id", state->request_id},
                 {"error", next.status().ToString()}});
        throw std::runtime_error("a CSV download could not read its next page");
      }
      // The download was audited once, at its start: its following pages note no more.
      state->reader.audit().clear();
      for (const Item& item : next->items)
        state->row(item, piece);
      state->after = std::move(next->next);
      return state->after.has_value();
    };
  }
  ReplyCsv(c, filename, first, std::move(rest));
}

}  // namespace

Status Api::GetFindings(Call& c) {
  BATTRACE_ASSIGN_OR_RETURN(as_of, AsOf(c.req, c.now));
  store::FindingFilter filter;
  if (auto kind = StringParam(c.req, "kind")) {
    BATTRACE_RETURN_IF_ERROR(domain::CheckFindingKind(*kind, "kind"));
    filter.kind = *kind;
  }
  BATTRACE_ASSIGN_OR_RETURN(party, PartyParam(c.req));
  BATTRACE_ASSIGN_OR_RETURN(division, DivisionParam(c.req));
  BATTRACE_ASSIGN_OR_RETURN(department, DepartmentParam(c.req));
  BATTRACE_RETURN_IF_ERROR(DateRangeParams(c.req, &filter));
  filter.party = party;
  filter.division = division;
  filter.department = department;
  BATTRACE_ASSIGN_OR_RETURN(sort_index, EnumParam(c.req, "sort", store::kFindingSortNames));
  const auto sort = static_cast<store::FindingSort>(sort_index);
  BATTRACE_ASSIGN_OR_RETURN(csv, WantsCsv(c.req));
  const std::string query = store::CursorQuery("findings", as_of, c.req.query);
  BATTRACE_ASSIGN_OR_RETURN(after, CursorParam(c.req, query, store::KeySize(sort)));
  BATTRACE_ASSIGN_OR_RETURN(limit, LimitParam(c.req));
  BATTRACE_ASSIGN_OR_RETURN(slot, TakeDownload(csv, downloads_, options_.max_downloads, c));
  ScopedReader reader = Reader(c);
  BATTRACE_ASSIGN_OR_RETURN(page, reader.Findings(as_of, filter, sort, csv ? std::nullopt : after,
                                                  csv ? kCsvPiece : limit));
  BATTRACE_RETURN_IF_ERROR(Audited(reader));
  c.res.headers.emplace_back("Content-Language", std::string(LangTag(c.lang)));
  PartyInfos party_info(*c.store);
  if (csv) {
    auto read = [as_of, filter, sort](ScopedReader& r, const std::optional<store::SortKey>& next,
                                      size_t n) {
      return r.Findings(as_of, filter, sort, next, n);
    };
    auto row = [this, lang = c.lang, party_info = std::move(party_info)](const domain::Finding& f,
                                                                         std::string& out) mutable {
      const std::optional<domain::PartyInfo>& info = party_info(f.party);
      std::string evidence;
      for (const std::string& e : f.evidence)
        evidence += (evidence.empty() ? "" : " ") + e;
      AppendCsvRow(out, {f.kind, f.date ? f.date->ToString() : "", f.article, f.party,
                         info ? info->name : "", f.subject, f.due ? f.due->ToString() : "",
                         f.authority.department, f.authority.division, evidence,
                         domain::FindingMessage(f, info, lang),
                         domain::FindingAction(f, &law_.rules, lang), f.detail});
    };
    ReplyCsvList(c, std::move(*slot), "findings-" + as_of.ToString() + ".csv", std::move(reader),
                 {"kind", "date", "article", "party", "party_name", "subject", "due", "department",
                  "division", "evidence", "message", "action", "detail"},
                 std::move(page), read, std::move(row));
    return Status::Ok();
  }
  Json out = store::PageJson(page, limit, query, [&](const domain::Finding& f) {
    return Json(domain::RegulatorFindingJson(f, party_info(f.party), &law_.rules, c.lang));
  });
  out["as_of"] = as_of.ToString();
  Reply(c, out);
  return Status::Ok();
}

Status Api::GetStatsFindings(Call& c) {
  BATTRACE_ASSIGN_OR_RETURN(as_of, AsOf(c.req, c.now));
  BATTRACE_ASSIGN_OR_RETURN(division, DivisionParam(c.req));
  std::optional<DivisionLevel> level;
  if (auto v = StringParam(c.req, "level")) {
    BATTRACE_ASSIGN_OR_RETURN(l, ParseLevel(*v));
    level = l;
  }
  ScopedReader reader = Reader(c);
  BATTRACE_ASSIGN_OR_RETURN(out, FindingStats(reader, as_of, division, level, c.lang));
  BATTRACE_RETURN_IF_ERROR(Audited(reader));
  Reply(c, out);
  c.res.headers.emplace_back("Content-Language", std::string(LangTag(c.lang)));
  return Status::Ok();
}

Status Api::GetStatsTrend(Call& c) {
  BATTRACE_ASSIGN_OR_RETURN(as_of, AsOf(c.req, c.now));
  // By default the twelve months ending with that of as_of.
  Date to = as_of.AddDays(1 - as_of.day());
  if (auto v = StringParam(c.req, "to")) {
    BATTRACE_ASSIGN_OR_RETURN(m, ParseMonth(*v, "to"));
    to = m;
  }
  const int back = to.year() * 12 + to.month() - 1 - 11;
  Date from = Date::FromYmd(back / 12, back % 12 + 1, 1).value_or(to);
  if (auto v = StringParam(c.req, "from")) {
    BATTRACE_ASSIGN_OR_RETURN(m, ParseMonth(*v, "from"));
    from = m;
  }
  std::optional<std::string> kind = StringParam(c.req, "kind");
  if (kind) BATTRACE_RETURN_IF_ERROR(domain::CheckFindingKind(*kind, "kind"));
  BATTRACE_ASSIGN_OR_RETURN(division, DivisionParam(c.req));
  ScopedReader reader = Reader(c);
  BATTRACE_ASSIGN_OR_RETURN(out, FindingTrend(reader, as_of, from, to, kind, division));
  BATTRACE_RETURN_IF_ERROR(Audited(reader));
  Reply(c, out);
  return Status::Ok();
}

Status Api::GetStatsFlows(Call& c) {
  store::FindingFilter range;
  BATTRACE_RETURN_IF_ERROR(DateRangeParams(c.req, &range));
  BATTRACE_ASSIGN_OR_RETURN(division, DivisionParam(c.req));
  ScopedReader reader = Reader(c);
  BATTRACE_ASSIGN_OR_RETURN(out, Flows(reader, range.from, range.to, division));
  BATTRACE_RETURN_IF_ERROR(Audited(reader));
  Reply(c, out);
  return Status::Ok();
}

Status Api::GetObligations(Call& c) {
  BATTRACE_ASSIGN_OR_RETURN(as_of, AsOf(c.req, c.now));
  store::ObligationFilter filter;
  BATTRACE_ASSIGN_OR_RETURN(party, PartyParam(c.req));
  BATTRACE_ASSIGN_OR_RETURN(division, DivisionParam(c.req));
  filter.party = party;
  filter.division = division;
  filter.type = StringParam(c.req, "type");
  for (const char* name : {"due_from", "due_to"}) {
    auto v = StringParam(c.req, name);
    if (!v) continue;
    BATTRACE_ASSIGN_OR_RETURN(d, Date::Parse(*v, name));
    (std::string_view(name) == "due_from" ? filter.due_from : filter.due_to) = d;
  }
  BATTRACE_RETURN_IF_ERROR(domain::CheckObligationFilter(filter.type, "type", filter.due_from,
                                                         filter.due_to, "due_from", "due_to"));
  BATTRACE_ASSIGN_OR_RETURN(sort_index, EnumParam(c.req, "sort", store::kDutySortNames));
  const auto sort = static_cast<store::DutySort>(sort_index);
  BATTRACE_ASSIGN_OR_RETURN(csv, WantsCsv(c.req));
  const std::string query = store::CursorQuery("obligations", as_of, c.req.query);
  BATTRACE_ASSIGN_OR_RETURN(after, CursorParam(c.req, query, store::KeySize(sort)));
  BATTRACE_ASSIGN_OR_RETURN(limit, LimitParam(c.req));
  BATTRACE_ASSIGN_OR_RETURN(slot, TakeDownload(csv, downloads_, options_.max_downloads, c));
  ScopedReader reader = Reader(c);
  BATTRACE_ASSIGN_OR_RETURN(
      page,
      reader.Obligations(as_of, filter, sort, csv ? std::nullopt : after, csv ? kCsvPiece : limit));
  BATTRACE_RETURN_IF_ERROR(Audited(reader));
  if (csv) {
    auto read = [as_of, filter, sort](ScopedReader& r, const std::optional<store::SortKey>& next,
                                      size_t n) {
      return r.Obligations(as_of, filter, sort, next, n);
    };
    auto row = [as_of](const domain::Duty& d, std::string& out) {
      AppendCsvRow(out, {d.due.ToString(), d.due < as_of ? "true" : "false", d.kind, d.duty,
                         d.fulfils, d.article, d.party, d.subject, d.anchor.ToString(),
                         d.authority.department, d.authority.division, d.evidence, d.detail});
    };
    ReplyCsvList(c, std::move(*slot), "obligations-" + as_of.ToString() + ".csv", std::move(reader),
                 {"due", "overdue", "kind", "duty", "fulfils", "article", "party", "subject",
                  "anchor", "department", "division", "evidence", "detail"},
                 std::move(page), read, row);
    return Status::Ok();
  }
  Json out = store::PageJson(page, limit, query, [&](const domain::Duty& d) {
    return Json(domain::DutyToJson(d, as_of));
  });
  out["as_of"] = as_of.ToString();
  Reply(c, out);
  return Status::Ok();
}

}  // namespace battrace::server
