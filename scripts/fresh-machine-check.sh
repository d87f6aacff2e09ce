#!/usr/bin/env bash
# Tries the README's two command lines as a newcomer would: a fresh clone of the committed HEAD, an empty HOME (no
# npm cache, no ~/.npmrc, no Node kept under ~/.cache), and a PATH with only the system's directories, where `node`
# is whatever the machine ships (Node 20 on this project's machines). Not part of `npm test`: it downloads every
# package twice and runs the whole suite, which takes a quarter of an hour.
#
#   bash scripts/fresh-machine-check.sh [--keep]
#
# Line 1, `npm ci && npm run demo`, starts a server that runs until Ctrl+C. It counts as working when the demo prints
# its stand-in admin's address and that page answers 200; then it gets SIGINT, as from Ctrl+C, and its exit code is
# the one reported. Line 2, `npm ci && npm test`, runs to its end.
set -uo pipefail

repo=$(git -C "$(dirname "$0")/.." rev-parse --show-toplevel)
keep=${1:-}
work=$(mktemp -d /tmp/ib-fresh.XXXXXX)
system_path=/usr/local/bin:/usr/bin:/bin
demo_ready_limit=600

log() { printf '%s\n' "$*" >&2; }

if [ -n "${CI:-}" ]; then log "fresh-machine-check: not for CI (it installs everything twice)"; exit 2; fi
if ss -ltn 2>/dev/null | grep -qE ':(3000|3100|3200|3300|3400|2525)\b'; then
  log "fresh-machine-check: a demo port (3000, 3100-3400, 2525) is taken; stop the running demo first"
  exit 2
fi

system_node=$(PATH=$system_path command -v node || true)
log "system node: ${system_node:-none} $(PATH=$system_path node --version 2>/dev/null)"
log "commit: $(git -C "$repo" rev-parse --short HEAD) (uncommitted changes are not part of the check)"
log "work folder: $work"

# A clean environment: what a new user's login shell has, minus anything this machine's user added.
fresh_env() {
  local home=$1
  shift
  env -i HOME="$home" PATH="$system_path" LANG=C.UTF-8 TERM=dumb USER="${USER:-root}" SHELL=/bin/bash "$@"
}

clone() {
  local dir=$1
  git clone --quiet --no-hardlinks "$repo" "$dir" && rm -rf "$dir/node_modules" "$dir/data"
}

results=()
overall=0

# ── line 1: npm ci && npm run demo ────────────────────────────────────────────────────────────────────────────────
clone "$work/demo"
mkdir -p "$work/home-demo"
start=$(date +%s)
(cd "$work/demo" && exec setsid env -i HOME="$work/home-demo" PATH="$system_path" LANG=C.UTF-8 TERM=dumb \
  SHELL=/bin/bash bash -c 'npm ci && npm run demo') >"$work/demo.log" 2>&1 &
demo_pid=$!
ready=""
admin_status=""
while kill -0 "$demo_pid" 2>/dev/null; do
  url=$(grep -oE 'http://127\.0\.0\.1:[0-9]+/sandbox/admin\?shop=invoice-bridge-demo\.myshopify\.com' "$work/demo.log" | head -1)
  if [ -n "$url" ]; then
    ready=$(( $(date +%s) - start ))
    admin_status=$(curl -s -o /dev/null -w '%{http_code}' "$url")
    break
  fi
  if [ $(( $(date +%s) - start )) -gt $demo_ready_limit ]; then break; fi
  sleep 2
done
if kill -0 "$demo_pid" 2>/dev/null; then
  kill -INT -- "-$demo_pid" 2>/dev/null
  for _ in $(seq 1 30); do kill -0 "$demo_pid" 2>/dev/null || break; sleep 1; done
  kill -KILL -- "-$demo_pid" 2>/dev/null
fi
wait "$demo_pid"
demo_exit=$?
if [ -n "$ready" ] && [ "$admin_status" = "200" ]; then
  results+=("npm ci && npm run demo: ready in ${ready} s (stand-in admin answered $admin_status), exit $demo_exit after Ctrl+C")
  # 130 is the shell's code for a command ended by Ctrl+C (128 + SIGINT), which is how a demo is stopped.
  [ "$demo_exit" -eq 0 ] || [ "$demo_exit" -eq 130 ] || overall=1
else
  results+=("npm ci && npm run demo: FAILED after $(( $(date +%s) - start )) s (exit $demo_exit, admin ${admin_status:-never printed}); see $work/demo.log")
  overall=1
fi
log "${results[-1]}"

# ── line 2: npm ci && npm test ────────────────────────────────────────────────────────────────────────────────────
clone "$work/test"
mkdir -p "$work/home-test"
start=$(date +%s)
(cd "$work/test" && fresh_env "$work/home-test" bash -c 'npm ci && npm test') >"$work/test.log" 2>&1
test_exit=$?
elapsed=$(( $(date +%s) - start ))
counts=$(grep -E '^ +Tests +[0-9]' "$work/test.log" | sed -E 's/\x1b\[[0-9;]*m//g; s/^ +//' | paste -sd ';' -)
results+=("npm ci && npm test: exit $test_exit in ${elapsed} s (${counts:-no test summary}); see $work/test.log")
[ "$test_exit" -eq 0 ] || overall=1
log "${results[-1]}"

printf '\nfresh-machine-check on %s, system node %s:\n' "$(git -C "$repo" rev-parse --short HEAD)" "$(PATH=$system_path node --version 2>/dev/null)"
printf '  %s\n' "${results[@]}"
scripts_node=$(cd "$work/test" && fresh_env "$work/home-test" npm exec --offline -- node --version 2>/dev/null)
printf '  node that npm scripts run on: %s\n' "${scripts_node:-unknown}"

if [ "$keep" != "--keep" ] && [ "$overall" -eq 0 ]; then rm -rf "$work"; fi
exit "$overall"
