// The HTTP/1.1 transport of `battrace serve` on Boost.Beast and Asio (http.h). One io_context
// run by `threads` threads; each connection is a Session on a strand of its own, going
// through: wait for a request (idle keep-alive timeout) → read the head (total head deadline,
// byte and field caps) → admission of a request with a body → read the body (total body
// deadline, body cap as it arrives) → the handler → write the response (write deadline; a
// streamed one piece by piece, each under it) → the next request. The admission and the handler
// run on the thread that completed the read: a request costs no hand-over between threads (each
// one costs a wake-up, as much as a lookup), and a blocked handler holds one thread of the pool,
// never a connection's neighbours. Deadlines
// are a timer per session that cancels the socket's pending operation; a refusal of the transport
// is answered (problem body from the ErrorBody callback) and the connection closed, after draining
// briefly what the client was still sending so that it reads the answer rather than a reset.
#include "server/http.h"

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include "server/http_head.h"

namespace battrace::server {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;
using error_code = boost::system::error_code;

const std::string& HttpRequest::Header(const std::string& lower_name) const {
  static const std::string kEmpty;
  auto it = headers.find(lower_name);
  return it == headers.end() ? kEmpty : it->second;
}

namespace {

// How long, and how much, a refused connection is drained after its answer before it closes.
constexpr auto kLinger = std::chrono::seconds(1);
constexpr size_t kLingerBytes = size_t{256} << 10;
// File descriptors kept for other uses than connections: logs, the key, the listening socket,
// and kFilesPerWorker for each worker's store connection.
constexpr uint64_t kReservedFiles = 128;
// The files one store connection may hold open: the store file, its WAL and shared memory, and
// the same three of the audit trail's file, which every embedded connection attaches.
constexpr uint64_t kFilesPerWorker = 6;
// The answer's Retry-After for a connection over a cap, seconds.
constexpr int kRetryAfterSeconds = 1;

}  // namespace

class Connection;

struct HttpServer::Impl : std::enable_shared_from_this<HttpServer::Impl> {
  Impl(const HttpOptions& o, Callbacks c)
      : options(o),
        callbacks(std::move(c)),
        ioc(static_cast<int>(std::max<size_t>(o.threads, 1))),
        acceptor(net::make_strand(ioc)),
        max_connections(o.max_connections) {}

  HttpOptions options;
  Callbacks callbacks;
  net::io_context ioc;
  std::optional<net::ssl::context> tls;
  tcp::acceptor acceptor;
  size_t max_connections;
  uint64_t open_files = 0;
  std::atomic<bool> stopping{false};

  std::mutex mu;  // guards what follows
  size_t open = 0;
  std::unordered_map<std::string, size_t> per_address;
  uint64_t next_id = 0;
  std::unordered_map<uint64_t, std::weak_ptr<Connection>> connections;

  // Counts a new connection from `address` against the caps: nullopt when it fits (counted,
  // its id in *id), else why it does not (not counted).
  std::optional<std::string> Admit(const std::string& address, uint64_t* id) {
    std::lock_guard lock(mu);
    if (open >= max_connections) {
      return "the server holds its maximum of " + std::to_string(max_connections) +
             " connections: retry later";
    }
    size_t& mine = per_address[address];
    if (mine >= options.max_connections_per_address) {
      return address + " holds its maximum of " +
             std::to_string(options.max_connections_per_address) + " connections: retry later";
    }
    ++mine;
    ++open;
    *id = ++next_id;
    return std::nullopt;
  }
  void Release(const std::string& address, uint64_t id) {
    std::lock_guard lock(mu);
    connections.erase(id);
    --open;
    auto it = per_address.find(address);
    if (it != per_address.end() && --it->second == 0) per_address.erase(it);
  }

