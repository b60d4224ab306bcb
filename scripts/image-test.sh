#!/usr/bin/env bash
# Smoke test of Rapport's image (`make image-test`): build it (cached layers make an unchanged
# tree quick), then from the image, against a fresh PostgreSQL database and a fake Slack Web API
# on 127.0.0.1:
#   - the image runs as a non-root user and holds no compiler, pip or tests;
#   - `rapport db upgrade` migrates the database;
#   - the entry command, `rapport run --http`, answers /readyz (or /healthz) with 200, answers a
#     signed Slack request on /slack/events, and the image's HEALTHCHECK command passes;
#   - SIGTERM stops it.
# Prints PASS or FAIL; exit 0 on PASS.
#
#   scripts/image-test.sh                 # build, then test localhost/rapport:latest
#   NO_BUILD=1 scripts/image-test.sh      # test the image as it is
#   PGHOST=… PGPORT=… PGUSER=… scripts/image-test.sh   # default 127.0.0.1:5432, user postgres
#
# Needs root, buildah, PostgreSQL's client tools (createdb, dropdb, psql) and a server that lets
# PGUSER create databases. Containers run with `buildah run --isolation chroot --network host`
# (no container runtime or daemon needed).
set -euo pipefail
cd "$(dirname "$0")/.."

IMAGE=${IMAGE:-localhost/rapport:latest}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
DB=rapport_image_test_$$
START_TIMEOUT=${START_TIMEOUT:-90}

# shellcheck source=scripts/common.sh
. scripts/common.sh
need_tools createdb:postgresql-client dropdb:postgresql-client psql:postgresql-client python3:python3

pg_isready -q || { say "FAIL: no PostgreSQL answers on $PGHOST:$PGPORT (.ci/run shows how to start it)"; exit 1; }

began=$(date +%s)
failed=0
ctr="" app_pid="" slack_pid="" db_made=""
WORK=$(mktemp -d /var/tmp/rapport-image-test.XXXXXX)

