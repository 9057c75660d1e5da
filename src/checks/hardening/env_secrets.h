// Recognising credentials written literally into container environment variables
// (EKS-POD-009). Hand-written matchers: no regex, no allocation.
#pragma once

#include <optional>
#include <string_view>

namespace eksguard::hardening {

// True when an environment variable name says it holds a credential. The name is split into
// words at any non-alphanumeric character and at lower-to-upper case changes
// ("dbPassword" -> db, Password); matching ignores case.
//  - Words containing PASSWORD, PASSWD, PASSPHRASE, SECRET, CREDENTIAL, APIKEY, ACCESSKEY,
//    SECRETKEY or PRIVATEKEY; words ending in TOKEN (TOKEN, AUTHTOKEN, ...); CREDS;
//    KEY or KEYS right after API, ACCESS, PRIVATE, SECRET, ENCRYPTION, SIGNING, MASTER, AUTH,
//    CLIENT, SSH or LICENSE; PASS or PWD as the last word of a longer name (DB_PASS).
//  - Not when a later word says the value is about the credential rather than the credential
//    itself (TOKEN_FILE_PATH, SECRET_NAME, PASSWORD_FILE, AWS_WEB_IDENTITY_TOKEN_FILE,
//    SECRET_ARN, CLIENT_SECRET_ID, TOKEN_TTL, PASSWORD_MIN_LENGTH, TOKEN_URL, ...), nor when
//    an earlier word makes it a limit or a switch (MAX_TOKENS, ENABLE_TOKEN_AUTH, USE_SECRET).
bool is_credential_name(std::string_view name);

// True when a literal value is not itself a credential: blank; a Kubernetes $(VAR) expansion;
// an unrendered template (${X}, {{ x }}) or <placeholder>; a mask (****, xxxx, REDACTED);
// a boolean word (true/false/yes/no/on/off); a file path (/var/run/secrets/..., ./x, ~/x,
// file:...); a reference to a secret store (arn:..., vault:..., ref+..., ssm:...,
// secretsmanager:...). Default passwords such as "changeme" are credentials: the pod runs
// with them.
bool is_placeholder_value(std::string_view value);

struct SecretShape {
  std::string_view kind;   // "an AWS access key ID", "a private key", ...
  std::string_view shown;  // a prefix safe to print: "AKIA", "-----BEGIN", "postgres://"
};

// Finds a well-known credential format anywhere in the value, whatever the variable is called:
// AWS access key IDs (AKIA/ASIA + 16), PEM private keys, GitHub (ghp_, gho_, ghu_, ghs_, ghr_,
// github_pat_), GitLab (glpat-), Slack (xox?-), Stripe live keys, Google API keys (AIza),
// npm tokens, JSON Web Tokens (eyJ....eyJ....sig) and URLs with a password
// (scheme://user:password@host).
std::optional<SecretShape> find_secret_shape(std::string_view value);

}  // namespace eksguard::hardening
