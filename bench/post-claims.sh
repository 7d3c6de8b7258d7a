#!/usr/bin/env bash
# Load test: how fast does a running ClaimLinc accept claims (POST /claims -> 201)?
#
#   bench/post-claims.sh [sqlite|postgres|both] [DURATION_SECONDS]     (default: both 20)
#
# For each engine: start `claimlinc serve` on a free loopback port with a fresh temp data dir
# (and, for PostgreSQL, a fresh database on 127.0.0.1:5432), wait for /ready, warm up for 3 s,
# then run `wrk -t2 -c64 -d${DURATION}s --latency -s bench/post_claims.lua`, print the results,
# stop the server (SIGTERM), count the rows in `claims` and clean up (also on failure / Ctrl-C).
#
# Environment (all optional):
#   CLAIMLINC_BIN   use this binary instead of building target/release/claimlinc
#   BENCH_PG_URL    PostgreSQL server URL without a database [postgres://postgres@127.0.0.1:5432]
#   BENCH_THREADS / BENCH_CONNECTIONS / BENCH_WARMUP   wrk -t / -c / warm-up seconds [2 / 64 / 3]
#   BENCH_PATIENTS  unique: a different patient per claim; same: all claims for one patient [unique]
#   TMPDIR          where the temp data dir goes [/tmp]; keep it on a real disk, not tmpfs
set -euo pipefail

usage() {
    sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

ENGINES_ARG=${1:-both}
DURATION=${2:-20}
case "$ENGINES_ARG" in
    sqlite) ENGINES=(sqlite) ;;
    postgres) ENGINES=(postgres) ;;
    both) ENGINES=(sqlite postgres) ;;
    -h | --help) usage; exit 0 ;;
    *) echo "post-claims.sh: unknown engine \"$ENGINES_ARG\" (sqlite, postgres or both)" >&2; usage >&2; exit 2 ;;
esac
if ! [[ "$DURATION" =~ ^[0-9]+$ ]] || ((DURATION < 1 || DURATION > 3600)); then
    echo "post-claims.sh: DURATION_SECONDS must be a whole number from 1 to 3600, got \"$DURATION\"" >&2
    exit 2
fi

THREADS=${BENCH_THREADS:-2}
CONNECTIONS=${BENCH_CONNECTIONS:-64}
WARMUP=${BENCH_WARMUP:-3}
PATIENTS=${BENCH_PATIENTS:-unique}
PG_URL=${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LUA=bench/post_claims.lua # relative to $ROOT; wrk runs there
BODY="$ROOT/tests/fixtures/nphies/nphies-fhir-docs/10 - Claim Professional Request.json"

# ---- prerequisites -------------------------------------------------------------------------

need() {
    if ! command -v "$1" > /dev/null 2>&1; then
        echo "post-claims.sh: '$1' is not installed. $2" >&2
        exit 1
    fi
}
need wrk "Install it with: sudo apt-get install -y wrk   (Debian/Ubuntu; on macOS: brew install wrk)"
need curl "Install it with: sudo apt-get install -y curl"
for engine in "${ENGINES[@]}"; do
    case $engine in
        sqlite) need sqlite3 "It counts the stored rows. Install it with: sudo apt-get install -y sqlite3" ;;
        postgres)
            need psql "Install it with: sudo apt-get install -y postgresql-client"
            if ! psql "$PG_URL/postgres" -qAtX -c 'SELECT 1' > /dev/null; then
                echo "post-claims.sh: cannot reach PostgreSQL at $PG_URL (set BENCH_PG_URL)" >&2
                exit 1
            fi
            ;;
    esac
done
[[ -f "$BODY" ]] || { echo "post-claims.sh: sample body not found: $BODY" >&2; exit 1; }

if [[ -n "${CLAIMLINC_BIN:-}" ]]; then
    BIN=$CLAIMLINC_BIN
