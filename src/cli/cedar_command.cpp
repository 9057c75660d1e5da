#include "cli/cedar_command.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>

#include "cedar/authorizer.h"
#include "cedar/entities.h"
#include "cedar/est/est_reader.h"
#include "cedar/parser.h"
#include "cedar/policy_set.h"
#include "cedar/request.h"
#include "cedar/schema/cedar_schema_parser.h"
#include "cedar/schema/fragments.h"
#include "cedar/schema/json_schema_parser.h"
#include "cedar/validator/validator.h"
#include "cli/app.h"
#include "cli/cedar_format_command.h"
#include "cli/cedar_policy_input.h"
#include "cli/cedar_translate_command.h"
#include "doc/loader.h"
#include "k8s_authz/k8s_schema.h"
#include "report/json_writer.h"

namespace eksguard::cli {
namespace {

namespace fs = std::filesystem;

// Requests, contexts and inline entities are Cedar JSON, where a key given twice is an error.
const doc::Limits kStrictJson{.reject_duplicate_keys = true};
using cedar::Entities;
using cedar::PolicySet;
using cedar::Schema;

constexpr size_t kMaxBatchLineBytes = size_t{64} << 20;

// A loaded input or why it could not be loaded; failures are remembered too, so a bad file is
// read once however many batch lines name it.
template <typename T>
struct Loaded {
  std::shared_ptr<const T> value;
  std::string error;
  // Every diagnostic with its source snippet, for the single-request command.
  std::string detail;
};

Result<std::string> read_text(const std::string& path) {
  auto input = doc::read_input(path, doc::Limits{});
  if (!input) return Unexpected(input.error());
  return std::string(input->view());
}

// Parses and compiles policies (Cedar text or JSON), with the links of a JSON policy set and
// `extra_links` (--template-links).
// `for_validation`: JSON calls and collections stay as written, so the validator types them as
// calls (a folded literal from JSON has no text that shows it came from a call).
Loaded<PolicySet> compile_policies(std::string_view text, const std::string& name, bool json,
                                   std::span<const cedar::TemplateLink> extra_links = {},
                                   bool for_validation = false) {
  cedar::ParseOptions options;
  options.keep_as_written = json && for_validation;
  PolicyInput input = parse_policy_input(text, name, json, options);
  if (!input.parsed.ok()) {
    const auto& errors = input.parsed.errors;
    std::string error = errors.front().diagnostic.render();
    if (errors.size() > 1) error += fmt::format(" (and {} more errors)", errors.size() - 1);
    return {nullptr, std::move(error), render_parse_errors(errors, text)};
  }
  input.links.insert(input.links.end(), extra_links.begin(), extra_links.end());
  auto compiled = PolicySet::compile(std::move(input.parsed), input.links);
  if (!compiled) {
    std::string error = fmt::format("{}: template link: {}", name, compiled.error().message);
    return {nullptr, error, error + "\n"};
  }
  return {std::make_shared<const PolicySet>(std::move(*compiled)), {}, {}};
}

// Policies of a batch line given inline as a JSON value (not cached: the line is their source).
Loaded<PolicySet> compile_inline_json(const doc::Node& node, std::string_view line) {
  cedar::est::JsonPolicies read = cedar::est::read_policies_json(node, line, "policies_json");
  if (!read.ok()) {
    std::string error = read.policies.errors.front().diagnostic.render();
    return {nullptr, std::move(error), {}};
  }
  auto compiled = PolicySet::compile(std::move(read.policies), read.links);
  if (!compiled) return {nullptr, "policies_json: template link: " + compiled.error().message, {}};
  return {std::make_shared<const PolicySet>(std::move(*compiled)), {}, {}};
}

Loaded<Schema> compile_schema(std::string_view text, const std::string& name) {
  const size_t first = text.find_first_not_of(" \t\r\n");
  const bool json = first != std::string_view::npos && text[first] == '{';
  auto parsed = json ? cedar::parse_json_schema(text, name) : cedar::parse_cedar_schema(text, name);
  if (parsed) return {std::make_shared<const Schema>(std::move(*parsed)), {}, {}};
  const cedar::Diagnostics& errors = parsed.error();
  std::string error = errors.empty() ? name + ": invalid schema" : errors.front().render();
  return {nullptr, std::move(error), cedar::render_all(errors, text)};
}

Loaded<Entities> compile_entities(std::string_view text, const std::string& name,
                                  const Schema* schema) {
  auto entities = Entities::from_json_text(text, name, schema);
  if (!entities) return {nullptr, entities.error().message, entities.error().message};
  return {std::make_shared<const Entities>(std::move(*entities)), {}, {}};
}

// Files and inline texts loaded so far, for a batch or a single request.
class InputCache {
 public:
  // Links (--template-links) are only given for a single request, where nothing else is cached.
  const Loaded<PolicySet>& policies_file(const std::string& path,
                                         PolicyFormat format = PolicyFormat::kAuto,
                                         std::span<const cedar::TemplateLink> links = {},
                                         bool for_validation = false) {
    const std::string key =
        fmt::format("{}\n{}\n{}", path, static_cast<int>(format), for_validation);
    return remember(policy_files_, key, [&] {
      auto text = read_text(path);
      if (!text) return Loaded<PolicySet>{nullptr, read_error(path, text.error()), {}};
      return compile_policies(*text, path, is_json_policies(format, path, *text), links,
                              for_validation);
    });
  }
  const Loaded<PolicySet>& policies_text(const std::string& text) {
    return remember(policy_texts_, text,
                    [&] { return compile_policies(text, "policies_text", /*json=*/false); });
  }
  const Loaded<PolicySet>& policies_json_text(const std::string& text) {
    return remember(policy_json_texts_, text,
                    [&] { return compile_policies(text, "policies_json", /*json=*/true); });
  }
  const Loaded<Schema>& schema_file(const std::string& path) {
    return remember(schemas_, path, [&] {
      auto text = read_text(path);
      if (!text) return Loaded<Schema>{nullptr, read_error(path, text.error()), {}};
      return compile_schema(*text, path);
    });
  }
  // Entities depend on the schema they were read with.
  const Loaded<Entities>& entities_file(const std::string& path, const std::string& schema_key,
                                        const Schema* schema) {
    return remember(entity_files_, path + '\n' + schema_key, [&] {
      auto text = read_text(path);
      if (!text) return Loaded<Entities>{nullptr, read_error(path, text.error()), {}};
      return compile_entities(*text, path, schema);
    });
  }
  const Loaded<Entities>& entities_text(const std::string& text, const std::string& schema_key,
                                        const Schema* schema) {
    return remember(entity_texts_, text + '\n' + schema_key,
                    [&] { return compile_entities(text, "entities_json", schema); });
  }

