#!/usr/bin/env bash
# Install the Debian packages rxflow needs to build and test.
#
# Only missing packages are installed; when everything is present the script
# does no apt work at all. Services (e.g. mariadb from mariadb-server's
# postinst) are never started or enabled: a temporary /usr/sbin/policy-rc.d
# denies invoke-rc.d during the install.
#
# Usage: scripts/setup.sh        (works from any cwd, needs no stdin)
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config git curl
  libpoco-dev libssl-dev libsoci-dev libsqlite3-dev libmariadb-dev
  libmysqlcppconn-dev doctest-dev
  mariadb-server mariadb-client
  wrk sqlite3 openssl
  jq prometheus
  nmap python3
  clang libclang-rt-14-dev
  libargon2-dev
  chromium chromium-driver python3-selenium fonts-wqy-zenhei
)
# tests/browser: the workbench in headless Chromium through WebDriver; the font draws its Chinese.
# scripts/fuzz.sh: clang builds the libFuzzer targets; libFuzzer itself (libclang_rt.fuzzer)
# is in libclang-rt-14-dev, which clang pulls in only as a recommendation (not installed here).
# The suite's outside validators come from npm (tests/tools/package.json, pinned by its
# lock file): Node.js and npm from Debian unless the machine already has them.
command -v npm >/dev/null 2>&1 || PACKAGES+=(nodejs npm)

SCRIPT_DIR="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd -- "$SCRIPT_DIR/.." && pwd)"
cd "$REPO_DIR"

die() { echo "setup: error: $*" >&2; exit 1; }

command -v dpkg-query >/dev/null 2>&1 || die "dpkg-query not found (this script supports Debian/Ubuntu only)"

# One dpkg-query call for all packages (fast); unknown packages print nothing.
declare -A status=()
while read -r name st; do
  name="${name%%:*}"
  [[ "${status[$name]:-}" == installed ]] || status["$name"]="$st"
done < <(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "${PACKAGES[@]}" 2>/dev/null || true)
missing=()
for pkg in "${PACKAGES[@]}"; do
  [[ "${status[$pkg]:-}" == "installed" ]] || missing+=("$pkg")
done

# npm tools: installed from the lock file into tests/tools/node_modules when missing or stale.
npm_tools() {
  local dir="$REPO_DIR/tests/tools"
  if [[ -f "$dir/node_modules/.package-lock.json" && "$dir/node_modules/.package-lock.json" -nt "$dir/package-lock.json" ]]; then
    return 0
  fi
  echo "setup: npm ci in tests/tools"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error </dev/null) || die "npm ci in tests/tools failed"
}

if ((${#missing[@]} == 0)); then
  echo "setup: all ${#PACKAGES[@]} packages present"
  npm_tools
  exit 0
fi

echo "setup: installing ${#missing[@]} missing package(s): ${missing[*]}"

SUDO=()
if ((EUID != 0)); then
  if command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo -n)
    "${SUDO[@]}" true </dev/null 2>/dev/null \
      || die "not root and 'sudo -n' needs a password; re-run as root or configure passwordless sudo"
  else
    die "not root and sudo is not available; re-run as root to install: ${missing[*]}"
  fi
fi

# Keep mariadb-server's postinst (and anything else) from starting services.
POLICY=/usr/sbin/policy-rc.d
created_policy=0
cleanup() {
  if ((created_policy)); then
    "${SUDO[@]}" rm -f "$POLICY" || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
if [[ ! -e "$POLICY" ]]; then
  # Set the flag first so an interruption mid-write still triggers removal.
  created_policy=1
  printf '#!/bin/sh\n# temporary, created by rxflow scripts/setup.sh\nexit 101\n' \
    | "${SUDO[@]}" tee "$POLICY" >/dev/null
  "${SUDO[@]}" chmod 0755 "$POLICY"
fi

# Wait (up to 10 min) for another apt/dpkg process instead of failing on its lock.
APT_OPTS=(-o DPkg::Lock::Timeout=600)
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "${APT_OPTS[@]}" update </dev/null
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
  apt-get "${APT_OPTS[@]}" install -y --no-install-recommends "${missing[@]}" </dev/null

npm_tools
echo "setup: done"
