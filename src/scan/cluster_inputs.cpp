// Gathering cluster-wide inputs document by document (see cluster_inputs.h).
#include "scan/cluster_inputs.h"

#include "k8s/list.h"
#include "scan/scanner.h"

namespace eksguard::scan {

void collect_document(const doc::Document& document, std::string_view source, rbac::Inputs& rbac,
                      identity::IdentityCollector& identity,
                      const std::function<void(const k8s::Object&)>& on_object,
                      std::vector<InputError>& errors) {
  const doc::Node& root = *document.root();
  // AWS CLI output (describe-cluster, access entries) is cluster-access input, not an object.
  if (root.is_mapping() && root.string_at("kind").empty() && !k8s::is_list(root) &&
      identity.add_document(document, source)) {
    return;
  }
  k8s::for_each_object(
      root, document.file(),
      [&](const k8s::Object& object) {
        identity.add_object(object, source);
        rbac::add_object(object, rbac);
        if (on_object) on_object(object);
      },
      [&](InputError error) { errors.push_back(std::move(error)); });
}

ClusterInputs load_cluster_inputs(const std::vector<std::string>& paths,
                                  const doc::Limits& limits) {
  ClusterInputs out;
  identity::IdentityCollector identity(limits);
  std::vector<InputError>& errors = out.rbac.errors;
  for (const std::string& path : paths) {
    for (const std::string& file : expand_path(path, errors)) {
      const std::string name = file == "-" ? "stdin" : file;
      auto text = doc::read_input(file, limits);
      if (!text) {
        errors.push_back(
            InputError{name, text.error().line, text.error().column, text.error().message});
        continue;
      }
      for (const Error& error : doc::load_padded(*text, name, limits, [&](doc::Document& d) {
             collect_document(d, text->view(), out.rbac, identity, {}, errors);
           })) {
        errors.push_back(InputError{name, error.line, error.column, error.message});
      }
    }
  }
  out.identity = std::move(identity).finish();
  std::move(out.identity.errors.begin(), out.identity.errors.end(), std::back_inserter(errors));
  out.identity.errors.clear();
  return out;
}

}  // namespace eksguard::scan
