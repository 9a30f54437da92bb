#!/usr/bin/env bash
# The Debian packages Parley's tests and local cluster drive, installed with apt-get when missing.
# This file owns the list; `npm test` and `npm run cluster` run it first, as `scripts/kafka` provides Kafka.
#
#   scripts/provision/debian-packages.sh test      everything `npm test` needs
#   scripts/provision/debian-packages.sh cluster   what `npm run cluster` needs (nginx)
#
# Idempotent and silent when everything is there. Otherwise, as root with apt-get, it prints one line
# ("installing … with apt-get …") and installs; without root or without apt-get it stops at once with
# one line naming the command to run.
set -euo pipefail

# What each package is for, and how to tell it is already there (what the tests run, not dpkg's view).
#   chromium        /usr/bin/chromium drives Swagger UI headless (tests/e2e/swagger-ui.test.ts)
#   nginx           the load balancer of `npm run cluster` and of its tests
#   docker-compose  validates docker-compose.yml offline, no engine needed
#   gettext-base    envsubst renders the nginx template as the nginx image does
present() {
  case "$1" in
    chromium) [[ -x /usr/bin/chromium ]] ;;
    nginx) command -v nginx >/dev/null || [[ -x /usr/sbin/nginx || -x /usr/local/sbin/nginx ]] ;;
    docker-compose) command -v docker-compose >/dev/null ;;
    gettext-base) command -v envsubst >/dev/null ;;
    *) return 1 ;;
  esac
}

case "${1:-}" in
  test) wanted=(chromium nginx docker-compose gettext-base) ;;
  cluster) wanted=(nginx) ;;
  *) sed -n '2,/^[^#]/s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" | grep -v '^set ' >&2; exit 2 ;;
esac

missing() {
  local package
  for package in "${wanted[@]}"; do present "$package" || echo "$package"; done
}

mapfile -t absent < <(missing)
((${#absent[@]})) || exit 0

fail() { echo "debian-packages.sh: missing ${absent[*]}; $*" >&2; exit 1; }
command -v apt-get >/dev/null || fail "no apt-get here: install them with this system's package manager"
((EUID == 0)) || fail "run: sudo apt-get install -y ${absent[*]}"

# Two runs at once (a developer's and CI's, or two clones) would fight over apt's lock: take turns,
# and look again once it is our turn.
exec 9>"${TMPDIR:-/tmp}/parley-debian-packages.lock"
flock -w 900 9 || fail "timed out waiting for ${TMPDIR:-/tmp}/parley-debian-packages.lock"
mapfile -t absent < <(missing)
((${#absent[@]})) || exit 0

echo "installing ${absent[*]} with apt-get …"
log="$(mktemp "${TMPDIR:-/tmp}/parley-apt.XXXXXX.log")"
apt=(env DEBIAN_FRONTEND=noninteractive apt-get -q -o DPkg::Lock::Timeout=300)
if ! { "${apt[@]}" update && "${apt[@]}" install -y --no-install-recommends "${absent[@]}"; } >"$log" 2>&1; then
  tail -n 20 "$log" >&2
  fail "apt-get failed (full output in $log)"
fi
rm -f "$log"
mapfile -t absent < <(missing)
((${#absent[@]} == 0)) || fail "apt-get installed them but they are still not found"