  void Accept();
  void OnAccept(const error_code& ec, tcp::socket socket);
  net::steady_timer retry_accept{acceptor.get_executor()};  // on the acceptor's strand
};

// The part of a session the server reaches from outside its strand: stopping it.
class Connection {
 public:
  virtual ~Connection() = default;
  // Posted on the session's strand by HttpServer::Stop.
  virtual void Shutdown() = 0;
};

namespace {

template <class Stream>
class Session : public Connection, public std::enable_shared_from_this<Session<Stream>> {
 public:
  // `id` 0: a connection over a cap, answered 503 (`refusal` says why) and closed.
  Session(std::shared_ptr<HttpServer::Impl> server, Stream stream, std::string remote, uint64_t id,
          std::optional<std::string> refusal)
      : server_(std::move(server)),
        options_(server_->options),
        stream_(std::move(stream)),
        remote_(std::move(remote)),
        id_(id),
        refusal_(std::move(refusal)),
        deadline_(stream_.get_executor()) {}

  ~Session() override {
    if (id_ != 0) server_->Release(remote_, id_);
  }

  void Start() {
    Arm(options_.head_timeout_s);
    if constexpr (kTls) {
      stream_.async_handshake(net::ssl::stream_base::server,
                              [self = this->shared_from_this()](const error_code& ec) {
                                if (ec) return self->Close();
                                self->Begin();
                              });
    } else {
      Begin();
    }
  }

  void Shutdown() override {
    net::post(stream_.get_executor(), [self = this->shared_from_this()] {
      self->stop_ = true;
      // A connection waiting for a request, or in the middle of its head, has nothing in
      // flight: close it. The others finish their request and close after the answer.
      if (self->phase_ == Phase::kIdle || self->phase_ == Phase::kHead) self->Cancel();
    });
  }

 private:
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;
  enum class Phase { kIdle, kHead, kAdmission, kBody, kHandler, kWrite, kLinger };

  tcp::socket& Socket() { return beast::get_lowest_layer(stream_).socket(); }
  void Cancel() {
    error_code ignored;
    Socket().cancel(ignored);
  }

  // A deadline for what follows: when it passes, the pending operation is cancelled and
  // timed_out_ tells its completion why. Arming only moves deadline_at_: the one timer of the
  // session is restarted only when it would fire later than the new deadline, so a request
  // costs no timer operation (it takes microseconds; deadlines are seconds).
  void Arm(int seconds) {
    timed_out_ = false;
    deadline_at_ = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    if (!timer_waiting_ || deadline_.expiry() > deadline_at_) Wait();
  }
  void Disarm() { deadline_at_ = std::chrono::steady_clock::time_point::max(); }
  void Wait() {
    timer_waiting_ = true;
    const uint64_t wait = ++generation_;
    deadline_.expires_at(deadline_at_);
    deadline_.async_wait([self = this->shared_from_this(), wait](const error_code& ec) {
      if (ec || wait != self->generation_) return;  // replaced by a later Wait, or closed
      self->timer_waiting_ = false;
      if (self->deadline_at_ == std::chrono::steady_clock::time_point::max()) return;
      if (std::chrono::steady_clock::now() < self->deadline_at_) return self->Wait();
      self->timed_out_ = true;
      self->Cancel();
    });
  }

  void Begin() {
    if (refusal_) {
      return Refuse({503, *refusal_, remote_});
    }
    ReadHead();  // the head deadline runs from the connection (and covers the handshake)
  }

  // Between requests: waits for the first byte of the next one, at most the keep-alive time.
  void WaitRequest() {
    phase_ = Phase::kIdle;
    if (stop_) return Close();
    if (buffer_.size() > 0) {
      Arm(options_.head_timeout_s);
      return ReadHead();
    }
    Arm(options_.keep_alive_timeout_s);
    stream_.async_read_some(buffer_.prepare(4096),
                            [self = this->shared_from_this()](const error_code& ec, size_t n) {
                              if (ec || self->stop_) return self->Close();
                              self->buffer_.commit(n);
                              self->Arm(self->options_.head_timeout_s);
                              self->ReadHead();
                            });
  }

  void ReadHead() {
    phase_ = Phase::kHead;
    if (stop_) return Close();
    parser_.emplace();
    LimitParser(*parser_, options_);
    bhttp::async_read_header(
        stream_, buffer_, *parser_,
        [self = this->shared_from_this()](const error_code& ec, size_t) { self->OnHead(ec); });
  }

