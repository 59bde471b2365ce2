// The server's reader connections: opened on demand and reused, at most one per concurrent
// request. The one writer connection and the audit writer's connection are not pooled: Serve
// opens them (server.cc). A server with a standby (`serve --pg-read`) has two pools: the
// primary's and the standby's, whose connections are read-only.
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
  // `clock`: the connections' clock (store::OpenOptions::clock); not owned. `read_only`: the
  // connections write nothing, not even a migration (store::OpenOptions::read_only), as a hot
  // standby requires.
  StorePool(store::Location where, const Clock* clock, bool read_only = false)
      : where_(std::move(where)), clock_(clock), read_only_(read_only) {}

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
  bool read_only_;
  std::mutex mu_;
  std::vector<std::unique_ptr<store::Store>> idle_;
};

}  // namespace battrace::server
