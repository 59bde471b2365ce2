// The reader pool: a stack of idle connections under one lock.
#include "server/store_pool.h"

namespace battrace::server {
namespace {

constexpr int64_t kReaderCacheMib = 16;  // SQLite page cache of each reader connection

}  // namespace

store::OpenOptions StorePool::ReaderOptions() const {
  store::OpenOptions o;
  o.cache_mib = kReaderCacheMib;
  o.clock = clock_;
  o.read_only = read_only_;
  return o;
}

Result<StorePool::Lease> StorePool::Get() {
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      auto s = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(s));
    }
  }
  BATTRACE_ASSIGN_OR_RETURN(s, store::OpenStore(where_, ReaderOptions()));
  return Lease(this, std::move(s));
}

void StorePool::Return(std::unique_ptr<store::Store> s) {
  std::lock_guard lock(mu_);
  idle_.push_back(std::move(s));
}

}  // namespace battrace::server
