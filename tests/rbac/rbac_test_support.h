// Helpers for the RBAC tests: compiling inline YAML into a Policy, and building requests.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "rbac/authorizer.h"
#include "rbac/model.h"
#include "rbac/policy.h"

namespace eksguard::rbac::testing {

// Compiles `yaml` (any number of documents); fails the test on input errors unless allowed.
inline Policy compile_yaml(std::string_view yaml, bool allow_errors = false) {
  Inputs inputs;
  add_text(yaml, "test.yaml", inputs);
  if (!allow_errors) {
    for (const InputError& error : inputs.errors)
      ADD_FAILURE() << error.file << ":" << error.line << ":" << error.column << ": "
                    << error.message;
  }
  return Policy::compile(std::move(inputs));
}

inline RequestAttributes resource_request(std::string verb, std::string namespace_,
                                          std::string group, std::string resource,
                                          std::string subresource = {}, std::string name = {}) {
  RequestAttributes request;
  request.verb = std::move(verb);
  request.namespace_ = std::move(namespace_);
  request.api_group = std::move(group);
  request.resource = std::move(resource);
  request.subresource = std::move(subresource);
  request.name = std::move(name);
  return request;
}

inline RequestAttributes url_request(std::string verb, std::string path) {
  RequestAttributes request;
  request.verb = std::move(verb);
  request.resource_request = false;
  request.path = std::move(path);
  return request;
}

// A PolicyRule from comma-separated lists ("" for an empty list, "''" for the core group).
inline PolicyRule rule(std::string_view verbs, std::string_view groups, std::string_view resources,
                       std::string_view names = {}, std::string_view urls = {}) {
  auto list = [](std::string_view text) {
    std::vector<std::string> out;
    while (!text.empty()) {
      const size_t comma = text.find(',');
      std::string item(text.substr(0, comma));
      out.push_back(item == "''" ? std::string() : item);
      if (comma == std::string_view::npos) break;
      text.remove_prefix(comma + 1);
    }
    return out;
  };
  return PolicyRule{list(verbs), list(groups), list(resources), list(names), list(urls)};
}

}  // namespace eksguard::rbac::testing
