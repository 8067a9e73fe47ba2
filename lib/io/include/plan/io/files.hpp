#pragma once
#include <string>
#include <string_view>

namespace plan::io {

// SHA-256 of bytes, lower-case hex.
std::string sha256_hex(std::string_view bytes);
// SHA-256 of a file's bytes; throws plan::Error when it cannot be read.
std::string sha256_file(const std::string& path);

// Writes `content` to `path` atomically: a temporary file in the same directory, flushed,
// then renamed over `path`. On any failure the temporary is removed and an existing `path`
// is untouched. `path` "-" writes to standard output. A path that exists and is not a
// regular file (/dev/null, /dev/stdout, a pipe) is written in place, never replaced; a
// symbolic link's target is replaced and the link kept; a directory is an error.
void write_file_atomic(const std::string& path, std::string_view content);

}  // namespace plan::io
