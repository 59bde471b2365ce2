#include "store/sqlite/wal_checkpointer.h"

namespace battrace::sqlite {

Result<std::unique_ptr<WalCheckpointer>> WalCheckpointer::Start(const std::string& path) {
  BATTRACE_ASSIGN_OR_RETURN(db, Db::Open(path, false));
  // The same durability as the writer: a checkpoint fsyncs the database file before the WAL
  // may be reused.
  BATTRACE_RETURN_IF_ERROR(db.Exec("PRAGMA synchronous=FULL"));
  std::unique_ptr<WalCheckpointer> c(new WalCheckpointer(std::move(db)));
  c->thread_ = std::thread([p = c.get()] { p->Run(); });
  return c;
}

WalCheckpointer::~WalCheckpointer() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_one();
  thread_.join();
}

void WalCheckpointer::Poke() {
  {
    std::lock_guard lock(mu_);
    pending_ = true;
  }
  cv_.notify_one();
}

void WalCheckpointer::Run() {
  std::unique_lock lock(mu_);
  while (true) {
    cv_.wait(lock, [&] { return pending_ || stop_; });
    if (stop_) return;
    pending_ = false;
    lock.unlock();
    // SQLITE_BUSY (another checkpoint running) and I/O errors leave the frames in the WAL, where
    // they stay durable; the next poke, or the writer's own fallback checkpoint, copies them.
    (void)sqlite3_wal_checkpoint_v2(db_.raw(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr,
                                    nullptr);
    lock.lock();
  }
}

}  // namespace battrace::sqlite
