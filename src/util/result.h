// Errors are values: a Result<T> holds either a T or an Error a user can act on.
#pragma once
#include <string>
#include <utility>
#include <variant>

namespace trtlens {

struct Error {
  std::string code;     // stable, machine-readable (e.g. "E_TRUNCATED")
  std::string message;  // one line, for people
};

template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}             // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}         // NOLINT(google-explicit-constructor)
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  T& operator*() { return value(); }
  T* operator->() { return &value(); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

inline Error make_error(std::string code, std::string message) {
  return Error{std::move(code), std::move(message)};
}

}  // namespace trtlens
