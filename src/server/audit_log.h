// The server's audit writer: route handlers hand it the audit entries of the protected reads
// they are about to answer, and wait until the entries are durable before sending the data.
// Entries of concurrent requests are grouped into one store transaction (group commit), so
// auditing costs a request one shared fsync, not one of its own.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <map>
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

  // Appends the entries and returns once they are durable, or with the store's error when the
  // group they were written in failed: then they are not retried, and the caller refuses the
  // request rather than send the data unaudited. The error of a failed group reaches every
  // request of that group, however late its thread wakes (later groups do not hide it).
  Status Append(std::vector<store::AuditEntry> entries);

 private:
  void Run();

  std::unique_ptr<store::Store> store_;
  std::mutex mu_;
  std::condition_variable wake_, done_;
  std::vector<store::AuditEntry> queue_;
  uint64_t queued_batch_ = 1;   // the batch the queue will be written in
  uint64_t written_batch_ = 0;  // the last batch written
  size_t queued_requests_ = 0;  // the requests whose entries are in the queue
  // The failed batches whose requests have not all returned: the error, and how many have not.
  struct Failure {
    Status error;
    size_t waiting = 0;
  };
  std::map<uint64_t, Failure> failed_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace battrace::server