  void OnHead(const error_code& ec) {
    Disarm();
    if (ec) {
      if (timed_out_) {
        return Refuse({408,
                       "the request head did not arrive within " +
                           std::to_string(options_.head_timeout_s) + " s",
                       remote_});
      }
      if (stop_ || IsDisconnect(ec)) return Close();
      return Refuse(ParseRefusal(ec, options_, false, remote_));
    }
    const auto& head = parser_->get();
    auto accepted = AcceptHead(head, options_, remote_);
    if (auto* refusal = std::get_if<TransportError>(&accepted)) return Refuse(*refusal);
    keep_alive_ = head.keep_alive();
    version_ = head.version();
    HttpRequest req = std::get<HttpRequest>(std::move(accepted));
    if (parser_->is_done()) return Dispatch(req);
    if (!server_->callbacks.admit) return ReadBody(std::move(req));
    // Admitted or refused on the head alone, whatever length it declares.
    phase_ = Phase::kAdmission;
    HttpResponse res;
    const bool answered = Guarded(res, [&] { return server_->callbacks.admit(req, res); });
    if (answered) return Respond(std::move(res), true, true);
    ReadBody(std::move(req));
  }

  void ReadBody(HttpRequest req) {
    if (auto refusal = LimitBody(*parser_, options_, remote_)) return Refuse(*refusal);
    phase_ = Phase::kBody;
    Arm(options_.body_timeout_s);
    bhttp::async_read(
        stream_, buffer_, *parser_,
        [self = this->shared_from_this(), req = std::move(req)](const error_code& ec,
                                                                size_t) mutable {
          self->Disarm();
          if (ec) {
            if (self->timed_out_) {
              return self->Refuse({408,
                                   "the request body did not arrive within " +
                                       std::to_string(self->options_.body_timeout_s) + " s",
                                   self->remote_});
            }
            if (IsDisconnect(ec)) return self->Close();
            return self->Refuse(ParseRefusal(ec, self->options_, true, self->remote_));
          }
          req.body = std::move(self->parser_->get().body());
          req.admitted = static_cast<bool>(self->server_->callbacks.admit);
          self->Dispatch(req);
        });
  }

  // Runs `call` (a callback of the server's) so that an exception becomes a 500.
  template <class F>
  bool Guarded(HttpResponse& res, F call) {
    try {
      return call();
    } catch (...) {
      res = HttpResponse{};
      res.status = 500;
      server_->callbacks.error_body({500, "the server failed", remote_}, res);
      res.status = 500;
      return true;
    }
  }

  void Dispatch(const HttpRequest& req) {
    phase_ = Phase::kHandler;
    parser_.reset();
    HttpResponse res;
    Guarded(res, [&] {
      server_->callbacks.handle(req, res);
      return true;
    });
    Respond(std::move(res), false, false);
  }

  // A refusal of the transport: the problem body from the server, and the connection closes,
  // after draining what the client still sends (but for a client too slow to send at all).
  void Refuse(const TransportError& error) {
    HttpResponse res;
    res.status = error.status;
    if (error.status == 503) {
      res.headers.emplace_back("Retry-After", std::to_string(kRetryAfterSeconds));
    }
    server_->callbacks.error_body(error, res);
    res.status = error.status;
    Respond(std::move(res), true, error.status != 408);
  }

  // The head of `in`, in the request's version, kept alive when `keep`.
  template <typename Body>
  void SetHead(const HttpResponse& in, bool keep, bhttp::response<Body>& res) const {
    res.version(version_ == 10 ? 10 : 11);
    res.result(static_cast<unsigned>(in.status));
    res.set(bhttp::field::content_type, in.content_type);
    for (const auto& [name, value] : in.headers)
      res.insert(name, value);
    res.keep_alive(keep);
  }

