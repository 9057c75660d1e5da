#include "doc/yaml_loader.h"

#include <fmt/format.h>
#include <yaml.h>

#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace eksguard::doc::internal {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool is_bool_spelling(std::string_view t) {
  static constexpr std::string_view kSpellings[] = {
      "y",    "Y",    "yes",   "Yes",   "YES",   "n",  "N",  "no", "No",  "NO",  "true",
      "True", "TRUE", "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF"};
  for (std::string_view s : kSpellings) {
    if (t == s) return true;
  }
  return false;
}

// [-+]? digits with optional '_' separators, optional fraction and exponent; 0x/0o/0b forms;
// .inf/.nan spellings.
bool is_number_spelling(std::string_view t) {
  if (t.empty()) return false;
  static constexpr std::string_view kSpecial[] = {".inf",  ".Inf",  ".INF",  "-.inf",
                                                  "-.Inf", "-.INF", "+.inf", "+.Inf",
                                                  "+.INF", ".nan",  ".NaN",  ".NAN"};
  for (std::string_view s : kSpecial) {
    if (t == s) return true;
  }
  size_t i = 0;
  if (t[0] == '-' || t[0] == '+') ++i;
  if (i >= t.size()) return false;
  if (t.size() > i + 2 && t[i] == '0' && (t[i + 1] == 'x' || t[i + 1] == 'o' || t[i + 1] == 'b')) {
    const char base = t[i + 1];
    bool any = false;
    for (size_t j = i + 2; j < t.size(); ++j) {
      const char c = t[j];
      const bool ok = base == 'x'   ? std::isxdigit(static_cast<unsigned char>(c)) != 0
                      : base == 'o' ? c >= '0' && c <= '7'
                                    : c == '0' || c == '1';
      if (!ok && c != '_') return false;
      any |= ok;
    }
    return any;
  }
  bool digits = false;
  while (i < t.size() && (is_digit(t[i]) || (t[i] == '_' && digits))) digits |= is_digit(t[i++]);
  if (i < t.size() && t[i] == '.') {
    ++i;
    while (i < t.size() && (is_digit(t[i]) || t[i] == '_')) digits |= is_digit(t[i++]);
  }
  if (!digits) return false;
  if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
    ++i;
    if (i < t.size() && (t[i] == '-' || t[i] == '+')) ++i;
    if (i >= t.size() || !is_digit(t[i])) return false;
    while (i < t.size() && is_digit(t[i])) ++i;
  }
  return i == t.size();
}

Position position_of(const yaml_mark_t& mark, uint32_t line_offset) {
  return Position{static_cast<uint32_t>(mark.line) + 1 + line_offset,
                  static_cast<uint32_t>(mark.column) + 1};
}

// A collection being built: its start, its children, and the alias-expanded size so far.
struct Frame {
  bool is_mapping;
  Position position;
  std::string_view anchor;
  std::vector<const Node*> items;  // sequence items, or alternating key/value nodes
  size_t expanded = 1;
};

class EventParser {
 public:
  EventParser(std::string_view text, std::string_view file, uint32_t line_offset,
              const Limits& limits)
      : text_(text), file_(file), line_offset_(line_offset), limits_(limits) {
    yaml_parser_initialize(&parser_);
    yaml_parser_set_input_string(&parser_, reinterpret_cast<const unsigned char*>(text.data()),
                                 text.size());
  }
  ~EventParser() { yaml_parser_delete(&parser_); }
  EventParser(const EventParser&) = delete;
  EventParser& operator=(const EventParser&) = delete;

  YamlStreamResult run(uint32_t first_index, uint32_t* documents_seen,
                       const DocumentHandler& handler);

 private:
  // Returns false (with error_ set) on a parse error or a limit.
  bool next(yaml_event_t& event);
  bool handle_document(uint32_t index, size_t start_offset, const DocumentHandler& handler);
  bool add_node(const Node* node, std::string_view anchor, size_t expanded);
  const Node* finish_mapping(Frame& frame);
  bool set_error(std::string message, Position position, size_t offset);

  std::string_view text_;
  std::string_view file_;
  uint32_t line_offset_;
  const Limits& limits_;
  yaml_parser_t parser_;

  // Per-document state.
  Document* document_ = nullptr;
  std::unique_ptr<DocumentBuilder> builder_;
  std::vector<Frame> stack_;
  std::unordered_map<std::string, std::pair<const Node*, size_t>> anchors_;
  size_t alias_nodes_ = 0;
  size_t nodes_ = 0;
  const Node* root_ = nullptr;

