// vaelab-cli presets | datasets | variants
// One line per entry, "name<TAB>description", sorted as the engine lists them; nothing else on stdout,
// so the output pipes into cut/grep.
#include <cstdio>
#include <string>

#include "commands.h"
#include "train/preset.h"
#include "core/error.h"
#include "data/dataset_registry.h"
#include "models/registry.h"

namespace {

void print_entry(const std::string& name, const std::string& description) {
  std::printf("%s\t%s\n", name.c_str(), description.c_str());
}

void list_presets() {
  for (const auto& name : vaelab::preset_names()) {
    std::string description;
    try {
      description = vaelab::read_preset_json(name).value("description", std::string());
    } catch (const vaelab::Error& e) {
      description = std::string("(unreadable: ") + e.what() + ")";
    }
    print_entry(name, description);
  }
}

void list_datasets() {
  for (const auto& [name, description] : vaelab::dataset_catalog()) print_entry(name, description);
}

void list_variants() {
  for (const auto& v : vaelab::variants()) print_entry(v.name, v.description);
}

}  // namespace

void register_list_commands(CLI::App& app) {
  app.add_subcommand("presets", "list the presets under assets/presets")->callback(list_presets);
  app.add_subcommand("datasets", "list the datasets a preset can name")->callback(list_datasets);
  app.add_subcommand("variants", "list the model variants")->callback(list_variants);
}
