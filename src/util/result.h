// Errors are values: a Result<T> holds either a T or an Error a user can act on.
#pragma once
#include <string>
#include <utility>
#include <variant>

#include "util/codes.h"

namespace trtlens {

struct Error {
  std::string code;     // stable, machine-readable (e.g. "E_PARSE"); listed in util/codes.def
  std::string message;  // one line, for people
  std::string hint{};   // what the user can do; make_error defaults it from the code catalogue
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

// HINT empty: the catalogue's default hint for CODE (util/codes.def).
inline Error make_error(std::string code, std::string message, std::string hint = {}) {
  hint = hint_or_default(code, std::move(hint));
  return Error{std::move(code), std::move(message), std::move(hint)};
}

}  // namespace trtlens