  Error error_;
  size_t error_offset_ = 0;
  bool failed_ = false;
};

bool EventParser::set_error(std::string message, Position position, size_t offset) {
  error_ = Error{std::move(message), position.line, position.column};
  error_offset_ = offset;
  failed_ = true;
  return false;
}

bool EventParser::next(yaml_event_t& event) {
  if (yaml_parser_parse(&parser_, &event) != 0) return true;
  const yaml_mark_t& mark = parser_.problem_mark;
  std::string message = parser_.problem != nullptr ? parser_.problem : "invalid YAML";
  if (parser_.context != nullptr) message = fmt::format("{} {}", parser_.context, message);
  return set_error(fmt::format("invalid YAML: {}", message), position_of(mark, line_offset_),
                   mark.index);
}

bool EventParser::add_node(const Node* node, std::string_view anchor, size_t expanded) {
  if (!anchor.empty()) anchors_[std::string(anchor)] = {node, expanded};
  if (stack_.empty()) {
    root_ = node;
    return true;
  }
  Frame& parent = stack_.back();
  parent.items.push_back(node);
  parent.expanded += expanded;
  return true;
}

// Builds the mapping node, applying YAML merge keys ("<<") and letting a later duplicate key
// win, as the API server's JSON decoding does.
const Node* EventParser::finish_mapping(Frame& frame) {
  std::vector<MapEntry> entries;
  entries.reserve(frame.items.size() / 2);
  std::vector<const Node*> merges;
  for (size_t i = 0; i + 1 < frame.items.size(); i += 2) {
    const Node* key = frame.items[i];
    const Node* value = frame.items[i + 1];
    if (key->is_string() && key->text() == "<<" && (value->is_mapping() || value->is_sequence())) {
      merges.push_back(value);
      continue;
    }
    entries.push_back(MapEntry{key->text(), key->position(), value});
  }
  auto has_key = [&entries](std::string_view key) {
    for (const MapEntry& e : entries) {
      if (e.key == key) return true;
    }
    return false;
  };
  for (const Node* merge : merges) {
    const auto add_all = [&](const Node* source) {
      for (const MapEntry& e : source->entries()) {
        if (!has_key(e.key)) entries.push_back(e);
      }
    };
    if (merge->is_mapping()) add_all(merge);
    for (const Node* item : merge->items()) add_all(item);
  }
  // Duplicate keys: keep the last value at the first key's place.
  if (entries.size() > 1) {
    std::unordered_set<std::string_view> seen;
    if (entries.size() > 8) seen.reserve(entries.size());
    bool duplicates = false;
    for (const MapEntry& e : entries) duplicates |= !seen.insert(e.key).second;
    if (duplicates) {
      std::vector<MapEntry> unique;
      for (const MapEntry& e : entries) {
        bool replaced = false;
        for (MapEntry& u : unique) {
          if (u.key == e.key) {
            u.value = e.value;
            replaced = true;
          }
        }
        if (!replaced) unique.push_back(e);
      }
      entries = std::move(unique);
    }
  }
  return builder_->mapping(entries, frame.position);
}

