#pragma once
// A system library loaded when a command first needs it, not at start-up. Linking the
// PostgreSQL client (and, through it, TLS, Kerberos and LDAP) made every run of `plan`
// spend about 8 ms of CPU in the dynamic loader; only `plan profile import` of a LiteLLM
// database uses it. The same holds, at about 2 ms, for libxlsxwriter and `--format xlsx`.
#include <string>

namespace plan {

class SystemLibrary {
 public:
  // `soname`: the file the dynamic loader looks for (e.g. "libpq.so.5"); `package`: what to
  // install when it is missing (e.g. "the Debian package libpq5"); `needed_for`: the feature
  // that needs it, for the error message.
  SystemLibrary(std::string soname, std::string package, std::string needed_for);

  // The address of `symbol`, loading the library first. Throws Error (ExitCode::unavailable)
  // naming the library, the package and the feature when the library or symbol is missing.
  void* symbol(const char* name);

  // Typed: `lib.get<decltype(::PQclear)>("PQclear")`.
  template <class F>
  F* get(const char* name) {
    return reinterpret_cast<F*>(symbol(name));
  }

 private:
  std::string soname_;
  std::string package_;
  std::string needed_for_;
  void* handle_ = nullptr;
};

// The functions of one system library, loaded together on first use:
//
//   struct Pq : SystemFunctions {
//     Pq() : SystemFunctions("libpq.so.5", "the Debian package libpq5", "--source litellm-db") {}
//     PLAN_SYSTEM_FUNCTION(PQclear);
//   };
//   const Pq& pq = loaded<Pq>();   // pq.PQclear(r)
//
// Each member has the type of the function declared in the library's header.
struct SystemFunctions {
  SystemFunctions(std::string soname, std::string package, std::string needed_for)
      : library(std::move(soname), std::move(package), std::move(needed_for)) {}
  SystemLibrary library;
};
#define PLAN_SYSTEM_FUNCTION(f) decltype(&::f) f = library.get<decltype(::f)>(#f)

// The one set of `Functions`, loaded by the first call; a failed load throws, and the next
// call tries again.
template <class Functions>
const Functions& loaded() {
  static const Functions f;
  return f;
}

}  // namespace plan
