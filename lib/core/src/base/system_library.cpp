#include "plan/core/base/system_library.hpp"

#include <dlfcn.h>

#include "plan/core/base/error.hpp"

namespace plan {

SystemLibrary::SystemLibrary(std::string soname, std::string package, std::string needed_for)
    : soname_(std::move(soname)), package_(std::move(package)), needed_for_(std::move(needed_for)) {}

void* SystemLibrary::symbol(const char* name) {
  if (!handle_) {
    handle_ = ::dlopen(soname_.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle_) {
      const char* why = ::dlerror();
      throw Error(needed_for_ + " needs " + soname_ + " (install " + package_ + "): " + (why ? why : "cannot load it"),
                  ExitCode::unavailable);
    }
  }
  ::dlerror();
  void* p = ::dlsym(handle_, name);
  if (!p) {
    const char* why = ::dlerror();
    throw Error(needed_for_ + " needs " + name + " from " + soname_ + " (install " + package_ + "): " +
                    (why ? why : "no such symbol"),
                ExitCode::unavailable);
  }
  return p;
}

}  // namespace plan