  void Respond(HttpResponse in, bool close, bool linger) {
    phase_ = Phase::kWrite;
    ++served_;
    // An HTTP/1.0 client learns the end of a streamed response by the end of the connection.
    const bool keep = !close && keep_alive_ && !stop_ && served_ < options_.keep_alive_max &&
                      !server_->stopping && !(in.stream && version_ == 10);
    if (in.stream) return RespondStreamed(std::move(in), keep);
    response_.emplace();
    auto& res = *response_;
    SetHead(in, keep, res);
    res.body() = std::move(in.body);
    res.prepare_payload();
    Arm(options_.write_timeout_s);
    bhttp::async_write(
        stream_, res,
        [self = this->shared_from_this(), keep, linger](const error_code& ec, size_t) {
          self->Disarm();
          self->response_.reset();
          if (ec) return self->Close();
          if (keep) return self->WaitRequest();
          if (linger) return self->Linger();
          self->Close();
        });
  }

  // A response in pieces (HttpResponse::stream): the head without a length, then `body` and each
  // piece the producer gives, one written before the next is asked for, then the final chunk.
  void RespondStreamed(HttpResponse in, bool keep) {
    head_.emplace();
    auto& res = *head_;
    SetHead(in, keep, res);
    if (version_ != 10) res.chunked(true);
    producer_ = std::move(in.stream);
    piece_ = std::move(in.body);
    head_writer_.emplace(res);
    Arm(options_.write_timeout_s);
    bhttp::async_write_header(
        stream_, *head_writer_,
        [self = this->shared_from_this(), keep](const error_code& ec, size_t) {
          self->Disarm();
          self->head_writer_.reset();
          self->head_.reset();
          if (ec) return self->Close();
          if (self->piece_.empty()) return self->NextPiece(keep);
          self->WritePiece(keep, true);
        });
  }

  // Writes piece_ (a chunk, or raw bytes to an HTTP/1.0 client); then the next piece, or the end
  // when the producer said this one was the last (`more` false).
  void WritePiece(bool keep, bool more) {
    Arm(options_.write_timeout_s);
    auto written = [self = this->shared_from_this(), keep, more](const error_code& ec, size_t) {
      self->Disarm();
      if (ec) return self->Close();
      if (more) return self->NextPiece(keep);
      self->EndStreamed(keep);
    };
    if (version_ == 10) {
      net::async_write(stream_, net::buffer(piece_), std::move(written));
    } else {
      net::async_write(stream_, bhttp::make_chunk(net::buffer(piece_)), std::move(written));
    }
  }

  // Asks the producer for the next piece. An empty piece is no chunk (a chunk of size 0 ends the
  // response): the producer is asked again.
  void NextPiece(bool keep) {
    bool more = true;
    do {
      piece_.clear();
      try {
        more = producer_(piece_);
      } catch (...) {
        return Close();  // without the final chunk: the client sees the response cut short
      }
    } while (piece_.empty() && more);
    if (!more) producer_ = nullptr;
    if (piece_.empty()) return EndStreamed(keep);
    WritePiece(keep, more);
  }

  // The final chunk; to an HTTP/1.0 client, the end of the connection.
  void EndStreamed(bool keep) {
    piece_ = std::string();
    if (version_ == 10) return Close();
    Arm(options_.write_timeout_s);
    net::async_write(stream_, bhttp::make_chunk_last(),
                     [self = this->shared_from_this(), keep](const error_code& ec, size_t) {
                       self->Disarm();
                       if (ec) return self->Close();
                       if (keep) return self->WaitRequest();
                       self->Close();
                     });
  }

  // After an answer given before the request was read whole: no more from us (FIN), and what
  // the client still sends is read and dropped for a moment, so its kernel does not discard
  // our answer on a reset.
  void Linger() {
    phase_ = Phase::kLinger;
    error_code ignored;
    Socket().shutdown(tcp::socket::shutdown_send, ignored);
    Arm(static_cast<int>(kLinger.count()));
    scratch_.resize(16384);  // only a lingering connection has one
    Drain();
  }
  void Drain() {
    Socket().async_read_some(net::buffer(scratch_.data(), scratch_.size()),
                             [self = this->shared_from_this()](const error_code& ec, size_t n) {
                               self->drained_ += n;
                               if (ec || self->drained_ >= kLingerBytes) return self->Close();
                               self->Drain();
                             });
  }

