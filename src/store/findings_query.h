// Findings and obligations: the SQL conditions both engines share, and what runs in C++ after
// the rows are read (succession, coverage gaps, filters, order, tallies).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <variant>
#include <vector>

#include "core/date.h"
#include "core/division.h"
#include "domain/registry_index.h"
#include "store/keyset.h"
#include "store/store.h"

namespace battrace::store::common {

// A duty of an enterprise that has a registered successor shows the successor as party, with
// the successor's authority in the same department (Art. 17).
void ShowSuccessor(const domain::RegistryIndex& registry, std::string& party,
                   domain::Authority& authority);

// The codes inside a division are those in [low, high): division codes are digits, so the
// codes starting with the division's prefix p are those in [p, p + ":").
struct DivisionRange {
  std::string low, high;
};
// Of a division code as stored (a sale's division), whether or not it is in the list.
DivisionRange RangeOfCode(std::string_view code);

// The finding for a sale with no outlet of the maker covering its division as of `as_of`; the
// sale was recorded at `known_from`.
domain::Finding CoverageGap(const domain::Sale& sale, Instant known_from,
                            const domain::RegistryIndex& registry, Date as_of);

// Parses a division filter (a code in the list; "000000" is the nation, containing every code).
Result<std::optional<Division>> Within(const std::optional<std::string>& division);

// The bounds of a FindingFilter's date range as the store queries bind them (NULL: unbounded):
// [the start of `from`, the end of `to`) in Beijing time, as instants, for the moment a finding
// or sale was recorded; `from` and `to` as YYYY-MM-DD for due dates.
struct FindingRange {
  std::optional<int64_t> start, end;
  std::optional<std::string> first_day, last_day;
};
FindingRange RangeOf(const FindingFilter& filter);

// Counts findings into groups (Store::TallyFindings) from the rows each engine groups in SQL,
// with the filters and the succession that Store::Findings applies to the rows it lists.
class FindingTallier {
 public:
  FindingTallier(const domain::RegistryIndex& registry, const FindingFilter& filter,
                 std::optional<Division> within, bool by_month);
  // Recorded findings of one kind, authority division and month ("" when not by month); the
  // query has applied the party filter already (recorded findings keep their party).
  void Recorded(const std::string& kind, const std::string& division, const std::string& month,
                uint64_t count);
  // Overdue duties of one kind, party and authority as stored, due in `month` ("YYYY-MM").
  void Overdue(const std::string& kind, std::string party, domain::Authority authority,
               const std::string& month, uint64_t count);
  // A sale that no outlet of its maker covers as of `as_of`, first recorded at `known_from`.
  void Gap(const domain::Sale& sale, Instant known_from, Date as_of);
  std::vector<FindingTally> Take();

 private:
  void Add(const std::string& kind, const std::string* party, const std::string& division,
           const std::string& month, uint64_t count);

  const domain::RegistryIndex& registry_;
  const FindingFilter& filter_;
  std::optional<Division> within_;
  bool by_month_;
  std::map<std::tuple<std::string, std::string, std::string>, uint64_t> groups_;
};

// Sums the batteries of battery.outbound reports by sender and receiver (Store::TallyHandovers)
// from their bodies, which the engines read decoded (store/stored_body.h): SQL cannot look into
// a compressed body.
class HandoverTallier {
 public:
  // Counts the report's `codes` under (reporter, `to`); Corruption naming the leaf when its body
  // is not an outbound report's.
  Status Add(const StoredReport& outbound);
  // One entry per (sender, receiver), by sender and receiver.
  std::vector<HandoverTally> Take();

