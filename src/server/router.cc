#include "server/router.h"

#include <algorithm>

namespace battrace::server {
namespace {

std::vector<std::string> Split(const std::string& path) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    const size_t j = std::min(path.find('/', i), path.size());
    out.push_back(path.substr(i, j - i));
    i = j;
  }
  // A trailing slash is a different path: "/v1/batteries/" is not "/v1/batteries".
  if (!path.empty() && path.back() == '/' && path.size() > 1) out.emplace_back();
  return out;
}

}  // namespace

size_t Router::Add(std::string method, std::string pattern) {
  segments_.push_back(Split(pattern));
  routes_.push_back({std::move(method), std::move(pattern)});
  return routes_.size() - 1;
}

bool Router::Matches(const std::vector<std::string>& pattern, const std::vector<std::string>& path,
                     std::map<std::string, std::string>* params) {
  const bool rest = !pattern.empty() && pattern.back().size() > 5 &&
                    pattern.back().ends_with("...}") && pattern.back().front() == '{';
  if (rest ? path.size() < pattern.size() : pattern.size() != path.size()) return false;
  params->clear();
  for (size_t i = 0; i < pattern.size(); ++i) {
    const std::string& p = pattern[i];
    if (rest && i + 1 == pattern.size()) {
      if (path[i].empty()) return false;
      std::string joined = path[i];
      for (size_t j = i + 1; j < path.size(); ++j)
        joined += "/" + path[j];
      (*params)[p.substr(1, p.size() - 5)] = std::move(joined);
    } else if (p.size() > 2 && p.front() == '{' && p.back() == '}') {
      if (path[i].empty()) return false;
      (*params)[p.substr(1, p.size() - 2)] = path[i];
    } else if (p != path[i]) {
      return false;
    }
  }
  return true;
}

RouteMatch Router::Find(const std::string& method, const std::string& path) const {
  RouteMatch out;
  if (path.empty() || path.front() != '/') return out;
  const std::vector<std::string> parts = Split(path);
  const std::string& wanted = method == "HEAD" ? std::string("GET") : method;
  std::map<std::string, std::string> params;
  for (size_t r = 0; r < routes_.size(); ++r) {
    if (!Matches(segments_[r], parts, &params)) continue;
    if (routes_[r].method == wanted) {
      out.route = r;
      out.params = std::move(params);
      out.allowed.clear();
      return out;
    }
    if (std::find(out.allowed.begin(), out.allowed.end(), routes_[r].method) == out.allowed.end())
      out.allowed.push_back(routes_[r].method);
  }
  return out;
}

}  // namespace battrace::server
