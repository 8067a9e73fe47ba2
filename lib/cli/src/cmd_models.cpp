// plan models add: a user catalog entry from a Hugging Face config.json, written to the user
// catalog directory (io::user_models_dir), which `plan perf`, `plan compare` and the other
// commands read beside calib/catalog.yaml.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fmt/format.h>

#include "common.hpp"
#include "plan/io/catalog_loader.hpp"
#include "plan/io/files.hpp"
#include "plan/io/hf_config.hpp"

namespace plan::cli {
namespace {

struct ModelsAddOptions {
  std::string config;
  std::string id;  // empty: the config's directory name, lower case
};

// The id a config gets without --id: its directory's name ("…/Qwen3-8B/config.json" -> qwen3-8b).
std::string default_id(const std::string& config) {
  std::filesystem::path dir = std::filesystem::absolute(config).parent_path();
  std::string id = dir.filename().string();
  for (char& c : id) c = char(std::tolower(static_cast<unsigned char>(c)));
  return id;
}

bool valid_id(const std::string& id) {
  return !id.empty() && id.size() <= 100 && std::all_of(id.begin(), id.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
         }) && id.front() != '.';
}

}  // namespace

void setup_models(CLI::App& app, Registry& reg) {
  auto* models = app.add_subcommand("models", "User catalog entries: models read from Hugging Face config.json files");
  models->require_subcommand(1);
  auto opt = std::make_shared<ModelsAddOptions>();
  auto* add = models->add_subcommand(
      "add", "Read a Hugging Face config.json by its fields, whatever its model_type (GQA, MQA or MLA attention, "
             "sparse-attention indexers, sliding windows, Gated DeltaNet, MoE with shared experts, MTP layers: "
             "Llama, Qwen3, Qwen3.5, DeepSeek-V3/R1/V3.2, GLM-5 and 5.2, Kimi K2, MiniMax-M2, Step-3.7, gpt-oss, "
             "Gemma 3, ...) and write it as a user catalog entry to $XDG_DATA_HOME/plan/models/ID.yaml "
             "(default ~/.local/share/plan/models), which every command then reads beside calib/catalog.yaml");
  add->add_option("config", opt->config, "Path of the config.json")->required();
  add->add_option("--id", opt->id, "Catalog id of the model (default: the config's directory name, lower case)");
  reg.add(add, [opt, &g = reg.globals]() {
    const std::string id = opt->id.empty() ? default_id(opt->config) : opt->id;
    if (!valid_id(id))
      throw Error(fmt::format("model id '{}' is not usable as a file name (expected letters, digits, '-', '_' or '.'; "
                              "give --id)", id),
                  ExitCode::usage_error);
    const io::HfModel m = io::load_hf_config(opt->config, id);
    const Catalog cat = load_full_catalog(g);
    const std::string dir = io::user_models_dir();
    const std::string path = dir + "/" + id + ".yaml";
    std::error_code ec;
    if (cat.find_model(id) && !std::filesystem::exists(path, ec))
      throw Error(fmt::format("model id '{}' is in the catalog already (expected a new id: give --id)", id),
                  ExitCode::usage_error);
    const std::string text = io::render_user_model(m, opt->config);
    // Check the entry reads back before it is written.
    Catalog probe;
    io::parse_user_models(probe, path, text);
    std::filesystem::create_directories(dir, ec);
    if (ec) throw Error(fmt::format("cannot create {}: {}", dir, ec.message()));
    io::write_file_atomic(path, text);
    fmt::print("{}: {} ({} layers, {:.3g}B parameters, {:.3g}B active; default precision {}) -> {}\n", opt->config, id,
               m.arch.layers, m.arch.params_total / 1e9, m.arch.params_active / 1e9, m.precision, path);
    return 0;
  });
}

}  // namespace plan::cli
