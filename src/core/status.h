// Status and Result<T>: how every layer of battrace reports an expected failure.
//
// Bad input, a missing record or a forbidden action is not exceptional here: it is the
// normal answer to a bad request. Such failures travel as values carrying a machine-readable
// code, the field they concern (a JSON pointer or a field name), the rule that failed and a
// message for a person. Exceptions are reserved for bugs and unrecoverable I/O at the edges.
//
// Both types are [[nodiscard]]: a call whose Status or Result is dropped does not compile
// (-Werror). Where a failure truly changes nothing, say why and cast the value to void.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace battrace {

enum class StatusCode {
  kOk,
  kInvalidArgument,  // the input breaks a rule: which field, which rule
  kNotFound,
  kConflict,            // e.g. the same report id re-sent with other content
  kForbidden,           // the caller may not do this
  kUnauthenticated,     // no valid credentials
  kFailedPrecondition,  // the store is not in a state that allows it (e.g. newer schema)
  kUnavailable,         // a limit the server was given is reached: retry later
  kCorruption,          // stored data fails its own checks
  kIOError,
  kInternal,
};

// Stable lower-case name of a code ("invalid_argument", ...), for JSON and logs.
const char* StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message, std::string field = {}, std::string rule = {})
      : code_(code),
        message_(std::move(message)),
        field_(std::move(field)),
        rule_(std::move(rule)) {}

  static Status Ok() { return {}; }
  static Status Invalid(std::string field, std::string rule, std::string message) {
    return {StatusCode::kInvalidArgument, std::move(message), std::move(field), std::move(rule)};
  }
  static Status NotFound(std::string message) {
    return {StatusCode::kNotFound, std::move(message)};
  }
  static Status Conflict(std::string message) {
    return {StatusCode::kConflict, std::move(message)};
  }
  static Status Forbidden(std::string message) {
    return {StatusCode::kForbidden, std::move(message)};
  }
  static Status Unauthenticated(std::string message) {
    return {StatusCode::kUnauthenticated, std::move(message)};
  }
  static Status Corruption(std::string message) {
    return {StatusCode::kCorruption, std::move(message)};
  }
  static Status IOError(std::string message) { return {StatusCode::kIOError, std::move(message)}; }
  static Status FailedPrecondition(std::string message) {
    return {StatusCode::kFailedPrecondition, std::move(message)};
  }
  static Status Internal(std::string message) {
    return {StatusCode::kInternal, std::move(message)};
  }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  const std::string& field() const { return field_; }
  const std::string& rule() const { return rule_; }

  // "invalid_argument: /codes/0: battery_code.date: ..." — for logs and CLI output.
  std::string ToString() const;

  // Returns a copy whose field is `prefix` + field (for nesting JSON pointers).
  Status WithFieldPrefix(const std::string& prefix) const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  std::string field_;
  std::string rule_;
};

// A value or the Status explaining why there is none.
// REQUIRES: a Result is never constructed from an OK Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}        // NOLINT(google-explicit-constructor)
  Result(Status status) : v_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!std::get<Status>(v_).ok());
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  explicit operator bool() const { return ok(); }

  const T& value() const& { return std::get<T>(v_); }
  T& value() & { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

  // The failure; an OK Status when the Result holds a value.
  Status status() const { return ok() ? Status::Ok() : std::get<Status>(v_); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace battrace

// Propagates a failed Status from an expression returning Status.
#define BATTRACE_RETURN_IF_ERROR(expr) \
  do {                                 \
    ::battrace::Status _st = (expr);   \
    if (!_st.ok()) return _st;         \
  } while (0)

// Declares `lhs` from an expression returning Result<T>, or returns its failed Status.
// `lhs` is a name being declared, so it cannot be parenthesized.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define BATTRACE_ASSIGN_OR_RETURN(lhs, expr)              \
  auto lhs##_result_ = (expr);                            \
  if (!lhs##_result_.ok()) return lhs##_result_.status(); \
  auto lhs = std::move(lhs##_result_).value()
// NOLINTEND(bugprone-macro-parentheses)
