// EKS-POD-008 secrets passed through the environment, EKS-POD-009 literal credentials.
#include "checks/hardening/env_secrets.h"

#include "checks/hardening/hardening_test_util.h"

namespace eksguard::testing {
namespace {

using hardening::find_secret_shape;
using hardening::is_credential_name;
using hardening::is_placeholder_value;

TEST(HardeningEnvSecretTest, CredentialNames) {
  for (std::string_view name : {"PASSWORD",
                                "DB_PASSWORD",
                                "dbPassword",
                                "POSTGRES_PASSWD",
                                "GPG_PASSPHRASE",
                                "JWT_SECRET",
                                "CLIENT_SECRET",
                                "AWS_SECRET_ACCESS_KEY",
                                "AWS_SESSION_TOKEN",
                                "GITHUB_TOKEN",
                                "SLACK_AUTHTOKEN",
                                "API_KEY",
                                "apiKey",
                                "STRIPE_APIKEY",
                                "ACCESS_KEY",
                                "PRIVATE_KEY",
                                "SSH_PRIVATE_KEY",
                                "TLS_CLIENT_KEY",
                                "ENCRYPTION_KEY",
                                "SECRET_KEY_BASE",
                                "GOOGLE_CREDENTIALS",
                                "DOCKER_CREDS",
                                "DB_PASS",
                                "MYSQL_PWD",
                                "secret",
                                "x-api-key"}) {
    EXPECT_TRUE(is_credential_name(name)) << name;
  }
}

TEST(HardeningEnvSecretTest, NamesAboutCredentialsAreNotCredentials) {
  for (std::string_view name : {"TOKEN_FILE_PATH",
                                "AWS_WEB_IDENTITY_TOKEN_FILE",
                                "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
                                "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                                "AWS_SHARED_CREDENTIALS_FILE",
                                "PASSWORD_FILE",
                                "SECRET_NAME",
                                "SECRET_ARN",
                                "DB_SECRET_ID",
                                "TOKEN_URL",
                                "TOKEN_TTL",
                                "PASSWORD_MIN_LENGTH",
                                "SECRETS_MANAGER_REGION",
                                "AWS_ACCESS_KEY_ID",
                                "MAX_TOKENS",
                                "ENABLE_TOKEN_AUTH",
                                "USE_SECRET",
                                "TOKENIZER_PATH",
                                "PASS_THROUGH",
                                "PWD",
                                "OLDPWD",
                                "CACHE_KEY",
                                "PARTITION_KEY",
                                "KEYCLOAK_URL",
                                "LOG_LEVEL",
                                "PASSENGER_COUNT",
                                ""}) {
    EXPECT_FALSE(is_credential_name(name)) << name;
  }
}

TEST(HardeningEnvSecretTest, PlaceholdersAndReferences) {
  for (std::string_view value : {"",
                                 "   ",
                                 "$(DB_PASSWORD)",
                                 "prefix-$(TOKEN)",
                                 "${DB_PASSWORD}",
                                 "{{ .Values.password }}",
                                 "<your-password>",
                                 "********",
                                 "xxxx",
                                 "REDACTED",
                                 "true",
                                 "False",
                                 "no",
                                 "/var/run/secrets/db/password",
                                 "/etc/app/token",
                                 "./secrets/key",
                                 "~/.aws/credentials",
                                 "file:/run/secrets/x",
                                 "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf",
                                 "vault:secret/data/db#password",
                                 "ref+awssecrets://db/password"}) {
    EXPECT_TRUE(is_placeholder_value(value)) << value;
  }
  for (std::string_view value :
       {"hunter2", "changeme", "S3cr3t!", "123456", "/Xy8#kd q", "p@ss/word with space"}) {
    EXPECT_FALSE(is_placeholder_value(value)) << value;
  }
}

TEST(HardeningEnvSecretTest, WellKnownSecretShapes) {
  struct Case {
    std::string_view value;
    std::string_view kind;
  };
  for (const Case& c : std::initializer_list<Case>{
           {"AKIAZ7Q3N5P2R4T6V8X1", "an AWS access key ID"},
           {"id=ASIAZ7Q3N5P2R4T6V8X1;", "an AWS temporary access key ID"},
           {"-----BEGIN RSA PRIVATE KEY-----\nMIIEow...\n-----END RSA PRIVATE KEY-----",
            "a private key"},
           {"-----BEGIN OPENSSH PRIVATE KEY-----", "a private key"},
           {"ghp_0123456789abcdefghijABCDEFGHIJ012345", "a GitHub token"},
           {"github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz", "a GitHub token"},
           {"glpat-abcdefghij0123456789", "a GitLab token"},
           {"xoxb-1234567890-abcdefghij", "a Slack token"},
           {"sk_live_0123456789abcdefABCDEF", "a Stripe live key"},
           {"AIzaSyA0123456789abcdefghijklmnopqrstuv", "a Google API key"},
           {"npm_0123456789abcdefghijABCDEFGHIJ012345", "an npm token"},
           {"eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2EifQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ",
            "a JSON Web Token"},
           {"postgres://app:s3cr3t@db.internal:5432/app", "a URL with a password"},
       }) {
    const auto shape = find_secret_shape(c.value);
    ASSERT_TRUE(shape.has_value()) << c.value;
    EXPECT_EQ(shape->kind, c.kind) << c.value;
    EXPECT_TRUE(c.value.find(shape->shown) != std::string_view::npos) << c.value;
  }
}

TEST(HardeningEnvSecretTest, LookAlikesAreNotSecrets) {
  for (std::string_view value :
       {"AKIAIOSFODNN7EXAMPLE",         // AWS documentation's sample
        "AKIAZ7Q3N5P2R4T6V8X",          // 15 characters
        "AKIAZ7Q3N5P2R4T6V8X12",        // 17 characters
        "XAKIAZ7Q3N5P2R4T6V8X1",        // not at a word boundary
        "AROAZ7Q3N5P2R4T6V8X1Z",        // role unique id, not a key
        "-----BEGIN CERTIFICATE-----",  // public
        "-----BEGIN PUBLIC KEY-----", "ghp_short", "https://example.com/path",
        "postgres://app@db:5432/app",                 // no password
        "postgres://app:$(DB_PASSWORD)@db:5432/app",  // expanded by the kubelet
        "redis://:@cache:6379", "eyJhbGciOiJub25lIn0", "hello world"}) {
    EXPECT_FALSE(find_secret_shape(value).has_value()) << value;
  }
}

constexpr std::string_view kEnv = R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  template:
    spec:
      initContainers:
      - name: init
        image: init:1.0
        envFrom:
        - configMapRef: {name: settings}
        - secretRef: {name: init-env}
      containers:
      - name: api
        image: api:1.0
        env:
        - name: DB_PASSWORD
          valueFrom:
            secretKeyRef:
              name: db
              key: password
        - name: DB_HOST
          valueFrom:
            configMapKeyRef: {name: settings, key: host}
        - name: API_TOKEN
          value: "tok-1234567890"
        - name: GITHUB_DEPLOY
          value: ghp_0123456789abcdefghijABCDEFGHIJ012345
        - name: TOKEN_FILE_PATH
          value: /var/run/secrets/tokens/api
        - name: REDIS_PASSWORD
          value: $(DB_PASSWORD)
        - name: SMTP_PASSWORD
          value: ""
        - name: DATABASE_URL
          value: postgres://api:hunter2@db:5432/api
        - name: PIN_PASSWORD
          value: 123456
        - name: LOG_LEVEL
          value: debug
)";

TEST(HardeningEnvSecretTest, SecretReferencesInEnvArePerVariable) {
  HardeningRun run(kEnv);
  const auto found = run.of(CheckId::kEksSecretInEnvRef);
  ASSERT_EQ(found.size(), 2u) << ids(run.findings());
  EXPECT_EQ(found[0].info().id, "EKS-POD-008");
  EXPECT_EQ(found[0].path, "spec.template.spec.initContainers[0].envFrom[1].secretRef");
  EXPECT_EQ(found[0].position.line, line_of(kEnv, "secretRef: {name: init-env}"));
  EXPECT_EQ(found[0].message,
            "initContainer \"init\" loads every key of secret \"init-env\" into its environment "
            "(envFrom)");
  EXPECT_EQ(found[1].path, "spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef");
  EXPECT_EQ(found[1].position.line, line_of(kEnv, "name: db"));
  EXPECT_EQ(found[1].message,
            "container \"api\" reads key \"password\" of secret \"db\" into environment "
            "variable DB_PASSWORD");
}

TEST(HardeningEnvSecretTest, LiteralCredentialsAreReportedWithoutTheirValue) {
  HardeningRun run(kEnv);
  const auto found = run.of(CheckId::kEksSecretLiteralInEnv);
  ASSERT_EQ(found.size(), 4u) << ids(run.findings());
  EXPECT_EQ(found[0].info().id, "EKS-POD-009");
  EXPECT_EQ(found[0].path, "spec.template.spec.containers[0].env[2].value");
  EXPECT_EQ(found[0].position.line, line_of(kEnv, "tok-1234567890"));
  EXPECT_EQ(found[0].message,
            "container \"api\" sets environment variable API_TOKEN to a literal value (14 "
            "characters) in the manifest");
  EXPECT_EQ(found[1].path, "spec.template.spec.containers[0].env[3].value");
  EXPECT_EQ(found[1].message,
            "container \"api\" sets environment variable GITHUB_DEPLOY to what looks like a "
            "GitHub token (ghp_..., 40 characters) in plain text");
  EXPECT_EQ(found[2].path, "spec.template.spec.containers[0].env[7].value");
  EXPECT_NE(found[2].message.find("a URL with a password (postgres://..."), std::string::npos)
      << found[2].message;
  EXPECT_EQ(found[3].path, "spec.template.spec.containers[0].env[8].value");
  for (const Finding& finding : found) {
    for (std::string_view secret :
         {"tok-1234567890", "ghp_0123456789abcdef", "hunter2", "123456 "}) {
      EXPECT_EQ(finding.message.find(secret), std::string::npos) << finding.message;
    }
  }
}

TEST(HardeningEnvSecretTest, EnvWithoutSecretsPasses) {
  HardeningRun run(R"(apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  - name: app
    image: nginx:1.25
    env:
    - {name: LOG_LEVEL, value: info}
    - {name: AWS_WEB_IDENTITY_TOKEN_FILE, value: /var/run/secrets/eks.amazonaws.com/serviceaccount/token}
    - {name: AWS_ACCESS_KEY_ID, valueFrom: {configMapKeyRef: {name: x, key: y}}}
    - {name: DB_PASSWORD, value: "${DB_PASSWORD}"}
    - {name: FEATURE_SECRET_SCAN, value: "true"}
    envFrom:
    - configMapRef: {name: settings}
)");
  EXPECT_TRUE(run.of(CheckId::kEksSecretInEnvRef).empty()) << ids(run.findings());
  EXPECT_TRUE(run.of(CheckId::kEksSecretLiteralInEnv).empty()) << ids(run.findings());
}

}  // namespace
}  // namespace eksguard::testing
