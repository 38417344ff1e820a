#!/usr/bin/env bash
# Runs a dashboard command on localcloud in a headless Chromium and screenshots the trace it made.
# Needs a running AppHost (dotnet run --project SecureLambda.AppHost), chromium and Node 20+.
#   scripts/dashboard-screenshot.sh <login token from the AppHost log's login?t=…> [out.png] [command display name]
set -euo pipefail
token=${1:?usage: $0 <dashboard login token> [out.png] [command]}
out=${2:-docs/images/dashboard-trace.png}
command=${3:-"Send greeting as user1 → /lambda1"}
dashboard=${DASHBOARD_URL:-http://localhost:15180}
port=${DEVTOOLS_PORT:-9223}
profile=$(mktemp -d)
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --user-data-dir="$profile" --window-size=1600,1000 \
  --remote-debugging-port="$port" about:blank >/dev/null 2>&1 &
browser=$!
trap 'kill "$browser" 2>/dev/null; wait "$browser" 2>/dev/null; rm -rf "$profile"' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/json/version" >/dev/null && break; sleep 0.2; done
mkdir -p "$(dirname "$out")"
node --experimental-websocket --no-warnings "$(dirname "$0")/dashboard-cdp.mjs" "$port" "$dashboard" "$token" \
  --command localcloud "$command" --screenshot "$out"
