# shellcheck shell=bash disable=SC2034  # the variables are used by the files that source this one
# deploy/local/env.sh: every default of the local platform, in one place.
#
# Sourced by ./platform (and so by every helper in deploy/local/). Each PLATFORM_* value can be
# overridden from the environment, e.g. `PLATFORM_PG_PORT=6543 ./platform up`. The PLATFORM_PG_*
# and PLATFORM_RABBITMQ_* connection values are exported because the test projects read them.

# The repository root is derived from this file's location, never taken from the environment,
# so that two checkouts never share (or clobber) each other's .local/ folder.
PLATFORM_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PLATFORM_LOCAL="$PLATFORM_ROOT/.local"          # git-ignored; everything the platform writes
PLATFORM_LOG_DIR="$PLATFORM_LOCAL/logs"         # NAME.log for every piece
PLATFORM_RUN_DIR="$PLATFORM_LOCAL/run"          # NAME.pid for every piece, the command lock
PLATFORM_KEY_FILE="$PLATFORM_LOCAL/dev-signing-key"
# Development keys of the personal-data protection (AES-GCM key and blind-index key, 32 random bytes each).
PLATFORM_PERSONAL_DATA_KEY_FILE="$PLATFORM_LOCAL/personal-data-key"
PLATFORM_PERSONAL_DATA_INDEX_KEY_FILE="$PLATFORM_LOCAL/personal-data-index-key"
PLATFORM_SEEDED_MARKER="$PLATFORM_LOCAL/seeded-county"
# Client secrets of the identity service's standard clients: CLIENT_ID.secret (32 random bytes, base64url, mode 600).
PLATFORM_IDENTITY_SECRET_DIR="$PLATFORM_LOCAL/identity"
# Demo accounts the CLI's seed made (userName, displayName, role, region, initial password; tab-separated).
PLATFORM_DEMO_ACCOUNTS_FILE="$PLATFORM_LOCAL/demo-accounts.txt"
PLATFORM_TEST_RESULTS="$PLATFORM_LOCAL/test-results"

# Log rotation while the platform runs (deploy/local/logs.sh): a log above PLATFORM_LOG_MAX_MB megabytes is
# rotated, PLATFORM_LOG_KEEP rotated files are kept (compressed), checked every PLATFORM_LOG_CHECK_SECONDS.
PLATFORM_LOG_MAX_MB="${PLATFORM_LOG_MAX_MB:-20}"
PLATFORM_LOG_KEEP="${PLATFORM_LOG_KEEP:-5}"
PLATFORM_LOG_CHECK_SECONDS="${PLATFORM_LOG_CHECK_SECONDS:-60}"

# Seconds to wait for one service's /health/ready, and for a service to stop after SIGTERM.
PLATFORM_READY_TIMEOUT="${PLATFORM_READY_TIMEOUT:-60}"
PLATFORM_STOP_TIMEOUT="${PLATFORM_STOP_TIMEOUT:-15}"

# --- PostgreSQL 15 ------------------------------------------------------------------------
export PLATFORM_PG_HOST="${PLATFORM_PG_HOST:-127.0.0.1}"
export PLATFORM_PG_PORT="${PLATFORM_PG_PORT:-5433}"
export PLATFORM_PG_USER="${PLATFORM_PG_USER:-platform}"
export PLATFORM_PG_PASSWORD="${PLATFORM_PG_PASSWORD:-platform}"
PLATFORM_PG_BIN="${PLATFORM_PG_BIN:-/usr/lib/postgresql/15/bin}"
PLATFORM_PG_DIR="$PLATFORM_LOCAL/postgres"
PLATFORM_PG_DATA="$PLATFORM_PG_DIR/data"        # owned by the postgres user (initdb refuses root)
# One database per service (database-per-service, one server locally).
PLATFORM_PG_DATABASES=(identity dispatch pairing funds assessment notification)

# --- RabbitMQ 3.10 (a private node, not the Debian service) ------------------------------
export PLATFORM_RABBITMQ_HOST="${PLATFORM_RABBITMQ_HOST:-127.0.0.1}"
export PLATFORM_RABBITMQ_PORT="${PLATFORM_RABBITMQ_PORT:-5673}"
export PLATFORM_RABBITMQ_MANAGEMENT_PORT="${PLATFORM_RABBITMQ_MANAGEMENT_PORT:-15673}"
export PLATFORM_RABBITMQ_USER="${PLATFORM_RABBITMQ_USER:-platform}"
export PLATFORM_RABBITMQ_PASSWORD="${PLATFORM_RABBITMQ_PASSWORD:-platform}"
PLATFORM_RABBITMQ_VHOST="${PLATFORM_RABBITMQ_VHOST:-/}"
# The Erlang node name must be unique per machine (epmd registry), so a second checkout that
# runs at the same time needs its own name as well as its own ports.
PLATFORM_RABBITMQ_NODE="${PLATFORM_RABBITMQ_NODE:-platform@localhost}"
# Erlang distribution port: RabbitMQ's own convention is AMQP port + 20000.
PLATFORM_RABBITMQ_DIST_PORT="${PLATFORM_RABBITMQ_DIST_PORT:-$((PLATFORM_RABBITMQ_PORT + 20000))}"
PLATFORM_RABBITMQ_DIR="$PLATFORM_LOCAL/rabbitmq"
PLATFORM_RABBITMQ_BIN="${PLATFORM_RABBITMQ_BIN:-/usr/lib/rabbitmq/bin}"