 private:
  static std::string read_error(const std::string& path, const Error& error) {
    return fmt::format("cannot read `{}`: {}", path, error.message);
  }
  template <typename T, typename Make>
  static const Loaded<T>& remember(std::map<std::string, Loaded<T>>& cache, const std::string& key,
                                   Make make) {
    auto it = cache.find(key);
    if (it == cache.end()) it = cache.emplace(key, make()).first;
    return it->second;
  }

  std::map<std::string, Loaded<PolicySet>> policy_files_;
  std::map<std::string, Loaded<PolicySet>> policy_texts_;
  std::map<std::string, Loaded<PolicySet>> policy_json_texts_;
  std::map<std::string, Loaded<Schema>> schemas_;
  std::map<std::string, Loaded<Entities>> entity_files_;
  std::map<std::string, Loaded<Entities>> entity_texts_;
};

void write_answer(report::JsonWriter& json, const PolicySet& policies,
                  const cedar::Response& response) {
  json.begin_object();
  json.member("decision", cedar::to_string(response.decision));
  json.key("reason").begin_array();
  for (const uint32_t index : response.reasons) {
    json.value(PolicySet::display_id(policies.policies()[index]));
  }
  json.end_array();
  json.key("errors").begin_array();
  for (const cedar::PolicyError& error : response.errors) {
    json.value(PolicySet::display_id(policies.policies()[error.policy]));
  }
  json.end_array();
  json.end_object();
}

// One line of a batch: a request and where its policies, entities and schema come from.
class BatchLine {
 public:
  BatchLine(const doc::Node& line, std::string_view text, const fs::path& base, InputCache& cache)
      : line_(line), text_(text), base_(base), cache_(cache) {}

