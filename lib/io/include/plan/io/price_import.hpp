#pragma once
// `plan prices import`: a draft price sheet built from upstream price files, as an import
// spec names them (docs/pricing.md, "Importing prices"). The upstream formats read are
// LiteLLM's model_prices_and_context_window.json, Cyclenerd's GCP pricing.yml, SkyPilot-format
// catalog CSVs (anycloud-sh/catalog: Azure, GCP, Lambda) and the tsaol/aws-gpu family files.
#include <string>
#include <vector>

namespace plan::io {

struct PriceImport {
  std::string sheet_yaml;             // the draft sheet, in the format of pricing/*.yaml
  std::vector<std::string> findings;  // figures left out and why, one line each (also in the sheet's header)
};

// Reads the spec at `spec_path` and the files it names (relative to the spec's directory) and
// builds the draft sheet: every figure from the named upstream row, each input's sha256 in its
// source's note. Throws plan::Error at the spec's line when the spec is malformed, an input
// cannot be read, or a named key, machine or row is not in its input.
PriceImport import_price_sheet(const std::string& spec_path);

}  // namespace plan::io
