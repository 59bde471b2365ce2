// The server's audit writer: route handlers hand it the audit entries of the protected reads
// they are about to answer, and wait until the entries are durable before sending the data.
// Entries of concurrent requests are grouped into one store transaction (group commit), so
// auditing costs a request one shared fsync, not one of its own.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "core/status.h"
#include "store/store.h"

namespace battrace::server {

class AuditLog {
 public:
  // `store`: a connection of its own, used by the writer thread only.
  explicit AuditLog(std::unique_ptr<store::Store> store);
  ~AuditLog();  // writes what is queued, then stops

  // Appends the entries and returns once they are durable (or the write failed).
  Status Append(std::vector<store::AuditEntry> entries);

 private:
  void Run();

  std::unique_ptr<store::Store> store_;
  std::mutex mu_;
  std::condition_variable wake_, done_;
  std::vector<store::AuditEntry> queue_;
  uint64_t queued_batch_ = 1;   // the batch the queue will be written in
  uint64_t written_batch_ = 0;  // the last batch written
  Status last_error_;
  uint64_t failed_batch_ = 0;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace battrace::server