  void Close() {
    producer_ = nullptr;  // a streamed response cut short: what it holds is released now
    Disarm();
    ++generation_;
    deadline_.cancel();
    error_code ignored;
    Socket().shutdown(tcp::socket::shutdown_both, ignored);
    Socket().close(ignored);
  }

  static bool IsDisconnect(const error_code& ec) {
    return ec == bhttp::error::end_of_stream || ec == net::error::eof ||
           ec == net::error::connection_reset || ec == net::error::operation_aborted ||
           ec == net::error::broken_pipe || ec == net::ssl::error::stream_truncated;
  }

  std::shared_ptr<HttpServer::Impl> server_;
  const HttpOptions& options_;
  Stream stream_;
  std::string remote_;
  uint64_t id_;
  std::optional<std::string> refusal_;
  net::steady_timer deadline_;
  std::chrono::steady_clock::time_point deadline_at_ = std::chrono::steady_clock::time_point::max();
  bool timer_waiting_ = false;
  uint64_t generation_ = 0;
  bool timed_out_ = false;
  bool stop_ = false;
  Phase phase_ = Phase::kIdle;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::optional<bhttp::response<bhttp::string_body>> response_;
  // A streamed response (RespondStreamed): its head while it is written, the producer of its
  // pieces and the piece being written.
  std::optional<bhttp::response<bhttp::empty_body>> head_;
  std::optional<bhttp::response_serializer<bhttp::empty_body>> head_writer_;
  std::function<bool(std::string&)> producer_;
  std::string piece_;
  bool keep_alive_ = false;
  unsigned version_ = 11;
  size_t served_ = 0;
  std::vector<char> scratch_;
  size_t drained_ = 0;
};

}  // namespace

void HttpServer::Impl::Accept() {
  acceptor.async_accept(net::make_strand(ioc),
                        [self = shared_from_this()](const error_code& ec, tcp::socket socket) {
                          self->OnAccept(ec, std::move(socket));
                        });
}

void HttpServer::Impl::OnAccept(const error_code& ec, tcp::socket socket) {
  if (stopping || !acceptor.is_open()) return;
  if (ec) {
    // Out of file descriptors or a connection that died in the queue: try again shortly,
    // without spinning.
    retry_accept.expires_after(std::chrono::milliseconds(50));
    retry_accept.async_wait([self = shared_from_this()](const error_code& wait) {
      if (!wait) self->Accept();
    });
    return;
  }
  error_code addr_ec;
  const tcp::endpoint peer = socket.remote_endpoint(addr_ec);
  if (!addr_ec) {
    socket.set_option(tcp::no_delay(true), addr_ec);
    const std::string remote = peer.address().to_string();
    uint64_t id = 0;
    std::optional<std::string> refusal = Admit(remote, &id);
    auto start = [&](auto session) {
      if (id != 0) {
        std::lock_guard lock(mu);
        connections.emplace(id, session);
      }
      session->Start();
    };
    if (tls) {
      using Tls = beast::ssl_stream<beast::tcp_stream>;
      start(std::make_shared<Session<Tls>>(shared_from_this(),
                                           Tls(beast::tcp_stream(std::move(socket)), *tls), remote,
                                           id, std::move(refusal)));
    } else {
      start(std::make_shared<Session<beast::tcp_stream>>(shared_from_this(),
                                                         beast::tcp_stream(std::move(socket)),
                                                         remote, id, std::move(refusal)));
    }
  }
  Accept();
}

Result<std::unique_ptr<HttpServer>> HttpServer::Bind(const HttpOptions& options,
                                                     Callbacks callbacks) {
  if (options.tls_cert.empty() != options.tls_key.empty()) {
    return Status::Invalid("--tls-key", "serve.tls", "--tls-cert and --tls-key go together");
  }
  auto impl = std::make_shared<Impl>(options, std::move(callbacks));
  if (!options.tls_cert.empty()) {
    net::ssl::context ctx(net::ssl::context::tls_server);
    // TLS 1.2 and 1.3 only; no compression, no renegotiation; for 1.2 forward-secret AEAD
    // suites only (1.3 has only such suites, OpenSSL's defaults).
    ctx.set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                    net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
                    net::ssl::context::no_tlsv1_1 | net::ssl::context::no_compression |
                    net::ssl::context::single_dh_use);
    SSL_CTX* raw = ctx.native_handle();
    SSL_CTX_set_min_proto_version(raw, TLS1_2_VERSION);
    SSL_CTX_set_options(raw, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
    SSL_CTX_set_cipher_list(raw,
                            "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
                            "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
                            "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305");
    error_code ec;
    ctx.use_certificate_chain_file(options.tls_cert, ec);
    if (!ec) ctx.use_private_key_file(options.tls_key, net::ssl::context::pem, ec);
    if (ec || SSL_CTX_check_private_key(raw) != 1) {
      return Status::Invalid("--tls-cert", "serve.tls",
                             "the TLS certificate or key cannot be loaded (PEM files, a "
                             "matching pair)");
    }
    impl->tls.emplace(std::move(ctx));
  }

  // Open files: every connection is one; raise the soft limit toward what the cap needs.
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) == 0) {
    const uint64_t need =
        options.max_connections + kReservedFiles + kFilesPerWorker * options.threads;
    if (lim.rlim_cur != RLIM_INFINITY && lim.rlim_cur < need) {
      rlimit raised = lim;
      raised.rlim_cur = lim.rlim_max == RLIM_INFINITY ? need : std::min<rlim_t>(need, lim.rlim_max);
      if (setrlimit(RLIMIT_NOFILE, &raised) == 0) lim = raised;
    }
    impl->open_files = lim.rlim_cur;
    if (lim.rlim_cur != RLIM_INFINITY && lim.rlim_cur < need) {
      const uint64_t reserve = kReservedFiles + kFilesPerWorker * options.threads;
      impl->max_connections = lim.rlim_cur > reserve + 16 ? lim.rlim_cur - reserve : 16;
    }
  }

  error_code ec;
  tcp::endpoint endpoint(net::ip::make_address(options.host, ec),
                         static_cast<unsigned short>(options.port));
  if (ec) {
    tcp::resolver resolver(impl->ioc);
    auto found = resolver.resolve(options.host, std::to_string(options.port), ec);
    if (ec || found.empty()) {
      return Status::IOError("cannot listen on " + options.host + ": not a known address");
    }
    endpoint = found.begin()->endpoint();
  }
  const std::string where = options.host + ":" + std::to_string(options.port);
  impl->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl->acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) impl->acceptor.bind(endpoint, ec);
  if (!ec) impl->acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return Status::IOError("cannot listen on " + where +
                           " (address in use, or not a local address)");
  }
  const int port = impl->acceptor.local_endpoint().port();
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl), port));
}

