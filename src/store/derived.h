// The derived tables `verify --replay` compares, the same on both engines.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace battrace::store::common {

// The derived tables `verify --replay` compares (Store::ScanDerived): each with one query, the
// same on both engines, reading every column but generated ids as text (NULL kept) in a
// canonical order (text byte by byte, numbers by value, NULL first).
struct DerivedTable {
  std::string name;
  std::string query;
  int columns = 0;
};
const std::vector<DerivedTable>& DerivedTables();
const DerivedTable* FindDerivedTable(std::string_view name);
// A row of a derived table in canonical form: a JSON array of strings and nulls.
std::string CanonicalRow(const std::vector<std::optional<std::string>>& values);
template <typename Row>
std::string CanonicalRowOf(const Row& row, int columns) {
  std::vector<std::optional<std::string>> values;
  values.reserve(columns);
  for (int c = 0; c < columns; ++c)
    values.push_back(row.OptText(c));
  return CanonicalRow(values);
}

}  // namespace battrace::store::common
