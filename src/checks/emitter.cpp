#include "checks/emitter.h"

namespace eksguard {

Finding& FindingEmitter::emit(CheckId check, const doc::Node* at, std::string path,
                              std::string message) {
  Finding& finding = out_.emplace_back(check);
  finding.message = std::move(message);
  finding.resource = object_.ref;
  finding.file = std::string(object_.file);
  finding.position = at != nullptr ? at->position() : object_.root->position();
  finding.path = std::move(path);
  return finding;
}

}  // namespace eksguard