# --- Services, gateway and console ------------------------------------------------------------
# identity first: the others fetch its discovery document and keys, and call its token endpoint.
PLATFORM_SERVICES=(identity dispatch pairing funds assessment notification)
# The web console last: people reach it through the gateway, and it calls the APIs through the gateway.
PLATFORM_APPS=("${PLATFORM_SERVICES[@]}" gateway console)
# Services that call others outside a request (consumers, jobs) as their own service account: client APP-service.
PLATFORM_SERVICE_ACCOUNT_APPS=(dispatch pairing funds assessment notification)
# Their names as people read them (the identity service's client display names).
declare -A PLATFORM_SERVICE_DISPLAY_NAMES=(
  [dispatch]=选派 [pairing]=结对帮扶 [funds]=资金 [assessment]=考核 [notification]=通知
)

# Project folder of each app, relative to the repository root. The dll after a Release build is
# PROJECT/bin/Release/net10.0/<last path part>.dll.
declare -A PLATFORM_APP_PROJECT=(
  [identity]=services/Identity.Api
  [dispatch]=services/Dispatch.Api
  [pairing]=services/Pairing.Api
  [funds]=services/Funds.Api
  [assessment]=services/Assessment.Api
  [notification]=services/Notification.Api
  [gateway]=gateway/Platform.Gateway
  [console]=web/Platform.Web
)
PLATFORM_TARGET_FRAMEWORK="${PLATFORM_TARGET_FRAMEWORK:-net10.0}"

# REST (+health) port and HTTP/2-only gRPC port of each app.
PLATFORM_DISPATCH_PORT="${PLATFORM_DISPATCH_PORT:-5100}"
PLATFORM_DISPATCH_GRPC_PORT="${PLATFORM_DISPATCH_GRPC_PORT:-5101}"
PLATFORM_PAIRING_PORT="${PLATFORM_PAIRING_PORT:-5200}"
PLATFORM_PAIRING_GRPC_PORT="${PLATFORM_PAIRING_GRPC_PORT:-5201}"
PLATFORM_FUNDS_PORT="${PLATFORM_FUNDS_PORT:-5300}"
PLATFORM_FUNDS_GRPC_PORT="${PLATFORM_FUNDS_GRPC_PORT:-5301}"
PLATFORM_ASSESSMENT_PORT="${PLATFORM_ASSESSMENT_PORT:-5400}"
PLATFORM_ASSESSMENT_GRPC_PORT="${PLATFORM_ASSESSMENT_GRPC_PORT:-5401}"
PLATFORM_NOTIFICATION_PORT="${PLATFORM_NOTIFICATION_PORT:-5500}"
PLATFORM_NOTIFICATION_GRPC_PORT="${PLATFORM_NOTIFICATION_GRPC_PORT:-5501}"
PLATFORM_IDENTITY_PORT="${PLATFORM_IDENTITY_PORT:-5600}"
PLATFORM_IDENTITY_GRPC_PORT="${PLATFORM_IDENTITY_GRPC_PORT:-5601}"
PLATFORM_GATEWAY_PORT="${PLATFORM_GATEWAY_PORT:-5000}"
PLATFORM_GATEWAY_GRPC_PORT="${PLATFORM_GATEWAY_GRPC_PORT:-5001}"
# The console serves people only (HTTP, no gRPC port); they browse it through the gateway, never on this port.
PLATFORM_CONSOLE_PORT="${PLATFORM_CONSOLE_PORT:-5700}"

# Where tokens come from. identity (default): the identity service issues them (OpenID Connect, client credentials
# for ./platform token and the services' accounts); every app validates them against its discovery document.
# dev-key: the former development key (HS256 from PLATFORM_KEY_FILE), for tools that still sign their own tokens
# (tests/benchmarks); the identity service runs either way.
PLATFORM_AUTH_MODE="${PLATFORM_AUTH_MODE:-identity}"
PLATFORM_AUTH_AUDIENCE="${PLATFORM_AUTH_AUDIENCE:-platform}"
# The identity service's issuer (Identity:Issuer, tokens' iss, every app's Auth:Authority); the trailing slash counts.
PLATFORM_IDENTITY_ISSUER="http://127.0.0.1:$PLATFORM_IDENTITY_PORT/"
# Issuer of development-key tokens (PLATFORM_AUTH_MODE=dev-key, and tools that sign their own: tests/benchmarks).
PLATFORM_AUTH_ISSUER="${PLATFORM_AUTH_ISSUER:-platform-dev}"
# The standard clients of the identity service (./platform up registers them at its start):
# platform-cli (./platform token and seed), one APP-service per service account, the console (public, code + PKCE).
PLATFORM_CLI_CLIENT_ID=platform-cli
# The address people browse the console at (Console:PublicOrigin): the gateway's, which routes / to the console.
# The console's redirect after sign-in and after sign-out are built from it, and registered as such with identity.
PLATFORM_CONSOLE_PUBLIC_ORIGIN="${PLATFORM_CONSOLE_PUBLIC_ORIGIN:-http://127.0.0.1:$PLATFORM_GATEWAY_PORT}"
PLATFORM_CONSOLE_REDIRECT_URI="$PLATFORM_CONSOLE_PUBLIC_ORIGIN/signin-oidc"
PLATFORM_CONSOLE_POST_LOGOUT_REDIRECT_URI="$PLATFORM_CONSOLE_PUBLIC_ORIGIN/signout-callback-oidc"

# The seeding/token CLI (written on the C# side).
PLATFORM_CLI_PROJECT="deploy/tools/Platform.Cli"
PLATFORM_CLI_DLL="$PLATFORM_ROOT/$PLATFORM_CLI_PROJECT/bin/Release/$PLATFORM_TARGET_FRAMEWORK/Platform.Cli.dll"

# Keep the .NET CLI quiet and non-interactive (CI has no stdin).
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export DEBIAN_FRONTEND=noninteractive