else
    echo "== cargo build --release -p claimlinc (a no-op when the binary is up to date)"
    (cd "$ROOT" && cargo build --release -p claimlinc)
    target_dir=${CARGO_TARGET_DIR:-target}
    [[ "$target_dir" = /* ]] || target_dir="$ROOT/$target_dir"
    BIN="$target_dir/release/claimlinc"
fi
[[ -x "$BIN" ]] || { echo "post-claims.sh: no executable at $BIN" >&2; exit 1; }

# ---- run state and cleanup -------------------------------------------------------------------

SERVER_PID=""
WORK=""
PG_DB=""

stop_server() {
    [[ -n "$SERVER_PID" ]] || return 0
    local pid=$SERVER_PID i rc=0
    SERVER_PID=""
    kill -TERM "$pid" 2> /dev/null || true
    for ((i = 0; i < 200; i++)); do # up to 20 s (the server gets --shutdown-grace-secs 5)
        kill -0 "$pid" 2> /dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2> /dev/null; then
        echo "post-claims.sh: server $pid ignored SIGTERM for 20 s; sending SIGKILL" >&2
        kill -KILL "$pid" 2> /dev/null || true
    fi
    wait "$pid" 2> /dev/null || rc=$?
    if ((rc != 0)); then
        echo "post-claims.sh: server exited with status $rc" >&2
        [[ -n "$WORK" && -f "$WORK/server.log" ]] && tail -n 20 "$WORK/server.log" >&2
    fi
    return 0
}

cleanup_run() {
    stop_server
    if [[ -n "$PG_DB" ]]; then
        psql "$PG_URL/postgres" -qAtX -c "DROP DATABASE IF EXISTS \"$PG_DB\" WITH (FORCE)" > /dev/null 2>&1 ||
            echo "post-claims.sh: could not drop database $PG_DB; drop it by hand" >&2
        PG_DB=""
    fi
    if [[ -n "$WORK" ]]; then
        rm -rf -- "$WORK"
        WORK=""
    fi
}
trap cleanup_run EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- helpers ---------------------------------------------------------------------------------

# A loopback port nobody is listening on (the server then binds it; a lost race shows up as a
# server that exits before /ready).
free_port() {
    local i port
    for ((i = 0; i < 50; i++)); do
        port=$((20000 + (RANDOM % 40000)))
        if ! (exec 3<> "/dev/tcp/127.0.0.1/$port") 2> /dev/null; then
            echo "$port"
            return 0
        fi
    done
    echo "post-claims.sh: no free loopback port found" >&2
    return 1
}

random_tag() { od -An -N4 -tx4 /dev/urandom | tr -d ' \n'; }

# field NAME FILE: NAME=value from the RESULT line that post_claims.lua prints.
field() { sed -n "s/^RESULT.* $1=\([^ ]*\).*/\1/p" "$2"; }

# CPU time (clock ticks, user+system) of one process, and of the shell's waited-for children.
proc_ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat" 2> /dev/null || echo 0; }
children_ticks() { awk '{ sub(/^.*\) /, ""); print $14 + $15 }' "/proc/$$/stat"; }
# Sum over all running processes named postgres (the backends serving the pool).
postgres_ticks() {
    cat /proc/[0-9]*/stat 2> /dev/null |
        awk '/^[0-9]+ \(postgres\) / { sub(/^.*\) /, ""); t += $12 + $13 } END { print t + 0 }'
}
# Busy, iowait and total ticks of the whole machine.
machine_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9, $6, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' /proc/stat; }

# run_wrk SECONDS TAG OUTFILE; fails (showing wrk's output) unless post_claims.lua reported.
run_wrk() {
    if ! (cd "$ROOT" && wrk -t"$THREADS" -c"$CONNECTIONS" -d"$1s" --latency -s "$LUA" \
        "http://127.0.0.1:$PORT" -- "$2" "$BODY" "$PATIENTS") > "$3" 2>&1 || ! grep -q '^RESULT ' "$3"; then
        echo "post-claims.sh: wrk failed:" >&2
        cat "$3" >&2
        return 1
    fi
}

# ---- run info -------------------------------------------------------------------------------

COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2> /dev/null || echo unknown)
DIRTY=$(git -C "$ROOT" status --porcelain --untracked-files=no 2> /dev/null | awk '{ print $NF }' | head -n 5 | tr '\n' ' ')
if [[ -n "$DIRTY" ]]; then
    COMMIT="$COMMIT + uncommitted changes in: ${DIRTY% }"
fi
NPROC=$(nproc)
CPU_MODEL=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2> /dev/null || true)
MEM_GIB=$(awk '/^MemTotal/ { printf "%.1f", $2 / 1048576 }' /proc/meminfo 2> /dev/null || true)
WRK_VERSION=$(wrk --version 2>&1 | head -n 1 | awk '{ print $1, $2 }' || true)
SQLITE_LIB=$(awk '/^name = "libsqlite3-sys"/ { getline; gsub(/[^0-9.]/, ""); print; exit }' "$ROOT/Cargo.lock" 2> /dev/null || true)
CLK_TCK=$(getconf CLK_TCK)
SUMMARY=()

