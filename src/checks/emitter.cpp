#include "checks/emitter.h"

namespace eksguard {

const SubjectPtr& FindingEmitter::subject() {
  if (!subject_)
    subject_ = std::make_shared<const Subject>(Subject{object_.ref, std::string(object_.file)});
  return subject_;
}

Finding& FindingEmitter::emit(CheckId check, const doc::Node* at, std::string path,
                              std::string message) {
  Finding& finding = out_.emplace_back(check, subject());
  finding.message = std::move(message);
  finding.position = at != nullptr ? at->position() : object_.root->position();
  finding.path = std::move(path);
  return finding;
}

}  // namespace eksguard
