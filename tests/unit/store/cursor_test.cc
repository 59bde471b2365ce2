// The cursors of the paged lists (store/cursor.h), which the API and the CLI share.
#include "store/cursor.h"

#include <gtest/gtest.h>

namespace battrace::store {
namespace {

TEST(Cursor, RoundTripsTheKeyOfItsQuery) {
  const SortKey key = {"late_report", "91350900587527783P", "001PE24…", "", "ab12"};
  const std::string cursor = EncodeCursor("findings\n2026-10-31", key);
  EXPECT_EQ(
      cursor.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
      std::string::npos);
  auto back = DecodeCursor("findings\n2026-10-31", cursor, key.size());
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, key);
}

TEST(Cursor, RefusesAnotherQueryATamperedCursorAndJunk) {
  const SortKey key = {"2026-09-30", "91350900587527783P", "V1", "overdue_report", "24", "x/1"};
  const std::string cursor = EncodeCursor("obligations\n2026-10-31", key);
  const auto refused = [](const Result<SortKey>& r) {
    return !r.ok() && r.status().rule() == "query.cursor" && r.status().field() == "cursor";
  };
  EXPECT_TRUE(refused(DecodeCursor("obligations\n2026-11-30", cursor, key.size())));
  EXPECT_TRUE(refused(DecodeCursor("obligations\n2026-10-31", cursor, key.size() - 1)));
  for (size_t i = 0; i < cursor.size(); ++i) {
    std::string bad = cursor;
    bad[i] = bad[i] == 'A' ? 'B' : 'A';
    EXPECT_TRUE(refused(DecodeCursor("obligations\n2026-10-31", bad, key.size()))) << i;
  }
  for (const char* junk : {"", "=", "abc", "!!!!", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}) {
    EXPECT_TRUE(refused(DecodeCursor("obligations\n2026-10-31", junk, key.size()))) << junk;
  }
  EXPECT_TRUE(refused(
      DecodeCursor("obligations\n2026-10-31", cursor.substr(0, cursor.size() - 2), key.size())));
}

TEST(Cursor, QueryIsTheFiltersByNameWithoutThePageOrForm) {
  const Date as_of = *Date::Parse("2026-10-31", "as_of");
  // The API's request parameters and the CLI's options under the same names give one query;
  // the page (cursor, limit), the form (format) and as_of, said apart, are no part of it.
  EXPECT_EQ(CursorQuery("findings", as_of,
                        {{"sort", "-date"},
                         {"kind", "late_report"},
                         {"cursor", "x"},
                         {"limit", "5"},
                         {"format", "json"},
                         {"as_of", "2026-10-31"}}),
            "findings\n2026-10-31\nkind=late_report\nsort=-date");
  EXPECT_EQ(CursorQuery("obligations", as_of, {}), "obligations\n2026-10-31");
  // Another filter, value or list is another query, whose cursors this one refuses.
  const SortKey key = {"2026-09-30", "91350900587527783P", "V1", "overdue_report", "24", "x/1"};
  const std::string cursor =
      EncodeCursor(CursorQuery("obligations", as_of, {{"party", "91350900587527783P"}}), key);
  EXPECT_TRUE(
      DecodeCursor(CursorQuery("obligations", as_of, {{"party", "91350900587527783P"}}), cursor, 6)
          .ok());
  EXPECT_FALSE(DecodeCursor(CursorQuery("obligations", as_of, {}), cursor, 6).ok());
  EXPECT_FALSE(
      DecodeCursor(CursorQuery("findings", as_of, {{"party", "91350900587527783P"}}), cursor, 6)
          .ok());
}

}  // namespace
}  // namespace battrace::store
