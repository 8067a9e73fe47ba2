#pragma once
// Reader of calib/catalog.yaml (model architectures, GPU specs, precisions, efficiency
// defaults). Throws plan::Error with the file, line and column of the first problem.
#include <string>

#include "plan/core/catalog.hpp"

namespace plan::io {

Catalog parse_catalog(const std::string& file, const std::string& text);
Catalog load_catalog(const std::string& path);

}  // namespace plan::io