 private:
  std::map<std::pair<std::string, std::string>, uint64_t> batteries_;
};

// The condition on a sale (columns of `sale s`) that no outlet of its maker, registered before
// the instant `at` and not closed before it, lies in its division (RangeOfCode, in SQL).
std::string SaleUncoveredAt(const std::string& at);
// The known_from of the latest sale recorded before the instant `at` and not retracted before
// it, NULL without one: no coverage gap is dated after its day. The sales are few (one per
// maker and division), and read whole.
std::string LastSaleSql(const std::string& at);

// The overdue duties' tally (Store::TallyFindings): of the duties open at the instant bound as
// `at` (opened before it, neither discharged nor retracted before it) and narrowed by `extra`,
// kind, party, authority, month due and COUNT(*), counted by day due. In three parts, so that
// each uses an index: the duties open now, read from `open_rows` (the obligation table, with the
// index an engine should be told to use: obligation_open_tally, in whose order they are counted
// without a sort), and those closed at or after `at` (partial indexes on discharged_at and on
// retracted_at). A duty is discharged or retracted, never both: both updates touch open duties
// only. A group may come from more than one part: the caller adds them up.
std::string OverdueTallySql(const std::string& open_rows, const std::string& at,
                            const std::string& extra);

// The lists' reads (Store::Findings, Store::Obligations). Each source of a list (recorded
// findings, duties, coverage gaps) is read in SQL in the order of the list's sort key, from the
// group of the key the page starts after, and only as far as the page needs; the sources are
// merged and the page cut in C++ (FindingsPage, ObligationsPage). A group is the leading
// fields of the sort key that SQL orders by (kind, party, subject; a recorded finding's date;
// an overdue duty's date, kind, party, subject; due, party, subject): rows of one group are
// read together, so the fields that follow, and the digest that tells findings apart
// (store/keyset.h), are compared in C++ only.
enum class ListQuery {
  kFindingsByKind,      // recorded findings, by (kind, party, subject)
  kFindingsByDate,      // by known_from, which orders their dates
  kFindingsByDateDesc,  // the same, latest first
  kDutiesByKind,        // duties, by (kind, party, subject): overdue duties as findings
  kDutiesByDate,        // by (due, kind, party, subject): an overdue duty's date first
  kDutiesByDateDesc,
  kDutiesByDue,  // by (due, party, subject): the obligations list
  kDutiesByDueDesc,
  // The kind and due orders again, for a filter on one party or (by kind) on one department:
  // the statement names the column with `=`, so that an index led by it (migration 13) reads
  // that party's or department's rows alone, in the order.
  kFindingsByKindOfParty,
  kFindingsByKindOfDepartment,
  kDutiesByKindOfParty,
  kDutiesByKindOfDepartment,
  kDutiesByDueOfParty,
  kDutiesByDueDescOfParty,
};
inline constexpr ListQuery kListQueries[] = {
    ListQuery::kFindingsByKind,        ListQuery::kFindingsByDate,
    ListQuery::kFindingsByDateDesc,    ListQuery::kDutiesByKind,
    ListQuery::kDutiesByDate,          ListQuery::kDutiesByDateDesc,
    ListQuery::kDutiesByDue,           ListQuery::kDutiesByDueDesc,
    ListQuery::kFindingsByKindOfParty, ListQuery::kFindingsByKindOfDepartment,
    ListQuery::kDutiesByKindOfParty,   ListQuery::kDutiesByKindOfDepartment,
    ListQuery::kDutiesByDueOfParty,    ListQuery::kDutiesByDueDescOfParty};
// The query that reads `order` (one of the first eight) for a filter on a party (`party`) or a
// department (`department`): the variant led by the party's column when there is one, else by
// the department's, else `order` itself.
ListQuery LedQuery(ListQuery order, bool party, bool department);
// A statement name for each (PostgreSQL prepares statements by name).
std::string ListQueryName(ListQuery query);

// The SQL of `query` in an engine's syntax: `param(n, type)` spells the n-th parameter (from 1)
// of SQL type "text" or "bigint". A findings query selects kFindingColumns and known_from, a
// duties query kDutyColumns (store/columns.h).
std::string ListSql(ListQuery query,
                    const std::function<std::string(int, std::string_view)>& param);

// A parameter of a list query, text or integer, NULL when absent; the engines bind each as
// their Bind / Add overloads take it.
using ListParam = std::variant<std::optional<std::string>, std::optional<int64_t>>;

// What an engine provides to the lists.
struct ListReads {
  const domain::RegistryIndex* registry = nullptr;
  // The rows of a findings query (each with its date set from known_from) or of a duties query.
  std::function<Result<std::vector<domain::Finding>>(ListQuery, const std::vector<ListParam>&)>
      findings;
  std::function<Result<std::vector<domain::Duty>>(ListQuery, const std::vector<ListParam>&)> duties;
  // The sales that no outlet of their maker covers at `end` (SaleUncoveredAt), narrowed by the
  // filter's department and date range, each with the instant it was recorded.
  std::function<Result<std::vector<std::pair<domain::Sale, Instant>>>(Instant end,
                                                                      const FindingFilter&)>
      uncovered;
  // When the latest sale recorded before `end` and not retracted by then was recorded
  // (LastSaleSql); nullopt without one.
  std::function<Result<std::optional<Instant>>(Instant end)> last_sale;
};

// The page of Store::Findings / Store::Obligations from the engine's reads.
Result<Page<domain::Finding>> FindingsPage(const ListReads& reads, Date as_of,
                                           const FindingFilter& filter, FindingSort sort,
                                           const std::optional<SortKey>& after, size_t limit);
Result<Page<domain::Duty>> ObligationsPage(const ListReads& reads, Date as_of,
                                           const ObligationFilter& filter, DutySort sort,
                                           const std::optional<SortKey>& after, size_t limit);

}  // namespace battrace::store::common
