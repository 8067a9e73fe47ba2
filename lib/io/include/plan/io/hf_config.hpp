#pragma once
// Reader of a Hugging Face model config.json: the architecture of a model that is not in the
// catalog (`model: hf:PATH/config.json` in a profile, `plan models add`), and the user
// catalog directory `plan models add` writes to. Formulas that use the shapes:
// docs/performance-model.md.
#include <string>
#include <vector>

#include "plan/core/data/catalog.hpp"

namespace plan::io {

// The layer structures a config may describe, for messages. A config is read by its fields,
// whatever its model_type: docs/performance-model.md, "Any model from its config".
std::string supported_hf_structures();

struct HfModel {
  ModelArch arch;         // parameter counts computed from the shapes
  std::string precision;  // default weights precision from quantization_config (bf16 without one)
};

// Parses config.json text read from `file` into a model with id `id`. Throws plan::Error
// (file:line:col for malformed JSON, for a wrong field and for a layer structure the model does
// not have, naming it; file:1:1 naming the key for a missing field).
HfModel parse_hf_config(const std::string& file, const std::string& text, const std::string& id);
HfModel load_hf_config(const std::string& path, const std::string& id);

// The directory of user catalog entries: $XDG_DATA_HOME/plan/models, else
// $HOME/.local/share/plan/models. Throws plan::Error when neither variable is set.
std::string user_models_dir();
// A user catalog entry (a catalog fragment: one source, one model) for `m`, read from `config_path`.
std::string render_user_model(const HfModel& m, const std::string& config_path);

}  // namespace plan::io
