#pragma once
// Reader of calib/catalog.yaml (model architectures, GPU specs, precisions, efficiency
// defaults). Throws plan::Error with the file, line and column of the first problem.
#include <string>

#include "plan/core/data/catalog.hpp"

namespace plan::io {

// Each model and GPU entry carries `file` (cited by cite(), catalog.hpp), except when `file` is
// a data directory's calib/catalog.yaml: those are cited as calib/catalog.yaml, relative to
// the data directory, like the price sheets under pricing/.
Catalog parse_catalog(const std::string& file, const std::string& text);
Catalog load_catalog(const std::string& path);

// User catalog entries (`plan models add`): each *.yaml file of `dir`, in name order, holds
// `sources` and `models` in the catalog's format; their ids must be new. A missing directory
// adds nothing.
void parse_user_models(Catalog& c, const std::string& file, const std::string& text);
void add_user_models(Catalog& c, const std::string& dir);

// Whether `path` is a data directory's catalog: "calib/catalog.yaml" or ".../calib/catalog.yaml".
bool is_data_dir_catalog(const std::string& path);

}  // namespace plan::io
