// Matches a request's method and path against the API's route table. Patterns are literal
// segments and "{name}" placeholders, each matching one non-empty segment; the last segment may
// be a catch-all "{name...}", matching the rest of the path (one or more segments, the first
// non-empty) with its slashes: "/assets/{path...}" gives path "js/main.mjs" for
// "/assets/js/main.mjs". A path no pattern matches is 404; a path matched only under other
// methods is 405 with those methods.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace battrace::server {

struct Route {
  std::string method;   // "GET", "POST"
  std::string pattern;  // "/v1/batteries/{code}"
  std::string Label() const { return method + " " + pattern; }
};

struct RouteMatch {
  std::optional<size_t> route;                // the matched route's index
  std::map<std::string, std::string> params;  // placeholder values
  std::vector<std::string> allowed;           // for a 405: the methods the path has
};

class Router {
 public:
  // Returns the route's index (routes are numbered in the order added).
  size_t Add(std::string method, std::string pattern);
  RouteMatch Find(const std::string& method, const std::string& path) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  static bool Matches(const std::vector<std::string>& pattern, const std::vector<std::string>& path,
                      std::map<std::string, std::string>* params);
  std::vector<Route> routes_;
  std::vector<std::vector<std::string>> segments_;
};

}  // namespace battrace::server