# ---- one engine ------------------------------------------------------------------------------

run_engine() {
    local engine=$1 db_args=() db_desc
    WORK=$(mktemp -d "${TMPDIR:-/tmp}/claimlinc-bench.XXXXXX")
    mkdir "$WORK/data"
    PORT=$(free_port)
    case $engine in
        sqlite)
            db_desc="SQLite ${SQLITE_LIB:+(libsqlite3-sys $SQLITE_LIB, bundled) }file in $WORK/data on $(df -T "$WORK" | awk 'NR == 2 { print $2 }')"
            ;;
        postgres)
            PG_DB="claimlinc_bench_$$_$(date +%s)"
            psql "$PG_URL/postgres" -qAtX -v ON_ERROR_STOP=1 -c "CREATE DATABASE \"$PG_DB\"" > /dev/null
            db_args=(--database-url "$PG_URL/$PG_DB")
            db_desc="PostgreSQL $(psql "$PG_URL/postgres" -qAtX -c 'SHOW server_version') at ${PG_URL#*@}, fresh database $PG_DB"
            ;;
    esac

    # Settings come from these flags only: drop CLAIMLINC_* and DATABASE_URL from the environment.
    local unset_env=(-u DATABASE_URL) name
    for name in $(compgen -e); do
        [[ $name == CLAIMLINC_* ]] && unset_env+=(-u "$name")
    done
    env "${unset_env[@]}" "$BIN" serve --listen "127.0.0.1:$PORT" --data-dir "$WORK/data" \
        "${db_args[@]}" --log-level warn --shutdown-grace-secs 5 > "$WORK/server.log" 2>&1 &
    SERVER_PID=$!

    local i ready=0
    for ((i = 0; i < 600; i++)); do # up to 60 s
        if curl -fsS -o /dev/null "http://127.0.0.1:$PORT/ready" 2> /dev/null; then
            ready=1
            break
        fi
        if ! kill -0 "$SERVER_PID" 2> /dev/null; then break; fi
        sleep 0.1
    done
    if ((ready == 0)); then
        echo "post-claims.sh: the $engine server did not become ready; its log:" >&2
        cat "$WORK/server.log" >&2
        exit 1
    fi

    echo
    echo "================ ClaimLinc load test: POST /claims ================"
    echo "engine      $engine: $db_desc"
    echo "commit      $COMMIT"
    echo "date        $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
    echo "machine     nproc=$NPROC, ${CPU_MODEL:-unknown CPU}, ${MEM_GIB:-?} GiB RAM, $(uname -sr)"
    echo "load        $WRK_VERSION: wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s --latency -s $LUA (after a ${WARMUP}s warm-up)"
    echo "body        $(basename "$BODY") ($(wc -c < "$BODY") bytes), fresh Bundle.id and claim identifier per request, patients: $PATIENTS"
    echo "server      claimlinc serve --listen 127.0.0.1:$PORT --log-level warn ($engine), same machine as wrk"
    echo

    run_wrk "$WARMUP" "$(random_tag)" "$WORK/warmup.txt"
    local warm_created warm_non201 warm_unanswered
    warm_created=$(field created "$WORK/warmup.txt")
    warm_non201=$(field non201 "$WORK/warmup.txt")
    warm_unanswered=$(($(field sent "$WORK/warmup.txt") - $(field requests "$WORK/warmup.txt")))
    echo "warm-up     ${WARMUP}s: $warm_created x 201, $warm_non201 non-201"
    echo

    local m0 m1 s0 s1 c0 c1 p0 p1
    m0=$(machine_ticks); s0=$(proc_ticks "$SERVER_PID"); c0=$(children_ticks); p0=$(postgres_ticks)
    run_wrk "$DURATION" "$(random_tag)" "$WORK/run.txt"
    s1=$(proc_ticks "$SERVER_PID"); c1=$(children_ticks); p1=$(postgres_ticks); m1=$(machine_ticks)
    cat "$WORK/run.txt"

    # CPU use during the measured run, in % of one core (nproc cores = nproc x 100 %).
    local secs
    secs=$(field seconds "$WORK/run.txt")
    awk -v s0="$s0" -v s1="$s1" -v c0="$c0" -v c1="$c1" -v p0="$p0" -v p1="$p1" \
        -v m0="$m0" -v m1="$m1" -v hz="$CLK_TCK" -v secs="$secs" -v n="$NPROC" -v eng="$engine" 'BEGIN {
            split(m0, a, " "); split(m1, b, " ")
            printf "CPU during the run (%% of one core; %d cores = %d %%):\n", n, n * 100
            printf "  claimlinc server     %5.0f %%\n", (s1 - s0) / hz / secs * 100
            printf "  wrk                  %5.0f %%\n", (c1 - c0) / hz / secs * 100
            if (eng == "postgres") printf "  postgres processes   %5.0f %%\n", (p1 - p0) / hz / secs * 100
            if (b[3] > a[3]) {
                printf "  whole machine busy   %5.0f %%\n", (b[1] - a[1]) / (b[3] - a[3]) * n * 100
                printf "  whole machine iowait %5.0f %%\n", (b[2] - a[2]) / (b[3] - a[3]) * n * 100
            }
        }'

    stop_server
    local rows
    case $engine in
        sqlite) rows=$(sqlite3 "$WORK/data/claimlinc.db" 'SELECT count(*) FROM claims;') ;;
        postgres) rows=$(psql "$PG_URL/$PG_DB" -qAtX -c 'SELECT count(*) FROM healthcare.claims') ;;
    esac

    local created non201 unanswered expected check
    created=$(field created "$WORK/run.txt")
    non201=$(field non201 "$WORK/run.txt")
    unanswered=$(($(field sent "$WORK/run.txt") - $(field requests "$WORK/run.txt")))
    expected=$((warm_created + created))
    if ((rows == expected)); then
        check="OK (every 201 stored, nothing else)"
    elif ((rows > expected && rows <= expected + warm_unanswered + unanswered)); then
        check="OK ($((rows - expected)) more: requests still in flight when wrk stopped, finished by the server)"
    else
        check="MISMATCH"
    fi
    # The server logs at warn level; say what it complained about, if anything.
    local log_lines
    log_lines=$(grep -c . "$WORK/server.log" || true)
    echo
    echo "server log (--log-level warn): $log_lines line(s)"
    if ((log_lines > 0)); then
        sed -n 's/.*"level":"\([A-Z]*\)".*"message":"\([^"]*\)".*/\1 \2/p' "$WORK/server.log" |
            sort | uniq -c | sort -rn | head -n 5 | sed 's/^/  /'
    fi
    echo "rows in claims after the server stopped: $rows"
    echo "  201s counted: warm-up $warm_created + run $created = $expected; in flight at wrk stop: $((warm_unanswered + unanswered)) -> $check"

    SUMMARY+=("$(printf '%-9s %9s %9s %9s %9s %9s %8s %8s  %s' "$engine" \
        "$(field claims_per_s "$WORK/run.txt")" "$(field p50_ms "$WORK/run.txt")" \
        "$(field p90_ms "$WORK/run.txt")" "$(field p99_ms "$WORK/run.txt")" \
        "$(field max_ms "$WORK/run.txt")" "$non201" "$rows" "$check")")
    cleanup_run
    if [[ "$check" == MISMATCH || "$non201" != 0 ]]; then STATUS=1; fi
}

# Any failure inside run_engine ends the script (set -e); the EXIT trap stops the server and
# removes the temp dir / database. A non-201 or a row-count mismatch only sets the exit status.
STATUS=0
for engine in "${ENGINES[@]}"; do
    run_engine "$engine"
done

echo
echo "================ summary (commit $COMMIT, nproc=$NPROC, ${DURATION}s, -t$THREADS -c$CONNECTIONS) ================"
printf '%-9s %9s %9s %9s %9s %9s %8s %8s  %s\n' engine claims/s p50_ms p90_ms p99_ms max_ms non-201 rows check
for line in "${SUMMARY[@]}"; do echo "$line"; done
exit "$STATUS"
