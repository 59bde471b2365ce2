// The server's reader connections: opened on demand and reused, at most one per concurrent
// request. The one writer connection and the audit writer's connection are not pooled: Serve
// opens them (server.cc).
#pragma once

#include <memory>
#include <mutex>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "store/open.h"

namespace battrace::server {

class StorePool {
 public:
  // `clock`: the connections' clock (store::OpenOptions::clock); not owned.
  StorePool(store::Location where, const Clock* clock) : where_(std::move(where)), clock_(clock) {}

  // A connection lent for one request; it goes back to the pool when the lease ends.
  class Lease {
   public:
    Lease(StorePool* pool, std::unique_ptr<store::Store> store)
        : pool_(pool), store_(std::move(store)) {}
    Lease(Lease&&) = default;
    ~Lease() {
      if (store_) pool_->Return(std::move(store_));
    }
    store::Store& operator*() { return *store_; }

   private:
    StorePool* pool_;
    std::unique_ptr<store::Store> store_;
  };

  // The options of a reader connection: a small page cache of its own. There is one reader per
  // concurrent request, and their caches, not the connections, made the server's memory
  // (bench/api: 680 MiB with 256 MiB each); the operating system's page cache, shared by all,
  // holds the store's hot pages.
  store::OpenOptions ReaderOptions() const;

  // An idle connection, else a new one.
  Result<Lease> Get();

 private:
  void Return(std::unique_ptr<store::Store> s);

  store::Location where_;
  const Clock* clock_;
  std::mutex mu_;
  std::vector<std::unique_ptr<store::Store>> idle_;
};

}  // namespace battrace::server
