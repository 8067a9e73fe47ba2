#pragma once
// How one replica's GPUs share a model (docs/performance-model.md, "Parallel layouts").
#include <optional>
#include <string>

namespace plan {

enum class Parallel {
  tp,   // tensor parallel everywhere: attention heads and every expert sliced over the GPUs
  ep,   // tensor-parallel attention, routed experts split whole across the GPUs
  dep,  // data-parallel attention (each GPU its own sequences), routed experts split
};

// "tp", "ep" or "dep".
const char* to_string(Parallel p);
// nullopt for anything else.
std::optional<Parallel> parse_parallel(const std::string& s);

}  // namespace plan