  // The answer, or why the request cannot be evaluated.
  Result<std::pair<std::shared_ptr<const PolicySet>, cedar::Response>> evaluate();

 private:
  std::string resolve(std::string_view path) const {
    const fs::path given(path);
    return (given.is_absolute() || base_.empty() ? given : base_ / given).string();
  }
  Result<std::optional<std::string>> string_field(std::string_view key) const {
    const doc::Node* node = line_.get(key);
    if (node == nullptr) return std::optional<std::string>();
    if (!node->is_string()) return fail(fmt::format("`{}` must be a string", key));
    return std::optional<std::string>(std::string(node->text()));
  }

  // The policies named by `policies`, `policies_text` or `policies_json`.
  Result<std::shared_ptr<const PolicySet>> policies();

  const doc::Node& line_;
  std::string_view text_;
  const fs::path& base_;
  InputCache& cache_;
};

Result<std::pair<std::shared_ptr<const PolicySet>, cedar::Response>> BatchLine::evaluate() {
  static constexpr std::string_view kFields[] = {
      "policies",  "policies_text", "policies_json", "entities", "entities_json",   "schema",
      "principal", "action",        "resource",      "context",  "validate_request"};
  for (const doc::MapEntry& entry : line_.entries()) {
    if (std::find(std::begin(kFields), std::end(kFields), entry.key) == std::end(kFields)) {
      return fail(fmt::format("unknown field `{}`", entry.key));
    }
  }
  auto entities_path = string_field("entities");
  auto schema_path = string_field("schema");
  for (const auto* field : {&entities_path, &schema_path}) {
    if (!*field) return Unexpected(field->error());
  }
  const doc::Node* entities_json = line_.get("entities_json");
  if (entities_path->has_value() && entities_json != nullptr) {
    return fail("give at most one of `entities` and `entities_json`");
  }
  for (std::string_view key : {"principal", "action", "resource"}) {
    if (line_.get(key) == nullptr) return fail(fmt::format("`{}` is missing", key));
  }
  bool validate = true;
  if (const doc::Node* flag = line_.get("validate_request")) {
    if (!flag->is_bool()) return fail("`validate_request` must be true or false");
    validate = flag->is_true();
  }

  const Schema* schema = nullptr;
  std::string schema_key;
  if (schema_path->has_value()) {
    schema_key = resolve(**schema_path);
    const Loaded<Schema>& loaded = cache_.schema_file(schema_key);
    if (!loaded.value) return fail(loaded.error);
    schema = loaded.value.get();
  }
  auto policies = this->policies();
  if (!policies) return Unexpected(policies.error());

  std::shared_ptr<const Entities> entities;
  if (entities_path->has_value()) {
    const Loaded<Entities>& loaded =
        cache_.entities_file(resolve(**entities_path), schema_key, schema);
    if (!loaded.value) return fail(loaded.error);
    entities = loaded.value;
  } else if (entities_json != nullptr && entities_json->is_string()) {
    const Loaded<Entities>& loaded =
        cache_.entities_text(std::string(entities_json->text()), schema_key, schema);
    if (!loaded.value) return fail(loaded.error);
    entities = loaded.value;
  } else if (entities_json != nullptr) {
    auto parsed = Entities::from_json(*entities_json, schema);
    if (!parsed) return fail("entities_json: " + parsed.error().message);
    entities = std::make_shared<const Entities>(std::move(*parsed));
  } else {
    entities = std::make_shared<const Entities>();
  }

  auto request =
      cedar::Request::from_json(*line_.get("principal"), *line_.get("action"),
                                *line_.get("resource"), line_.get("context"), schema, validate);
  if (!request) return Unexpected(request.error());
  return std::pair{*policies, cedar::is_authorized(**policies, *request, *entities)};
}

Result<std::shared_ptr<const PolicySet>> BatchLine::policies() {
  auto path = string_field("policies");
  if (!path) return Unexpected(path.error());
  auto text = string_field("policies_text");
  if (!text) return Unexpected(text.error());
  const doc::Node* json = line_.get("policies_json");
  if (path->has_value() + text->has_value() + (json != nullptr) != 1) {
    return fail("give exactly one of `policies`, `policies_text` and `policies_json`");
  }
  if (json != nullptr && !json->is_string() && !json->is_mapping()) {
    return fail("`policies_json` must be a JSON policy set or policy, or a string holding one");
  }
  std::optional<Loaded<PolicySet>> inline_json;
  const Loaded<PolicySet>* loaded = nullptr;
  if (path->has_value()) {
    loaded = &cache_.policies_file(resolve(**path));
  } else if (text->has_value()) {
    loaded = &cache_.policies_text(**text);
  } else if (json->is_string()) {
    loaded = &cache_.policies_json_text(std::string(json->text()));
  } else {
    inline_json = compile_inline_json(*json, text_);
    loaded = &*inline_json;
  }
  if (!loaded->value) return fail(loaded->error);
  return loaded->value;
}

// Reads one line (without its newline) of at most `max` bytes. A longer line is skipped to its
// end and reported as too long, so one huge line cannot exhaust memory.
enum class LineRead : uint8_t { kLine, kTooLong, kEnd };
LineRead read_line(std::istream& in, std::string& line, size_t max) {
  line.clear();
  std::streambuf* buffer = in.rdbuf();
  bool any = false;
  bool too_long = false;
  for (int ch = buffer->sbumpc(); ch != std::char_traits<char>::eof(); ch = buffer->sbumpc()) {
    any = true;
    if (ch == '\n') return too_long ? LineRead::kTooLong : LineRead::kLine;
    if (line.size() < max) {
      line.push_back(static_cast<char>(ch));
    } else {
      too_long = true;
    }
  }
  if (!any) return LineRead::kEnd;
  return too_long ? LineRead::kTooLong : LineRead::kLine;
}

int run_batch(const std::string& batch_path) {
  std::ifstream file;
  std::istream* in = &std::cin;
  fs::path base;
  // Batch mode does all its I/O through iostreams; unsynchronised stdin reads in large blocks.
  std::ios::sync_with_stdio(false);
  if (batch_path != "-") {
    file.open(batch_path, std::ios::binary);
    if (!file) {
      std::cerr << "eksguard cedar authorize: cannot read `" << batch_path << "`\n";
      return kExitInput;
    }
    in = &file;
    base = fs::path(batch_path).parent_path();
  }
  // Answers go out line by line when requests stream in on stdin.
  const bool streaming = batch_path == "-";
  report::JsonWriter json(std::cout);
  InputCache cache;
  bool all_answered = true;
  std::string text;
  size_t number = 0;
  for (LineRead read = read_line(*in, text, kMaxBatchLineBytes); read != LineRead::kEnd;
       read = read_line(*in, text, kMaxBatchLineBytes)) {
    ++number;
    const auto answer_error = [&](const std::string& message) {
      all_answered = false;
      json.begin_object().member("error", fmt::format("line {}: {}", number, message)).end_object();
    };
    if (read == LineRead::kTooLong) {
      answer_error(fmt::format("the line is longer than {} bytes", kMaxBatchLineBytes));
    } else if (text.find_first_not_of(" \t\r") == std::string::npos) {
      continue;
    } else if (text[text.find_first_not_of(" \t")] != '{') {
      answer_error("expected a JSON object");
    } else if (auto documents = doc::load_all(text, fmt::format("line {}", number), kStrictJson);
               !documents) {
      answer_error(documents.error().message);
    } else if (!documents->front().root()->is_mapping()) {
      answer_error("expected a JSON object");
    } else if (auto result = BatchLine(*documents->front().root(), text, base, cache).evaluate();
               !result) {
      answer_error(result.error().message);
    } else {
      write_answer(json, *result->first, result->second);
    }
    json.end_line();
    if (streaming) json.flush();
  }
  json.flush();
  return all_answered ? kExitOk : kExitInput;
}

int usage_error(std::string_view command, const std::string& message) {
  std::cerr << "eksguard cedar " << command << ": " << message << "\n";
  return kExitInput;
}

void print_response(const PolicySet& policies, const cedar::Response& response) {
  std::cout << "decision: " << cedar::to_string(response.decision) << "\n";
  for (const uint32_t index : response.reasons) {
    const cedar::Policy& policy = policies.policies()[index];
    std::cout << fmt::format("reason: {} ({}:{}:{})\n", PolicySet::display_id(policy),
                             policies.file(), policy.line, policy.column);
  }
  for (const cedar::PolicyError& error : response.errors) {
    const cedar::Policy& policy = policies.policies()[error.policy];
    const cedar::LineColumn at = cedar::line_column(policies.source(), error.error.span.offset);
    std::cout << fmt::format("error: {} ({}:{}:{}): {}\n", PolicySet::display_id(policy),
                             policies.file(), at.line, at.column, error.error.message);
  }
}

}  // namespace

CedarCommand::CedarCommand(CLI::App& app)
    : command_(app.add_subcommand("cedar",
                                  "Cedar policies: authorize requests, validate, check syntax, "
                                  "format, translate, schemas")),
      schema_command_(*command_) {
  command_->require_subcommand(1);

  authorize_ = command_->add_subcommand(
      "authorize", "Decide a request (exit 0 allow, 3 deny), or a batch of JSON-line requests");
  const auto add_policy_options = [this](CLI::App* command, std::string& policies) {
    command->add_option("--policies,-p", policies,
                        "Policy file, Cedar or JSON policy format (- for stdin)");
    command
        ->add_option("--policy-format", policy_format_,
                     "cedar or json (default: json for a .json file or text starting with `{`)")
        ->check(CLI::IsMember({"cedar", "json"}));
    command->add_option("--template-links", template_links_,
                        "JSON array of template links {templateId, newId, values}");
  };
  add_policy_options(authorize_, policies_);
  authorize_->add_option("--entities,-e", entities_, "Entities JSON file");
  authorize_->add_option("--schema,-s", schema_,
                         "Schema (Cedar or JSON syntax): typed entity/context parsing and "
                         "request validation");
  authorize_->add_option("--principal", principal_, "Principal, e.g. 'User::\"alice\"'");
  authorize_->add_option("--action", action_, "Action, e.g. 'Action::\"view\"'");
  authorize_->add_option("--resource", resource_, "Resource, e.g. 'Photo::\"p1\"'");
  authorize_->add_option("--context", context_, "Context as a JSON object");
  authorize_->add_option("--context-file", context_file_, "Context JSON file");
  authorize_->add_option("--batch", batch_,
                         "JSON-lines requests (file or -); answers as JSON lines");

  check_parse_ = command_->add_subcommand("check-parse", "Report syntax errors in policies");
  add_policy_options(check_parse_, check_policies_);
  check_parse_->get_option("--policies")->required();

  validate_ = command_->add_subcommand(
      "validate", "Validate policies against a schema (strict mode; exit 1 on errors)");
  add_policy_options(validate_, validate_policies_);
  validate_->get_option("--policies")->required();
  validate_
      ->add_option("--schema,-s", validate_schema_,
                   "Schema (Cedar or JSON syntax); repeat to merge fragments; `k8s` is the "
                   "webhooks' built-in schema (with custom resource fragments, as serve merges "
                   "them)")
      ->required();

  format_ = std::make_unique<CedarFormatCommand>(*command_);
  translate_ = std::make_unique<CedarTranslateCommand>(*command_);
}

CedarCommand::~CedarCommand() = default;

int CedarCommand::execute() const {
  if (format_->selected()) return format_->execute();
  if (translate_->selected()) return translate_->execute();
  if (authorize_->parsed()) return authorize();
  if (check_parse_->parsed()) return check_parse();
  if (validate_->parsed()) return validate();
  if (schema_command_.selected()) return schema_command_.execute();
  return kExitInput;
}

int CedarCommand::authorize() const {
  constexpr std::string_view kName = "authorize";
  if (!batch_.empty()) {
    const bool single_options = !policies_.empty() || !entities_.empty() || !schema_.empty() ||
                                !principal_.empty() || !action_.empty() || !resource_.empty() ||
                                !context_.empty() || !context_file_.empty() ||
                                !policy_format_.empty() || !template_links_.empty();
    if (single_options) {
      return usage_error(kName,
                         "--batch takes every input from the batch lines; give no other "
                         "option");
    }
    return run_batch(batch_);
  }
  for (const auto& [value, option] : {std::pair{&policies_, "--policies"},
                                      {&principal_, "--principal"},
                                      {&action_, "--action"},
                                      {&resource_, "--resource"}}) {
    if (value->empty()) return usage_error(kName, fmt::format("{} is required", option));
  }
  if (!context_.empty() && !context_file_.empty()) {
    return usage_error(kName, "give --context or --context-file, not both");
  }

  InputCache cache;
  const Schema* schema = nullptr;
  if (!schema_.empty()) {
    const Loaded<Schema>& loaded = cache.schema_file(schema_);
    if (!loaded.value) {
      std::cerr << (loaded.detail.empty() ? loaded.error + "\n" : loaded.detail);
      return kExitInput;
    }
    schema = loaded.value.get();
  }
  auto links = load_template_links(template_links_);
  if (!links) {
    std::cerr << links.error();
    return kExitInput;
  }
  const Loaded<PolicySet>& policies =
      cache.policies_file(policies_, policy_format_from(policy_format_), *links);
  if (!policies.value) {
    std::cerr << (policies.detail.empty() ? policies.error + "\n" : policies.detail);
    return kExitInput;
  }
  std::shared_ptr<const Entities> entities = std::make_shared<const Entities>();
  if (!entities_.empty()) {
    const Loaded<Entities>& loaded = cache.entities_file(entities_, schema_, schema);
    if (!loaded.value) return usage_error(kName, loaded.error);
    entities = loaded.value;
  }

  std::optional<doc::Document> context_document;
  if (!context_.empty() || !context_file_.empty()) {
    std::string text = context_;
    if (!context_file_.empty()) {
      auto read = read_text(context_file_);
      if (!read)
        return usage_error(
            kName, fmt::format("cannot read `{}`: {}", context_file_, read.error().message));
      text = std::move(*read);
    }
    const std::string name = context_file_.empty() ? "--context" : context_file_;
    const size_t first = text.find_first_not_of(" \t\r\n");
    if (first == std::string::npos || text[first] != '{') {
      return usage_error(kName, fmt::format("{}: the context must be a JSON object", name));
    }
    auto documents = doc::load_all(text, name, kStrictJson);
    if (!documents) {
      return usage_error(kName, fmt::format("{}:{}:{}: {}", name, documents.error().line,
                                            documents.error().column, documents.error().message));
    }
    context_document = std::move(documents->front());
  }

  std::pair<std::string, std::string> uids[3];
  const std::string* texts[3] = {&principal_, &action_, &resource_};
  const char* roles[3] = {"--principal", "--action", "--resource"};
  for (size_t i = 0; i < 3; ++i) {
    auto parsed = cedar::parse_entity_uid(*texts[i]);
    if (!parsed) return usage_error(kName, fmt::format("{}: {}", roles[i], parsed.error().message));
    uids[i] = std::move(*parsed);
  }
  const auto uid = [](const std::pair<std::string, std::string>& parts) {
    return cedar::EntityUid{parts.first, parts.second,
                            cedar::EntityUid::hash_of(parts.first, parts.second)};
  };
  auto request = cedar::Request::from_uids(uid(uids[0]), uid(uids[1]), uid(uids[2]),
                                           context_document ? context_document->root() : nullptr,
                                           schema, /*validate=*/true);
  if (!request) return usage_error(kName, request.error().message);

  const cedar::Response response = cedar::is_authorized(*policies.value, *request, *entities);
  print_response(*policies.value, response);
  return response.decision == cedar::Decision::kAllow ? kExitOk : kExitDeny;
}

int CedarCommand::check_parse() const {
  auto text = read_text(check_policies_);
  if (!text) {
    return usage_error("check-parse",
                       fmt::format("cannot read `{}`: {}", check_policies_, text.error().message));
  }
  const std::string name = check_policies_ == "-" ? "<stdin>" : check_policies_;
  PolicyInput input = parse_policy_input(
      *text, name, is_json_policies(policy_format_from(policy_format_), check_policies_, *text));
  if (!input.parsed.ok()) {
    std::cerr << render_parse_errors(input.parsed.errors, *text);
    std::cerr << fmt::format("{}: {} error{}\n", name, input.parsed.errors.size(),
                             input.parsed.errors.size() == 1 ? "" : "s");
    return kExitInput;
  }
  auto extra_links = load_template_links(template_links_);
  if (!extra_links) {
    std::cerr << extra_links.error();
    return kExitInput;
  }
  input.links.insert(input.links.end(), extra_links->begin(), extra_links->end());
  size_t templates = 0;
  for (const cedar::Policy& policy : input.parsed.policies) templates += policy.is_template ? 1 : 0;
  const size_t statics = input.parsed.policies.size() - templates;
  const size_t links = input.links.size();
  // Links are checked against the templates by compiling.
  if (links > 0) {
    auto compiled = PolicySet::compile(std::move(input.parsed), input.links);
    if (!compiled) {
      std::cerr << fmt::format("{}: template link: {}\n", name, compiled.error().message);
      return kExitInput;
    }
  }
  std::cout << fmt::format("{}: {} polic{} and {} template{} parse", name, statics,
                           statics == 1 ? "y" : "ies", templates, templates == 1 ? "" : "s");
  if (links > 0) std::cout << fmt::format(", {} template link{}", links, links == 1 ? "" : "s");
  std::cout << "\n";
  return kExitOk;
}

namespace {

// The schema of `cedar validate`: one file as given, or several merged as Cedar merges schema
// fragments; the name `k8s` stands for the webhooks' built-in schema. A merge adds the kinds
// annotated `@admission` to the admission actions, as the webhook does (k8s_schema.h), so
// `--schema k8s --schema crds.cedarschema` validates what `serve --schema crds.cedarschema` does.
Loaded<Schema> validation_schema(InputCache& cache, const std::vector<std::string>& paths) {
  if (paths.size() == 1 && paths.front() != "k8s") return cache.schema_file(paths.front());
  std::vector<std::string> texts;
  texts.reserve(paths.size());
  for (const std::string& path : paths) {
    if (path == "k8s") {
      texts.emplace_back(k8s_authz::k8s_schema_text());
      continue;
    }
    auto text = read_text(path);
    if (!text) return {nullptr, path + ": " + text.error().message, {}};
    texts.push_back(std::move(*text));
  }
  std::vector<cedar::SchemaFragment> fragments;
  for (size_t i = 0; i < paths.size(); ++i) {
    fragments.push_back({paths[i] == "k8s" ? std::string("k8s.cedarschema") : paths[i], texts[i],
                         cedar::detect_schema_syntax(texts[i])});
  }
  auto merged = cedar::parse_schema_fragments(fragments);
  if (!merged) {
    std::string detail;
    for (const cedar::Diagnostic& d : merged.error()) detail += d.render() + "\n";
    return {nullptr, merged.error().empty() ? "invalid schema" : merged.error().front().render(),
            detail};
  }
  auto schema = k8s_authz::extend_admission_actions(*merged);
  if (!schema) return {nullptr, schema.error().message, {}};
  return {std::make_shared<const Schema>(std::move(*schema)), {}, {}};
}

}  // namespace

int CedarCommand::validate() const {
  InputCache cache;
  const Loaded<Schema> schema = validation_schema(cache, validate_schema_);
  if (!schema.value) {
    std::cerr << (schema.detail.empty() ? schema.error + "\n" : schema.detail);
    return kExitInput;
  }
  auto links = load_template_links(template_links_);
  if (!links) {
    std::cerr << links.error();
    return kExitInput;
  }
  const Loaded<PolicySet>& policies =
      cache.policies_file(validate_policies_, policy_format_from(policy_format_), *links,
                          /*for_validation=*/true);
  if (!policies.value) {
    std::cerr << (policies.detail.empty() ? policies.error + "\n" : policies.detail);
    return kExitInput;
  }
  const cedar::ValidationResult result = cedar::validate(*policies.value, *schema.value);
  std::cout << cedar::render_all(result.diagnostics(), policies.value->source());
  std::cout << fmt::format("{}: {} error{}, {} warning{} in {} polic{}\n", policies.value->file(),
                           result.error_count(), result.error_count() == 1 ? "" : "s",
                           result.warning_count(), result.warning_count() == 1 ? "" : "s",
                           result.policies.size(), result.policies.size() == 1 ? "y" : "ies");
  return result.ok() ? kExitOk : kExitFindings;
}

}  // namespace eksguard::cli
