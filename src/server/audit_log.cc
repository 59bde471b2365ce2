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
  ++queued_requests_;
  const uint64_t mine = queued_batch_;
  wake_.notify_one();
  done_.wait(lock, [&] { return written_batch_ >= mine; });
  auto failed = failed_.find(mine);
  if (failed == failed_.end()) return Status::Ok();
  Status error = failed->second.error;
  if (--failed->second.waiting == 0) failed_.erase(failed);
  return error;
}

void AuditLog::Run() {
  std::unique_lock lock(mu_);
  for (;;) {
    wake_.wait(lock, [&] { return stop_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, nothing left
    std::vector<store::AuditEntry> batch;
    batch.swap(queue_);
    const size_t requests = queued_requests_;
    queued_requests_ = 0;
    const uint64_t id = queued_batch_++;
    lock.unlock();
    Status st = store_->AppendAudit(batch);
    lock.lock();
    written_batch_ = id;
    if (!st.ok()) failed_[id] = Failure{st, requests};
    done_.notify_all();
  }
}

}  // namespace battrace::server
