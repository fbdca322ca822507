#!/usr/bin/env bash
# The layers are enforced by the build (CMakeLists.txt, "Layers"): each library compiles with
# only its own and lower layers' headers on its include path. This compiles one-line probes
# with exactly the flags the build gives each library (its flags.make) and checks that an
# include against the direction fails with "No such file" while one along it compiles.
#   tests/layering_test.sh BUILD_DIR
set -uo pipefail
build=$1
fail() { echo "FAIL: $*"; exit 1; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

compile() {  # compile TARGET HEADER: prints the compiler's output, returns its status
  local flags="$build/CMakeFiles/$1.dir/flags.make"
  [[ -f "$flags" ]] || fail "no $flags (is $build a Makefile build?)"
  echo "#include \"$2\"" >"$dir/probe.cpp"
  # shellcheck disable=SC2046
  g++ $(sed -n 's/^CXX_DEFINES = //p; s/^CXX_INCLUDES = //p; s/^CXX_FLAGS = //p' "$flags") -fsyntax-only \
    "$dir/probe.cpp" 2>&1
}
refused() {  # refused TARGET HEADER
  local out
  out=$(compile "$1" "$2") && fail "$1 may include $2, against the layers' direction"
  grep -q "fatal error: $2: No such file or directory" <<<"$out" || fail "$1 including $2 failed otherwise: $out"
  echo "refused: $1 including $2: $(grep -m1 'fatal error' <<<"$out" | sed 's#.*/probe.cpp#probe.cpp#')"
}
allowed() {  # allowed TARGET HEADER
  local out
  out=$(compile "$1" "$2") || fail "$1 cannot include $2, along the layers' direction: $out"
  echo "allowed: $1 including $2"
}

allowed rxflow_store server/store/Database.h
allowed rxflow_store server/domain/Lifecycle.h
allowed rxflow_store server/audit/AuditEvent.h
allowed rxflow_store signing/digest.h
refused rxflow_store server/http/Response.h
refused rxflow_store server/app/Server.h
refused rxflow_store server/workflow/Workflow.h
refused rxflow_store server/jobs/Expiry.h
refused rxflow_store server/routing/Routing.h
refused rxflow_store pharmacy-adapters/PharmacyAdapter.h
allowed rxflow_workflow server/workflow/Workflow.h
allowed rxflow_workflow server/routing/Routing.h
allowed rxflow_workflow pharmacy-adapters/PharmacyAdapter.h
refused rxflow_workflow server/http/Response.h
refused rxflow_workflow server/jobs/Expiry.h
refused rxflow_workflow server/app/Settings.h
allowed rxflow_http server/http/Change.h
allowed rxflow_http server/workflow/Workflow.h
refused rxflow_http server/jobs/Sweeper.h
refused rxflow_http server/app/Server.h
allowed rxflow_jobs server/jobs/Sweeper.h
allowed rxflow_jobs server/workflow/Workflow.h
refused rxflow_jobs server/http/Metrics.h
refused rxflow_jobs server/http/Services.h
refused rxflow_jobs server/app/Settings.h
allowed rxflow_core server/http/Services.h
allowed rxflow_core server/jobs/Sweeper.h
allowed rxflow_domain server/domain/StoreChoice.h
allowed rxflow_domain server/domain/Decide.h
allowed rxflow_domain server/settlement/Reconciler.h
refused rxflow_domain server/store/Database.h
refused rxflow_domain server/http/Response.h
allowed rxsign signing/json.h
refused rxsign server/domain/Error.h
refused rxflow_adapters server/store/Database.h
echo "layering: every probe as expected"