HttpServer::HttpServer(std::shared_ptr<Impl> impl, int port)
    : impl_(std::move(impl)), port_(port) {}

HttpServer::~HttpServer() {
  Stop();
}

void HttpServer::Run() {
  impl_->Accept();
  std::vector<std::thread> loops;
  for (size_t i = 1; i < std::max<size_t>(impl_->options.threads, 1); ++i)
    loops.emplace_back([this] { impl_->ioc.run(); });
  impl_->ioc.run();
  for (auto& t : loops)
    t.join();
}

void HttpServer::Stop() {
  if (impl_->stopping.exchange(true)) return;
  net::post(impl_->acceptor.get_executor(), [impl = impl_] {
    error_code ignored;
    impl->acceptor.close(ignored);
    impl->retry_accept.cancel();
    std::vector<std::shared_ptr<Connection>> open;
    {
      std::lock_guard lock(impl->mu);
      for (auto& [id, weak] : impl->connections) {
        if (auto c = weak.lock()) open.push_back(std::move(c));
      }
    }
    for (auto& c : open)
      c->Shutdown();
  });
}

size_t HttpServer::max_connections() const {
  return impl_->max_connections;
}

uint64_t HttpServer::open_files_limit() const {
  return impl_->open_files;
}

}  // namespace battrace::server