# shellcheck disable=SC2317  # called by the trap
cleanup() {
  set +e
  if [ -n "$app_pid" ] && kill -0 "$app_pid" 2>/dev/null; then
    kill -TERM -- "-$app_pid" 2>/dev/null
    sleep 2
    kill -KILL -- "-$app_pid" 2>/dev/null
  fi
  if [ -n "$slack_pid" ]; then kill "$slack_pid" 2>/dev/null; wait "$slack_pid" 2>/dev/null; fi
  if [ -n "$ctr" ]; then bah rm "$ctr" >/dev/null 2>&1; fi
  if [ -n "$db_made" ]; then dropdb --if-exists "$DB" 2>/dev/null; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ok() { say "ok   $*"; }
bad() { say "FAIL $*"; failed=1; }
show_log() { sed 's/^/    | /' "$1" | tail -n "${2:-25}" >&2; }

if [ -z "${NO_BUILD:-}" ]; then
  scripts/image-build.sh
fi
bah inspect --type image "$IMAGE" >/dev/null 2>&1 || { say "FAIL: no image $IMAGE (run make image)"; exit 1; }
size=$(bah images --format '{{.Size}}' "$IMAGE" | head -n 1)

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
SLACK_PORT=$(free_port)
PORT=$(free_port)

# A fake Slack Web API: every method answers ok (auth.test with a team), so Rapport starts
# without reaching Slack.
cat >"$WORK/fake_slack.py" <<'EOF'
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Slack(BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        method = self.path.rsplit("/", 1)[-1].split("?")[0]
        answer = {"ok": True, "response_metadata": {"next_cursor": ""}}
        if method == "auth.test":
            answer.update(team_id="T0IMAGE", team="Image test", user_id="U0BOT", bot_id="B0BOT",
                          user="rapport", url="https://image-test.slack.com/")
        elif method == "team.info":
            answer["team"] = {"id": "T0IMAGE", "name": "Image test", "domain": "image-test"}
        elif method == "users.list":
            answer["members"] = []
        elif method in ("conversations.list", "users.conversations"):
            answer["channels"] = []
        elif method == "team.profile.get":
            answer["profile"] = {"fields": []}
        body = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST

    def log_message(self, *args):
        pass


ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Slack).serve_forever()
EOF
python3 "$WORK/fake_slack.py" "$SLACK_PORT" &
slack_pid=$!

createdb "$DB" && db_made=1
DATABASE_URL="postgresql+psycopg://$PGUSER@$PGHOST:$PGPORT/$DB"
SECRET="image-test-signing-secret"
ENVS=(
  -e DATABASE_URL="$DATABASE_URL"
  -e SLACK_BOT_TOKEN=xoxb-0000-image-test
  -e SLACK_SIGNING_SECRET="$SECRET"
  -e SLACK_API_URL="http://127.0.0.1:$SLACK_PORT/api/"
  -e RAPPORT_HEALTH_URL="http://127.0.0.1:$PORT"
)
ctr=$(bah from --pull=never --quiet "$IMAGE")
inside() { bah run --isolation chroot --network host "${ENVS[@]}" "$ctr" -- "$@"; }
say "testing $IMAGE ($size) against $PGHOST:$PGPORT/$DB, fake Slack on :$SLACK_PORT, app on :$PORT"

# 1. What is in the image.
uid=$(inside id -u)
if [ "$uid" != 0 ]; then ok "runs as uid $uid ($(inside id -un)), not root"; else bad "runs as root"; fi
# shellcheck disable=SC2016  # $t is the image's shell's
found=$(inside sh -c 'for t in gcc cc c++ make ld as pip pip3 curl; do command -v "$t"; done; ls -d /src /opt/rapport/lib/python3.11/site-packages/tests 2>/dev/null' 2>/dev/null || true)
if [ -z "$found" ]; then ok "no compiler, linker, pip, curl, sources or tests"; else bad "found in the image: $(echo "$found" | tr '\n' ' ')"; fi
if inside rapport --help | grep -q -- '--version'; then
  ok "rapport --version: $(inside rapport --version 2>&1)"
fi

# 2. Migrations, as the one-shot service in compose.yaml runs them.
if inside rapport db upgrade >"$WORK/upgrade.log" 2>&1; then
  ok "rapport db upgrade: $(tail -n 1 "$WORK/upgrade.log")"
  rev=$(psql -d "$DB" -tAc 'SELECT version_num FROM alembic_version' 2>/dev/null || true)
  tables=$(psql -d "$DB" -tAc "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")
  if [ -n "$rev" ]; then ok "schema at $rev, $tables tables"; else bad "no alembic_version after the upgrade"; fi
else
  bad "rapport db upgrade failed:"
  show_log "$WORK/upgrade.log"
fi

# 3. The entry command, HTTP mode.
if health=$(inside rapport-healthcheck 2>/dev/null); then
  bad "the HEALTHCHECK passes with nothing serving: $health"
else
  ok "the HEALTHCHECK fails while nothing serves ($health)"
fi
if health=$(bah run --isolation chroot --network host "${ENVS[@]}" -e SLACK_APP_TOKEN=xapp-1-image-test \
  "$ctr" -- rapport-healthcheck 2>/dev/null); then
  ok "in Socket Mode the HEALTHCHECK passes with no HTTP ($health)"
else
  bad "in Socket Mode the HEALTHCHECK fails: $health"
fi

read -r -a entry < <(bah inspect --type image --format '{{range .Docker.Config.Entrypoint}}{{.}} {{end}}' "$IMAGE") || true
read -r -a cmd < <(bah inspect --type image --format '{{range .Docker.Config.Cmd}}{{.}} {{end}}' "$IMAGE") || true
[ "${#entry[@]}" -gt 0 ] || { bad "the image has no ENTRYPOINT"; entry=(rapport); }
# The image's own command, on a free port.
for i in "${!cmd[@]}"; do
  if [ "${cmd[$i]}" = --port ]; then cmd[i+1]=$PORT; fi
done
printf '%s ' "${entry[@]}" "${cmd[@]}" >"$WORK/command"
say "starting: $(cat "$WORK/command")"
t0=$(date +%s.%N)
setsid bash -c 'exec "$@"' _ buildah --storage-driver "$STORAGE_DRIVER" run --isolation chroot --network host \
  "${ENVS[@]}" "$ctr" -- "${entry[@]}" "${cmd[@]}" >"$WORK/app.log" 2>&1 &
app_pid=$!

path="" code=""
deadline=$(($(date +%s) + START_TIMEOUT))
while [ "$(date +%s)" -lt "$deadline" ]; do
  if ! kill -0 "$app_pid" 2>/dev/null; then break; fi
  for p in /readyz /healthz; do
    code=$(python3 - "http://127.0.0.1:$PORT$p" <<'EOF' || true
import sys, urllib.error, urllib.request
try:
    print(urllib.request.urlopen(sys.argv[1], timeout=2).status)
except urllib.error.HTTPError as e:
    print(e.code)
except OSError:
    print("down")
EOF
)
    if [ "$code" != 404 ]; then path=$p; break; fi
  done
  [ "$code" = 200 ] && break
  sleep 0.5
done
if [ "$code" = 200 ]; then
  ok "$path answered 200 after $(python3 -c "import time; print(f'{time.time() - $t0:.1f}')") s"
  if [ "$path" = /readyz ]; then
    hz=$(python3 -c "import urllib.request; print(urllib.request.urlopen('http://127.0.0.1:$PORT/healthz', timeout=3).status)" 2>&1 || true)
    if [ "$hz" = 200 ]; then ok "/healthz answered 200"; else bad "/healthz: $hz"; fi
  fi
  # A signed request, as Slack sends them: Bolt answers the URL verification challenge.
  answer=$(python3 - "http://127.0.0.1:$PORT/slack/events" "$SECRET" <<'EOF' 2>&1 || true
import hashlib, hmac, json, sys, time, urllib.request
url, secret = sys.argv[1], sys.argv[2]
body = json.dumps({"type": "url_verification", "token": "x", "challenge": "image-test-challenge"}).encode()
ts = str(int(time.time()))
sig = "v0=" + hmac.new(secret.encode(), b"v0:" + ts.encode() + b":" + body, hashlib.sha256).hexdigest()
req = urllib.request.Request(url, body, {"Content-Type": "application/json",
    "X-Slack-Request-Timestamp": ts, "X-Slack-Signature": sig})
print(urllib.request.urlopen(req, timeout=5).read().decode())
EOF
)
  if [[ "$answer" == *image-test-challenge* ]]; then ok "/slack/events answered a signed request"; else bad "/slack/events: $answer"; fi
  if health=$(inside rapport-healthcheck 2>/dev/null); then
    ok "the image's HEALTHCHECK passes ($health)"
  else
    bad "the image's HEALTHCHECK fails while serving: $health"
  fi
  metrics=$(python3 -c "import urllib.request; print(urllib.request.urlopen('http://127.0.0.1:$PORT/metrics', timeout=3).status)" 2>/dev/null || true)
  [ "$metrics" = 200 ] && ok "/metrics answered 200"
else
  bad "no 200 from /readyz or /healthz within ${START_TIMEOUT}s (last: ${code:-none}):"
  show_log "$WORK/app.log"
fi

# 4. SIGTERM stops it, as `docker stop` sends it to the entry command.
descendants() {
  local child
  for child in $(pgrep -P "$1"); do
    echo "$child"
    descendants "$child"
  done
}
if kill -0 "$app_pid" 2>/dev/null; then
  rapport_pid=""
  for pid in $(descendants "$app_pid"); do
    if tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'rapport run'; then rapport_pid=$pid; fi
  done
  if [ -n "$rapport_pid" ]; then kill -TERM "$rapport_pid"; else bad "no rapport process under buildah run"; kill -TERM -- "-$app_pid"; fi
  for _ in $(seq 1 40); do kill -0 "$app_pid" 2>/dev/null || break; sleep 0.5; done
  if kill -0 "$app_pid" 2>/dev/null; then
    bad "still running 20 s after SIGTERM"
  else
    wait "$app_pid" && rc=0 || rc=$?
    ok "stopped on SIGTERM (exit $rc)"
  fi
  app_pid=""
fi
if grep -qE 'Traceback|ERROR' "$WORK/app.log"; then
  bad "errors in the app's log:"
  show_log "$WORK/app.log" 40
fi

took=$(($(date +%s) - began))
if [ "$failed" = 0 ]; then
  say "PASS: $IMAGE ($size) in ${took}s"
else
  say "FAIL: $IMAGE ($size) in ${took}s"
fi
exit "$failed"
