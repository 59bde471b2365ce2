// Copies committed WAL frames into the database file on a thread of its own.
//
// With SQLite's automatic checkpoints, the COMMIT that crosses the WAL threshold also copies the
// WAL into the database file and fsyncs it, on the writer's thread. A store that writes hands
// that work to a WalCheckpointer instead: after each commit the writer pokes it, and it runs a
// PASSIVE checkpoint on a second connection while the writer goes on with the next batch. A
// PASSIVE checkpoint never blocks the writer; frames it could not copy are copied next time, and
// the WAL restarts from its beginning once a checkpoint has caught up.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/status.h"
#include "store/sqlite/sqlite.h"

namespace battrace::sqlite {

class WalCheckpointer {
 public:
  // Opens a second connection to the database at `path` and starts the thread.
  static Result<std::unique_ptr<WalCheckpointer>> Start(const std::string& path);
  // Stops the thread after the checkpoint it is running, if any.
  ~WalCheckpointer();

  // Asks for a checkpoint soon (after a commit). Never blocks on I/O.
  void Poke();

 private:
  explicit WalCheckpointer(Db db) : db_(std::move(db)) {}
  void Run();

  Db db_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool pending_ = false;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace battrace::sqlite