bool EventParser::handle_document(uint32_t index, size_t start_offset,
                                  const DocumentHandler& handler) {
  Document document{std::string(file_), index};
  document_ = &document;
  builder_ = std::make_unique<DocumentBuilder>(document);
  stack_.clear();
  anchors_.clear();
  alias_nodes_ = 0;
  nodes_ = 0;
  root_ = nullptr;

  while (true) {
    yaml_event_t event;
    if (!next(event)) return false;
    const Position position = position_of(event.start_mark, line_offset_);
    bool ok = true;
    switch (event.type) {
      case YAML_DOCUMENT_END_EVENT: {
        yaml_event_delete(&event);
        if (root_ != nullptr && !root_->is_null()) {
          builder_->set_root(root_);
          handler(document);
        }
        return true;
      }
      case YAML_SCALAR_EVENT: {
        const std::string_view value(reinterpret_cast<const char*>(event.data.scalar.value),
                                     event.data.scalar.length);
        const std::string_view anchor =
            event.data.scalar.anchor ? reinterpret_cast<const char*>(event.data.scalar.anchor) : "";
        const std::string_view tag =
            event.data.scalar.tag ? reinterpret_cast<const char*>(event.data.scalar.tag) : "";
        NodeKind kind = NodeKind::kString;
        if (event.data.scalar.plain_implicit != 0 && tag.empty())
          kind = resolve_plain_scalar(value);
        else if (tag == "tag:yaml.org,2002:int" || tag == "tag:yaml.org,2002:float")
          kind = NodeKind::kNumber;
        else if (tag == "tag:yaml.org,2002:bool" && is_bool_spelling(value))
          kind = NodeKind::kBool;
        else if (tag == "tag:yaml.org,2002:null")
          kind = NodeKind::kNull;
        const Node* node = kind == NodeKind::kNull ? builder_->null(position)
                                                   : builder_->scalar(kind, value, position);
        ++nodes_;
        ok = add_node(node, anchor, 1);
        break;
      }
      case YAML_SEQUENCE_START_EVENT:
      case YAML_MAPPING_START_EVENT: {
        const bool mapping = event.type == YAML_MAPPING_START_EVENT;
        const yaml_char_t* raw_anchor =
            mapping ? event.data.mapping_start.anchor : event.data.sequence_start.anchor;
        if (stack_.size() >= limits_.max_depth) {
          ok = set_error(fmt::format("nesting deeper than {} levels", limits_.max_depth), position,
                         event.start_mark.index);
          break;
        }
        stack_.push_back(
            Frame{mapping,
                  position,
                  builder_->intern(raw_anchor ? reinterpret_cast<const char*>(raw_anchor) : ""),
                  {},
                  1});
        ++nodes_;
        break;
      }
      case YAML_SEQUENCE_END_EVENT:
      case YAML_MAPPING_END_EVENT: {
        Frame frame = std::move(stack_.back());
        stack_.pop_back();
        const Node* node = frame.is_mapping ? finish_mapping(frame)
                                            : builder_->sequence(frame.items, frame.position);
        ok = add_node(node, frame.anchor, frame.expanded);
        break;
      }
      case YAML_ALIAS_EVENT: {
        const std::string anchor(reinterpret_cast<const char*>(event.data.alias.anchor));
        const auto found = anchors_.find(anchor);
        if (found == anchors_.end()) {
          ok =
              set_error(fmt::format("unknown alias *{}", anchor), position, event.start_mark.index);
          break;
        }
        // Aliases share the anchored node; count what a consumer walking the tree would see.
        alias_nodes_ += found->second.second;
        if (alias_nodes_ > limits_.max_alias_nodes) {
          ok =
              set_error(fmt::format("aliases expand to more than {} nodes (possible billion-laughs "
                                    "attack)",
                                    limits_.max_alias_nodes),
                        position, event.start_mark.index);
          break;
        }
        ok = add_node(found->second.first, "", found->second.second);
        break;
      }
      default:
        break;
    }
    if (ok && nodes_ > limits_.max_nodes) {
      ok = set_error(fmt::format("document has more than {} nodes", limits_.max_nodes), position,
                     event.start_mark.index);
    }
    if (ok && event.end_mark.index - start_offset > limits_.max_document_bytes) {
      ok = set_error(fmt::format("document larger than {} bytes", limits_.max_document_bytes),
                     position, event.start_mark.index);
    }
    yaml_event_delete(&event);
    if (!ok) return false;
  }
}

YamlStreamResult EventParser::run(uint32_t first_index, uint32_t* documents_seen,
                                  const DocumentHandler& handler) {
  YamlStreamResult result;
  uint32_t index = first_index;
  while (true) {
    yaml_event_t event;
    if (!next(event)) break;
    const yaml_event_type_t type = event.type;
    const size_t start_offset = event.start_mark.index;
    yaml_event_delete(&event);
    if (type == YAML_STREAM_END_EVENT) break;
    if (type != YAML_DOCUMENT_START_EVENT) continue;
    const bool ok = handle_document(index++, start_offset, handler);
    if (documents_seen != nullptr) *documents_seen = index;
    if (!ok) break;
  }
  if (failed_) {
    result.errors.push_back(error_);
    result.completed = false;
    result.stopped_at = error_offset_;
  }
  return result;
}

}  // namespace

NodeKind resolve_plain_scalar(std::string_view text) {
  if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL") {
    return NodeKind::kNull;
  }
  if (is_bool_spelling(text)) return NodeKind::kBool;
  if (is_number_spelling(text)) return NodeKind::kNumber;
  return NodeKind::kString;
}

YamlStreamResult load_yaml_stream(std::string_view text, std::string_view file,
                                  uint32_t line_offset, uint32_t first_index,
                                  uint32_t* documents_seen, const Limits& limits,
                                  const DocumentHandler& on_document) {
  EventParser parser(text, file, line_offset, limits);
  return parser.run(first_index, documents_seen, on_document);
}

}  // namespace eksguard::doc::internal
