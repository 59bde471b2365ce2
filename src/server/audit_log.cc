#include "server/audit_log.h"

namespace battrace::server {

AuditLog::AuditLog(std::unique_ptr<store::Store> store)
    : store_(std::move(store)), thread_([this] { Run(); }) {}

AuditLog::~AuditLog() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

Status AuditLog::Append(std::vector<store::AuditEntry> entries) {
  if (entries.empty()) return Status::Ok();
  std::unique_lock lock(mu_);
  for (auto& e : entries)
    queue_.push_back(std::move(e));
  const uint64_t mine = queued_batch_;
  wake_.notify_one();
  done_.wait(lock, [&] { return written_batch_ >= mine; });
  return failed_batch_ == mine ? last_error_ : Status::Ok();
}

void AuditLog::Run() {
  std::unique_lock lock(mu_);
  for (;;) {
    wake_.wait(lock, [&] { return stop_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, nothing left
    std::vector<store::AuditEntry> batch;
    batch.swap(queue_);
    const uint64_t id = queued_batch_++;
    lock.unlock();
    Status st = store_->AppendAudit(batch);
    lock.lock();
    written_batch_ = id;
    if (!st.ok()) {
      failed_batch_ = id;
      last_error_ = st;
    }
    done_.notify_all();
  }
}

}  // namespace battrace::server
