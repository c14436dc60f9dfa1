#!/usr/bin/env bash
# Nothing lost, nothing twice: kills lienthongd with SIGKILL again and again while clerks send
# documents concurrently, restarts it, and checks the registry against what was acknowledged:
#   - every acknowledged document is there, with the number it was acknowledged with, and verifies;
#   - numbers are unique and run 01..N without a gap, so an unacknowledged send is whole or absent;
#   - after the next start no file is left that the registry does not name, and staging is empty.
#
# Usage: scripts/crash-safety.sh [BIN_DIR] [ROUNDS] [SENDERS]   (BIN_DIR holds lienthongd and lienthong;
# default .build/debug). Needs curl, python3 and sqlite3. Exits non-zero with the reason on failure.
set -euo pipefail

bin=$(cd "${1:-.build/debug}" && pwd)
rounds=${2:-5}
senders=${3:-6}
work=$(mktemp -d /tmp/lienthong-crash-XXXXXX)
trap 'kill -9 $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
cd "$work"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export LIENTHONG_PORT=$port LIENTHONG_DATA_DIRECTORY=$work/data LIENTHONG_CERTS_DIRECTORY=$work/Certs
export LIENTHONG_HOLIDAYS_FILE=$work/none.json LIENTHONG_SERVER=http://127.0.0.1:$port
export LIENTHONG_SIGNER_APPROVAL=optional  # the clerks name the signer; approvals are tested in SignerApprovalTests
fail() { echo "crash-safety: FAIL: $*" >&2; exit 1; }

daemon=""
start() {
    "$bin/lienthongd" >>"$work/daemon.log" 2>&1 &
    daemon=$!
    for _ in $(seq 1 600); do
        curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && return 0
        kill -0 "$daemon" 2>/dev/null || fail "lienthongd did not start: $(tail -5 "$work/daemon.log")"
        sleep 0.1
    done
    fail "lienthongd did not answer within 60 s"
}

# One clerk sending until the daemon dies: each acknowledged send is appended as "id number".
sender() {
    local token n=0 sha body answer
    token=$(cat "$work/data/tokens/clerk.tinh-dien-bien.token")
    while true; do
        n=$((n + 1))
        printf 'crash test %s-%s-%s\n' "$1" "$2" "$n" >"$work/doc-$1-$2"
        sha=$(curl -sf -H "Authorization: Bearer $token" --data-binary "@$work/doc-$1-$2" \
              "http://127.0.0.1:$port/v1/files" | python3 -c 'import json,sys; print(json.load(sys.stdin)["sha256"])' 2>/dev/null) || return 0
        body="{\"files\":[{\"sha256\":\"$sha\",\"name\":\"tb.pdf\"}],\"to\":[\"000.01.21.H18\",\"000.02.21.H18\"],\"type\":\"TB\",\"subject\":\"Thông báo $1-$2-$n\"}"
        answer=$(curl -sf -H "Authorization: Bearer $token" -H "Content-Type: application/json" \
                 -H "Idempotency-Key: crash-$1-$2-$n" --data-binary "$body" "http://127.0.0.1:$port/v1/documents") || return 0
        python3 -c 'import json,sys; d = json.loads(sys.argv[1]); print(d["id"], d["number"])' "$answer" >>"$work/acked-$1-$2"
    done
}

start
for round in $(seq 1 "$rounds"); do
    for s in $(seq 1 "$senders"); do sender "$round" "$s" & done
    sleep "$(python3 -c 'import random; print(round(random.uniform(1.5, 4.0), 2))')"
    kill -9 "$daemon"
    wait 2>/dev/null || true
    start 2>/dev/null
done

cat "$work"/acked-* >"$work/acked" 2>/dev/null || true
acked=$(wc -l <"$work/acked")
[ "$acked" -gt 0 ] || fail "no send was acknowledged; the machine may be too slow for $rounds rounds"

# The registry after the last restart.
"$bin/lienthong" register out --format json --token-file "$work/data/tokens/clerk.tinh-dien-bien.token" >"$work/register.json"
python3 - "$work/register.json" "$work/acked" <<'PY' || exit 1
import json, sys
rows = json.load(open(sys.argv[1]))["rows"]
numbers = [int(row[0].split("/")[0]) for row in rows]
if sorted(numbers) != list(range(1, len(numbers) + 1)):
    sys.exit(f"crash-safety: FAIL: numbers are not 01..{len(numbers)} exactly once: {sorted(numbers)[:20]}…")
filed = {int(row[0].split("/")[0]) for row in rows}
for line in open(sys.argv[2]):
    document, number = line.split()
    if int(number) not in filed:
        sys.exit(f"crash-safety: FAIL: acknowledged document {document} (number {number}) is missing")
print(f"crash-safety: {len(numbers)} documents filed, numbers 01..{len(numbers)} exactly once")
PY

# Every acknowledged document is the one acknowledged, and verifies offline; so does every other one filed.
token="$work/data/tokens/clerk.xa-na-son.token"
while read -r id number; do
    got=$(curl -sf -H "Authorization: Bearer $(cat "$token")" "http://127.0.0.1:$port/v1/documents/$id" \
          | python3 -c 'import json,sys; print(json.load(sys.stdin)["number"])') || fail "acknowledged document $id cannot be read"
    [ "$got" = "$number" ] || fail "document $id was acknowledged as number $number but is filed as $got"
done <"$work/acked"
for id in $(sqlite3 "$work/data/registry.sqlite" "SELECT id FROM document"); do
    rm -rf "$work/out"
    "$bin/lienthong" get "$id" --out "$work/out" --token-file "$token" >/dev/null || fail "document $id cannot be fetched whole"
    "$bin/lienthong" verify "$work/out" --trust "$work/Certs/trust" --crl "$work/Certs/crl" >/dev/null \
        || fail "document $id does not verify"
done
echo "crash-safety: all $acked acknowledged documents present with their numbers; every filed document verifies"

# No orphans after a start: every stored file is named by the registry; staging is empty.
kill -9 "$daemon"; wait "$daemon" 2>/dev/null || true
start
known=$(sqlite3 "$work/data/registry.sqlite" "SELECT sha256 FROM blob WHERE bytes IS NULL" | sort)
stored=$(find "$work/data/blobs" -mindepth 2 -type f -not -path '*/staging/*' -printf '%f\n' | sort)
[ "$known" = "$stored" ] || fail "stored files and registry differ: $(comm -3 <(echo "$known") <(echo "$stored") | head -5)"
[ -z "$(ls -A "$work/data/blobs/staging")" ] || fail "staging is not empty after a start"
echo "crash-safety: no orphan files after restart; passed ($rounds kills under $senders concurrent senders)"
