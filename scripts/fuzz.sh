#!/usr/bin/env bash
# Fuzzes the pure core with cargo-fuzz (libFuzzer): each target in fuzz/fuzz_targets/ for
# SECONDS (default 20), after replaying the committed seeds and reproducers. Prints the
# executions each target reached and fails on any crash (the input lands in fuzz/artifacts/).
#
#   scripts/fuzz.sh [seconds-per-target] [target...]
#
# Installs the pinned nightly (scripts/setup.sh nightly) and cargo-fuzz when missing (quiet when
# they are there).
# FUZZ_SANITIZER=address runs under ASan (slower; the core has no unsafe code, so the default
# is none). FUZZ_JOBS=N runs N workers per target (libFuzzer -fork). Extra libFuzzer flags go
# in FUZZ_ARGS, e.g. FUZZ_ARGS="-max_len=65536".
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_TARGET="${1:-20}"
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(sse_decoder chat_stream json_reader event_streams bodies)
SANITIZER="${FUZZ_SANITIZER:-none}"
JOBS="${FUZZ_JOBS:-1}"
say() { printf 'fuzz: %s\n' "$*" >&2; }
# The panic message and assertion values of a crash log, without the backtrace frames.
show_panic() { grep -E -A3 "panicked at|ERROR: libFuzzer: (out-of-memory|timeout|leak)|ERROR: AddressSanitizer" "$1" | grep -vE '^\s+[0-9]+: |^\s+at |^stack backtrace|^--$' | head -n 12 >&2; }

NIGHTLY="$(sed -n 's/^nightly = "\(.*\)"/\1/p' Cargo.toml | head -n1)"
bash scripts/setup.sh nightly
if ! cargo fuzz --version >/dev/null 2>&1; then
  say "installing cargo-fuzz (about 1.5 minutes)"
  cargo install cargo-fuzz --locked --quiet 2>/dev/null || cargo install cargo-fuzz --quiet
fi

cd fuzz
say "building ${TARGETS[*]} (sanitizer: $SANITIZER)"
build_log="$(mktemp)"
for t in "${TARGETS[@]}"; do
  if ! cargo +"$NIGHTLY" fuzz build --sanitizer "$SANITIZER" "$t" >"$build_log" 2>&1; then
    cat "$build_log" >&2
    exit 1
  fi
done
rm -f "$build_log"

failed=0
for t in "${TARGETS[@]}"; do
  mkdir -p "corpus/$t" "artifacts/$t"
  log="$(mktemp)"
  # Known reproducers first: a fixed bug must stay fixed.
  repros=(artifacts/"$t"/repro-*)
  if [ -e "${repros[0]}" ]; then
    if ! cargo +"$NIGHTLY" fuzz run --sanitizer "$SANITIZER" "$t" "${repros[@]}" >"$log" 2>&1; then
      say "$t: a committed reproducer still fails:"
      show_panic "$log"
      say "$t: rerun with: cd fuzz && cargo +$NIGHTLY fuzz run --sanitizer $SANITIZER $t <file>  (files: ${repros[*]})"
      failed=1
      rm -f "$log"
      continue
    fi
  fi
  fork=()
  [ "$JOBS" -gt 1 ] && fork=(-fork="$JOBS")
  # shellcheck disable=SC2086
  if cargo +"$NIGHTLY" fuzz run --sanitizer "$SANITIZER" "$t" "corpus/$t" "seeds/$t" -- \
    -max_total_time="$SECONDS_PER_TARGET" -print_final_stats=1 "${fork[@]}" ${FUZZ_ARGS:-} >"$log" 2>&1; then
    execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1)"
    [ -n "$execs" ] || execs="$(sed -n 's/^#\([0-9]*\)[[:space:]]*DONE.*/\1/p' "$log" | tail -n1)"
    [ -n "$execs" ] || execs="$(grep -oE '^#[0-9]+' "$log" | tail -n1 | tr -d '#')"
    corp="$(grep -oE 'corp: [0-9]+' "$log" | tail -n1 | cut -d' ' -f2)"
    printf 'fuzz: %-12s %10s executions in %ss, 0 crashes (corpus %s inputs)\n' "$t" "${execs:-?}" "$SECONDS_PER_TARGET" "${corp:-?}"
  else
    say "$t: CRASH"
    show_panic "$log"
    grep -E "Test unit written to|Reproduce with|cargo fuzz run" "$log" | head -n 3 >&2
    say "$t: minimize with: cd fuzz && cargo +$NIGHTLY fuzz tmin --sanitizer $SANITIZER $t <artifact>; keep it as artifacts/$t/repro-<what>"
    failed=1
  fi
  rm -f "$log"
done
exit "$failed"
