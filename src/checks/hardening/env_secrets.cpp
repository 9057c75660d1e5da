#include "checks/hardening/env_secrets.h"

#include <array>

#include "common/strings.h"

namespace eksguard::hardening {
namespace {

constexpr size_t kMaxWords = 32;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_upper(char c) {
  return c >= 'A' && c <= 'Z';
}
bool is_lower(char c) {
  return c >= 'a' && c <= 'z';
}
bool is_alnum(char c) {
  return is_digit(c) || is_upper(c) || is_lower(c);
}
bool is_upper_alnum(char c) {
  return is_digit(c) || is_upper(c);
}
bool is_base64url(char c) {
  return is_alnum(c) || c == '-' || c == '_';
}
bool is_alnum_underscore(char c) {
  return is_alnum(c) || c == '_';
}
bool is_alnum_dash(char c) {
  return is_alnum(c) || c == '-';
}

char upper(char c) {
  return is_lower(c) ? static_cast<char>(c - 'a' + 'A') : c;
}

// Case-insensitive search of an upper-case needle.
bool icontains(std::string_view hay, std::string_view needle) {
  if (needle.size() > hay.size()) return false;
  for (size_t i = 0; i + needle.size() <= hay.size(); ++i) {
    size_t j = 0;
    while (j < needle.size() && upper(hay[i + j]) == needle[j]) ++j;
    if (j == needle.size()) return true;
  }
  return false;
}

bool iends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && iequals(s.substr(s.size() - suffix.size()), suffix);
}

bool istarts_with(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

template <size_t N>
bool iequals_any(std::string_view word, const std::array<std::string_view, N>& words) {
  for (std::string_view w : words) {
    if (iequals(word, w)) return true;
  }
  return false;
}

constexpr auto kContained =
    std::to_array<std::string_view>({"PASSWORD", "PASSWD", "PASSPHRASE", "SECRET", "CREDENTIAL",
                                     "APIKEY", "ACCESSKEY", "SECRETKEY", "PRIVATEKEY"});

// Words before KEY that make it a key in the cryptographic sense.
constexpr auto kKeyKinds =
    std::to_array<std::string_view>({"API", "ACCESS", "PRIVATE", "SECRET", "ENCRYPTION", "SIGNING",
                                     "MASTER", "AUTH", "CLIENT", "SSH", "LICENSE"});

// Words after a credential word that describe it instead of holding it.
constexpr auto kAbout = std::to_array<std::string_view>(
    {"FILE",      "FILES",    "FILENAME", "PATH",      "PATHS",   "DIR",        "DIRECTORY",
     "FOLDER",    "NAME",     "NAMES",    "URL",       "URI",     "ENDPOINT",   "HOST",
     "PORT",      "ARN",      "ID",       "IDS",       "REF",     "MOUNT",      "LOCATION",
     "PREFIX",    "SUFFIX",   "TYPE",     "KIND",      "MODE",    "FORMAT",     "METHOD",
     "ALGORITHM", "ALG",      "TTL",      "EXPIRY",    "EXPIRES", "EXPIRATION", "LIFETIME",
     "TIMEOUT",   "DURATION", "INTERVAL", "PERIOD",    "AGE",     "LENGTH",     "LEN",
     "SIZE",      "LIMIT",    "COUNT",    "HEADER",    "FIELD",   "PARAM",      "POLICY",
     "AUDIENCE",  "ISSUER",   "SCOPE",    "SCOPES",    "VERSION", "PROVIDER",   "STORE",
     "BACKEND",   "SOURCE",   "REGION",   "NAMESPACE", "USER",    "USERNAME",   "ENABLED",
     "DISABLED",  "REQUIRED", "ROTATION"});

// Words before a credential word that make the variable a switch or a limit.
constexpr auto kSwitches = std::to_array<std::string_view>(
    {"MAX", "MIN", "NUM", "ENABLE", "ENABLED", "DISABLE", "DISABLED", "USE", "SKIP", "REQUIRE",
     "REQUIRED", "ALLOW", "NO", "IS"});

struct Words {
  std::array<std::string_view, kMaxWords> items;
  size_t size = 0;
};

// Splits at non-alphanumerics and at lower-to-upper changes ("dbPassword" -> db, Password).
Words split_words(std::string_view name) {
  Words words;
  size_t start = 0;
  auto flush = [&](size_t end) {
    if (end > start && words.size < kMaxWords)
      words.items[words.size++] = name.substr(start, end - start);
  };
  for (size_t i = 0; i < name.size(); ++i) {
    if (!is_alnum(name[i])) {
      flush(i);
      start = i + 1;
    } else if (i > start && is_lower(name[i - 1]) && is_upper(name[i])) {
      flush(i);
      start = i;
    }
  }
  flush(name.size());
  return words;
}

bool is_credential_word(const Words& words, size_t i) {
  const std::string_view w = words.items[i];
  for (std::string_view keyword : kContained) {
    if (icontains(w, keyword)) return true;
  }
  if (iends_with(w, "TOKEN") || iequals(w, "CREDS")) return true;
  if ((iequals(w, "KEY") || iequals(w, "KEYS")) && i > 0) {
    return iequals_any(words.items[i - 1], kKeyKinds);
  }
  return (iequals(w, "PASS") || iequals(w, "PWD")) && i + 1 == words.size && words.size >= 2;
}

bool all_chars(std::string_view s, char c) {
  return s.find_first_not_of(c) == std::string_view::npos;
}

// "$(NAME)" somewhere in the value: the kubelet substitutes another variable.
bool has_enclosed(std::string_view v, std::string_view open, std::string_view close) {
  const size_t at = v.find(open);
  return at != std::string_view::npos && v.find(close, at + open.size()) != std::string_view::npos;
}

bool is_path_char(char c) {
  return is_alnum(c) || c == '.' || c == '_' || c == '-' || c == '/' || c == '+' || c == '@' ||
         c == '~' || c == ':' || c == '=' || c == ',';
}

bool looks_like_path(std::string_view v) {
  const bool rooted = v.front() == '/' || v.starts_with("./") || v.starts_with("../") ||
                      v.starts_with("~/") || istarts_with(v, "file:");
  if (!rooted || v.size() < 2) return false;
  for (char c : v) {
    if (!is_path_char(c)) return false;
  }
  return true;
}

constexpr auto kBooleanWords =
    std::to_array<std::string_view>({"true", "false", "yes", "no", "on", "off"});
constexpr auto kStoreReferences = std::to_array<std::string_view>(
    {"arn:", "vault:", "ref+", "ssm:", "secretsmanager:", "awssm:", "sm://"});

// A credential token: `prefix` at a word boundary followed by `min`..`max` chars of `pred`,
// then a boundary (max == 0: no upper bound).
bool find_token(std::string_view v, std::string_view prefix, size_t min, size_t max,
                bool (*pred)(char)) {
  for (size_t at = v.find(prefix); at != std::string_view::npos; at = v.find(prefix, at + 1)) {
    if (at > 0 && is_alnum(v[at - 1])) continue;
    size_t end = at + prefix.size();
    while (end < v.size() && pred(v[end])) ++end;
    const size_t length = end - at - prefix.size();
    if (length < min || (max != 0 && length > max)) continue;
    if (end < v.size() && is_alnum(v[end])) continue;
    return true;
  }
  return false;
}

bool has_private_key_block(std::string_view v) {
  for (size_t at = v.find("-----BEGIN "); at != std::string_view::npos;
       at = v.find("-----BEGIN ", at + 1)) {
    const size_t label = at + 11;
    const size_t end = v.find("-----", label);
    if (end != std::string_view::npos &&
        v.substr(label, end - label).find("PRIVATE KEY") != std::string_view::npos) {
      return true;
    }
  }
  return false;
}

size_t span(std::string_view v, size_t from, bool (*pred)(char)) {
  size_t end = from;
  while (end < v.size() && pred(v[end])) ++end;
  return end - from;
}

// header.payload.signature, both JSON parts base64url-encoded ("eyJ" is "{\"").
bool has_jwt(std::string_view v) {
  for (size_t at = v.find("eyJ"); at != std::string_view::npos; at = v.find("eyJ", at + 1)) {
    if (at > 0 && is_base64url(v[at - 1])) continue;
    const size_t header = span(v, at, is_base64url);
    const size_t p = at + header;
    if (header < 10 || p >= v.size() || v[p] != '.' || v.substr(p + 1, 3) != "eyJ") continue;
    const size_t payload = span(v, p + 1, is_base64url);
    const size_t s = p + 1 + payload;
    if (payload < 10 || s >= v.size() || v[s] != '.') continue;
    if (span(v, s + 1, is_base64url) >= 16) return true;
  }
  return false;
}

bool is_scheme_char(char c) {
  return is_alnum(c) || c == '+' || c == '.' || c == '-';
}

// scheme://user:password@host with a literal password; returns the "scheme://" part.
std::optional<std::string_view> url_with_password(std::string_view v) {
  for (size_t at = v.find("://"); at != std::string_view::npos; at = v.find("://", at + 1)) {
    size_t begin = at;
    while (begin > 0 && is_scheme_char(v[begin - 1])) --begin;
    if (at - begin < 2) continue;
    const size_t authority = at + 3;
    const size_t end = v.find_first_of("/?# ", authority);
    const std::string_view host_part =
        v.substr(authority, end == std::string_view::npos ? end : end - authority);
    const size_t amp = host_part.rfind('@');
    if (amp == std::string_view::npos) continue;
    const std::string_view userinfo = host_part.substr(0, amp);
    const size_t colon = userinfo.find(':');
    if (colon == std::string_view::npos || colon + 1 == userinfo.size()) continue;
    if (is_placeholder_value(userinfo.substr(colon + 1))) continue;
    return v.substr(begin, authority - begin);
  }
  return std::nullopt;
}

}  // namespace

bool is_credential_name(std::string_view name) {
  const Words words = split_words(name);
  size_t last = words.size;
  for (size_t i = 0; i < words.size; ++i) {
    if (is_credential_word(words, i)) last = i;
  }
  if (last == words.size) return false;
  for (size_t i = last + 1; i < words.size; ++i) {
    if (iequals_any(words.items[i], kAbout)) return false;
  }
  for (size_t i = 0; i < last; ++i) {
    if (iequals_any(words.items[i], kSwitches)) return false;
  }
  return true;
}

bool is_placeholder_value(std::string_view value) {
  const std::string_view v = trim(value);
  if (v.empty()) return true;
  if (has_enclosed(v, "$(", ")") || has_enclosed(v, "${", "}") || has_enclosed(v, "{{", "}}")) {
    return true;
  }
  if (v.front() == '<' && v.back() == '>') return true;
  if (all_chars(v, '*') || all_chars(v, 'x') || all_chars(v, 'X') || iequals(v, "REDACTED")) {
    return true;
  }
  if (iequals_any(v, kBooleanWords)) return true;
  for (std::string_view reference : kStoreReferences) {
    if (istarts_with(v, reference)) return true;
  }
  return looks_like_path(v);
}

std::optional<SecretShape> find_secret_shape(std::string_view v) {
  if (has_private_key_block(v)) return SecretShape{"a private key", "-----BEGIN"};
  // AWS documentation's sample key (AKIAIOSFODNN7EXAMPLE) is not a credential.
  const bool aws_sample = v.find("EXAMPLE") != std::string_view::npos;
  if (!aws_sample && find_token(v, "AKIA", 16, 16, is_upper_alnum)) {
    return SecretShape{"an AWS access key ID", "AKIA"};
  }
  if (!aws_sample && find_token(v, "ASIA", 16, 16, is_upper_alnum)) {
    return SecretShape{"an AWS temporary access key ID", "ASIA"};
  }
  for (std::string_view prefix : {"ghp_", "gho_", "ghu_", "ghs_", "ghr_"}) {
    if (find_token(v, prefix, 36, 36, is_alnum)) return SecretShape{"a GitHub token", prefix};
  }
  if (find_token(v, "github_pat_", 22, 0, is_alnum_underscore)) {
    return SecretShape{"a GitHub token", "github_pat_"};
  }
  if (find_token(v, "glpat-", 20, 0, is_base64url)) return SecretShape{"a GitLab token", "glpat-"};
  for (std::string_view prefix : {"xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-"}) {
    if (find_token(v, prefix, 10, 0, is_alnum_dash)) return SecretShape{"a Slack token", prefix};
  }
  for (std::string_view prefix : {"sk_live_", "rk_live_"}) {
    if (find_token(v, prefix, 16, 0, is_alnum)) return SecretShape{"a Stripe live key", prefix};
  }
  if (find_token(v, "AIza", 35, 35, is_base64url)) return SecretShape{"a Google API key", "AIza"};
  if (find_token(v, "npm_", 36, 36, is_alnum)) return SecretShape{"an npm token", "npm_"};
  if (has_jwt(v)) return SecretShape{"a JSON Web Token", "eyJ"};
  if (const auto scheme = url_with_password(v))
    return SecretShape{"a URL with a password", *scheme};
  return std::nullopt;
}

}  // namespace eksguard::hardening
