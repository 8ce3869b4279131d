#!/usr/bin/env bash
# Team mode on PostgreSQL at scale: the push of 1 million messages, then the
# window's views over 10 million. Not a test: CI does not run it.
#
#   bench/team-bench.sh [BUILD_DIR]
#
# 1. Writes 20 developers' homes (50,000 messages each over the last 90 days,
#    250 per session, five projects each, a fifth of it on Bedrock; no text,
#    only what the parser reads) and scans them into a local database.
# 2. Starts a PostgreSQL server of its own (initdb in $BENCH_DIR, Unix socket
#    only, as "nobody" when run as root; fsync and synchronous commit left
#    on, shared_buffers 512MB), runs team init, makes an admin and a member.
# 3. Times `costmeter-cli push` of the 1,000,000 rows, as the admin, and
#    measures what they take on disk.
# 4. Grows the team to 10,000,000 rows inside the server: nine copies of the
#    first million under new users and sessions, through the same triggers
#    that keep the rollups (timed, but the push is what a member waits for).
# 5. Runs bench/cm-team-bench (the window's report model) as the admin and as
#    a member: the time from a filter change to the updated Overview, Models,
#    Users and Sessions.
#
# On the shared 2-core machine (load average near 30) the first run took 45
# minutes: 6.5 of them the scan (later runs reuse it), 4-5 the push, 29 the
# growth through the triggers (now made with them off). The
# server's folder peaks near 3.5 GB (2.5 GB of data, up to 1 GB of WAL);
# client and server stay under 1 GB of memory. $BENCH_DIR (default
# /tmp/costmeter-teambench) keeps the corpus and the scanned database for the
# next run; the server's folder is removed at the end ($KEEP_PG=1 keeps it).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/_build}
work=${BENCH_DIR:-/tmp/costmeter-teambench}
cli=$build/src/cli/costmeter-cli
harness=$build/bench/cm-team-bench
# Smaller runs while changing it: TEAM_BENCH_DEVS=2 TEAM_BENCH_PER_DEV=5000 TEAM_BENCH_COPIES=2
devs=${TEAM_BENCH_DEVS:-20}
per_dev=${TEAM_BENCH_PER_DEV:-50000}
copies=${TEAM_BENCH_COPIES:-10}

[ -x "$cli" ] && [ -x "$harness" ] ||
  { echo "build first (with libpq): meson compile -C $build" >&2; exit 1; }

bindir=$(pg_config --bindir 2>/dev/null || true)
[ -x "$bindir/initdb" ] || bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
[ -x "$bindir/initdb" ] || { echo "No PostgreSQL server: apt-get install postgresql" >&2; exit 1; }

mkdir -p "$work/home"
chmod 755 "$work"
# Never the real home: the default sources, settings and keyring live there.
export HOME=$work/home XDG_DATA_HOME=$work/home/data XDG_CONFIG_HOME=$work/home/config
export GSETTINGS_BACKEND=memory GSETTINGS_SCHEMA_DIR=$build/data NO_AT_BRIDGE=1
unset CLAUDE_CONFIG_DIR DBUS_SESSION_BUS_ADDRESS PGHOST PGPORT PGUSER PGDATABASE PGSERVICE

# --- 1. the corpus and the local database ---------------------------------

corpus=$work/corpus-$devs-$per_dev
if [ ! -f "$corpus/.done" ]; then
  echo "Writing $devs homes x $per_dev messages in $corpus ..."
  rm -rf "$corpus"
  python3 - "$corpus" "$devs" "$per_dev" <<'PY'
import os, random, sys, time, uuid
out, devs, per_dev = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = random.Random(20261202)
now = int(time.time()) // 86400 * 86400 + 86400
start = now - 90 * 86400
models = [("claude-opus-4-5-20251101", "msg_01", 3), ("claude-sonnet-4-5-20250929", "msg_01", 5),
          ("claude-haiku-4-5-20251001", "msg_01", 2),
          ("us.anthropic.claude-sonnet-4-5-20250929-v1:0", "msg_bdrk_01", 2),
          ("us.anthropic.claude-opus-4-5-20251101-v1:0", "msg_bdrk_01", 1)]
weights = [w for _, _, w in models]
line = ('{"parentUuid":null,"isSidechain":false,"userType":"external","cwd":"%s","sessionId":"%s",'
        '"version":"2.0.37","gitBranch":"main","type":"assistant","uuid":"%s","timestamp":"%s",'
        '"message":{"id":"%s%s","type":"message","role":"assistant","model":"%s","content":[],'
        '"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":%d,'
        '"cache_creation_input_tokens":%d,"cache_read_input_tokens":%d,"cache_creation":'
        '{"ephemeral_5m_input_tokens":%d,"ephemeral_1h_input_tokens":0},"output_tokens":%d,'
        '"service_tier":"standard"}},"requestId":"req_%s"}\n')
per_session = 250
for d in range(devs):
    name = "dev%02d" % d
    home = os.path.join(out, name)
    os.makedirs(os.path.join(home, ".claude", "projects"))
    with open(os.path.join(home, ".claude.json"), "w") as f:
        f.write('{"oauthAccount":{"emailAddress":"%s@example.com"}}' % name)
    for s in range(per_dev // per_session):
        project = "/home/%s/src/project-%d" % (name, rng.randrange(5))
        folder = os.path.join(home, ".claude", "projects", project.replace("/", "-"))
        os.makedirs(folder, exist_ok=True)
        session = str(uuid.UUID(int=rng.getrandbits(128)))
        model, prefix, _ = rng.choices(models, weights)[0]
        t = start + rng.randrange(90 * 86400 - 6 * 3600)
        with open(os.path.join(folder, session + ".jsonl"), "w") as f:
            for m in range(per_session):
                t += rng.randrange(2, 80)
                cw = rng.randrange(0, 4000)
                f.write(line % (project, session, uuid.UUID(int=rng.getrandbits(128)),
                                time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(t)),
                                prefix, "%022x" % rng.getrandbits(88), model,
                                rng.randrange(1, 200), cw, rng.randrange(1000, 150000), cw,
                                rng.randrange(10, 3000), "%024x" % rng.getrandbits(96)))
open(os.path.join(out, ".done"), "w").close()
PY
  rm -f "$work/local-$devs-$per_dev.db"*
fi

db=$work/local-$devs-$per_dev.db
if [ ! -f "$db" ]; then
  echo "Scanning into $db ..."
  sources=()
  for d in "$corpus"/dev*; do sources+=(--source "$d"); done
  /usr/bin/time -f '  scan: %e s, %M KB peak' "$cli" --db "$db" scan --no-default "${sources[@]}" 2>&1 |
    grep -v '^Scanned'

fi

# Every run pushes a fresh copy: a database that pushed once holds nothing
# more to push.
cp "$db" "$work/push.db"
db=$work/push.db
rm -f "$db-wal" "$db-shm"

# --- 2. the server ----------------------------------------------------------

pg=$work/pg
rm -rf "$pg"
mkdir -p "$pg"
runas=()
if [ "$(id -u)" -eq 0 ]; then
  runas=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
  chown nobody: "$pg"
fi
superpw=bench-superuser-$RANDOM$RANDOM
adminpw=bench-admin-$RANDOM$RANDOM
memberpw=bench-member-$RANDOM$RANDOM
echo "$superpw" > "$pg/pw"
[ ${#runas[@]} -eq 0 ] || chown nobody: "$pg/pw"

stop_server () {
  "${runas[@]}" "$bindir/pg_ctl" -D "$pg/data" -m fast -w stop >/dev/null 2>&1 || true
  [ "${KEEP_PG:-0}" = 1 ] || rm -rf "$pg"
}
trap stop_server EXIT

"${runas[@]}" "$bindir/initdb" -D "$pg/data" -U postgres -A scram-sha-256 --pwfile "$pg/pw" \
  -E UTF8 --no-locale >/dev/null
rm -f "$pg/pw"
"${runas[@]}" "$bindir/pg_ctl" -D "$pg/data" -l "$pg/server.log" -w -t 120 start \
  -o "-c listen_addresses='' -c unix_socket_directories='$pg' -c port=5432 -c shared_buffers=512MB -c max_wal_size=1GB -c work_mem=32MB -c maintenance_work_mem=256MB" >/dev/null

super="host=$pg port=5432 dbname=team user=postgres"
admin="host=$pg port=5432 dbname=team user=lead@example.com"
member="host=$pg port=5432 dbname=team user=dev07@example.com"
psql_super () { PGPASSWORD=$superpw "$bindir/psql" "$super" -v ON_ERROR_STOP=1 -qAtX "$@"; }

PGPASSWORD=$superpw "$bindir/psql" "host=$pg port=5432 dbname=postgres user=postgres" -qAtX \
  -c "CREATE DATABASE team" >/dev/null
PGPASSWORD=$superpw "$cli" --connection "$super" team init >/dev/null
echo "$adminpw" | PGPASSWORD=$superpw "$cli" --connection "$super" team add-member lead@example.com \
  --admin --password-stdin >/dev/null
echo "$memberpw" | PGPASSWORD=$superpw "$cli" --connection "$super" team add-member dev07@example.com \
  --password-stdin >/dev/null

mib () { echo $(( ($1 + 524288) / 1048576 )); }

# --- 3. the push --------------------------------------------------------------

echo
echo "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}'), $(nproc) cores"
rows=$("$cli" --db "$db" report backend --json |
       python3 -c 'import json,sys; print(sum(r["messages"] for r in json.load(sys.stdin)["rows"]))')
PGPASSWORD=$adminpw /usr/bin/time -o "$work/time.out" -f '%e %M' "$cli" --db "$db" \
  --connection "$admin" push > "$work/push.out" 2>&1
read -r push_s push_kb < "$work/time.out"
echo "push: $rows rows in $push_s s ($(python3 -c "print(round($rows / $push_s))") rows/s)," \
     "$(mib $((push_kb * 1024))) MiB peak in the client; $(tail -n1 "$work/push.out")"
PGPASSWORD=$adminpw /usr/bin/time -o "$work/time.out" -f '%e' "$cli" --db "$db" \
  --connection "$admin" push > /dev/null 2>&1
line=$(cat "$work/time.out")
echo "push again, nothing new: $line s"

sizes () {
  psql_super -F ' ' -c "
    SELECT (SELECT count (*) FROM costmeter.messages),
           (SELECT sum (pg_total_relation_size (inhrelid)) FROM pg_inherits
             WHERE inhparent = 'costmeter.messages'::regclass),
           (SELECT sum (pg_relation_size (inhrelid)) FROM pg_inherits
             WHERE inhparent = 'costmeter.messages'::regclass),
           pg_total_relation_size ('costmeter.rollup_qh') + pg_total_relation_size ('costmeter.rollup_day')
           + pg_total_relation_size ('costmeter.rollup_time') + pg_total_relation_size ('costmeter.session_day'),
           (SELECT count (*) FROM costmeter.rollup_qh), (SELECT count (*) FROM costmeter.rollup_day),
           (SELECT count (*) FROM costmeter.session_day),
           pg_database_size ('team')"
}
report_sizes () {
  read -r n total heap rollups qh day sd dbsize <<< "$(sizes)"
  echo "  $n rows: messages $(mib "$total") MiB ($(( total / n )) bytes a row with its indexes," \
       "$(( heap / n )) without), rollups $(mib "$rollups") MiB ($qh quarter-hour, $day day," \
       "$sd session-day rows), database $(mib "$dbsize") MiB"
}
psql_super -c "VACUUM ANALYZE" >/dev/null
report_sizes

# --- 4. ten million ------------------------------------------------------------

# Copies of the first million under new users and sessions, written with the
# rollups' triggers off (session_replication_role) and the rollups then made
# again from every message in one pass each: the sums the triggers keep, at a
# fraction of the time (/team/rollups-exact checks that the triggers keep
# exactly these sums).
sums="count (*), count (*) FILTER (WHERE NOT priced), count (*) FILTER (WHERE estimated),
  sum (input), sum (output), sum (cw5m), sum (cw1h), sum (cr), sum (ws), sum (cost), sum (c_input),
  sum (c_output), sum (c_cw5m), sum (c_cw1h), sum (c_cr), sum (c_ws), min (ts), max (ts)"
cols="messages, unpriced, estimated, input, output, cw5m, cw1h, cr, ws, cost, c_input, c_output,
  c_cw5m, c_cw1h, c_cr, c_ws, first_ms, last_ms"
echo
echo "Growing to $copies times as many rows inside the server (new users and sessions) ..."
t0=$(date +%s.%N)
{
  echo "SET session_replication_role = replica; BEGIN;"
  for g in $(seq 2 "$copies"); do
    cat <<SQL
INSERT INTO costmeter.users (email)
  SELECT replace (email, '@', '+c$g@') FROM costmeter.users WHERE email NOT LIKE '%+c%';
INSERT INTO costmeter.sessions (session)
  SELECT session || '#$g' FROM costmeter.sessions WHERE session NOT LIKE '%#%';
INSERT INTO costmeter.messages (month, key, ts, user_id, device_id, project_id, session_id,
    model_id, backend, speed, sidechain, priced, estimated, long_ctx, input, output, cw5m, cw1h,
    cr, ws, c_input, c_output, c_cw5m, c_cw1h, c_cr, c_ws, cost)
  SELECT m.month, md5 (m.key::text || '$g')::uuid, m.ts, u2.id, m.device_id, m.project_id, s2.id,
    m.model_id, m.backend, m.speed, m.sidechain, m.priced, m.estimated, m.long_ctx, m.input,
    m.output, m.cw5m, m.cw1h, m.cr, m.ws, m.c_input, m.c_output, m.c_cw5m, m.c_cw1h, m.c_cr,
    m.c_ws, m.cost
  FROM costmeter.messages m
  JOIN costmeter.users u ON u.id = m.user_id AND u.email NOT LIKE '%+c%'
  JOIN costmeter.users u2 ON u2.email = replace (u.email, '@', '+c$g@')
  JOIN costmeter.sessions s ON s.id = m.session_id
  JOIN costmeter.sessions s2 ON s2.session = s.session || '#$g';
SQL
  done
  cat <<SQL
TRUNCATE costmeter.rollup_qh, costmeter.rollup_day, costmeter.rollup_time, costmeter.session_day;
INSERT INTO costmeter.rollup_qh (ts, model_id, backend, user_id, project_id, speed, $cols)
  SELECT ts - ts % 900000, model_id, backend, user_id, project_id, speed, $sums
  FROM costmeter.messages GROUP BY 1, 2, 3, 4, 5, 6;
INSERT INTO costmeter.rollup_day (day, model_id, backend, user_id, project_id, speed, $cols)
  SELECT (ts / 86400000)::integer, model_id, backend, user_id, project_id, speed, $sums
  FROM costmeter.messages GROUP BY 1, 2, 3, 4, 5, 6;
INSERT INTO costmeter.rollup_time (ts, model_id, backend, speed, $cols)
  SELECT ts - ts % 900000, model_id, backend, speed, $sums
  FROM costmeter.messages GROUP BY 1, 2, 3, 4;
INSERT INTO costmeter.session_day (day, session_id, model_id, backend, user_id, project_id, speed, $cols)
  SELECT (ts / 86400000)::integer, session_id, model_id, backend, user_id, project_id, speed, $sums
  FROM costmeter.messages GROUP BY 1, 2, 3, 4, 5, 6, 7;
COMMIT;
SQL
} | psql_super >/dev/null
psql_super -c "VACUUM ANALYZE" >/dev/null
t1=$(date +%s.%N)
echo "  $(python3 -c "print(round($t1 - $t0))") s"
report_sizes

# --- 5. the views ----------------------------------------------------------------

echo
echo "The window's report model, from a filter change to the updated view:"
PGPASSWORD=$adminpw /usr/bin/time -f '  peak %M KB in the client' "$harness" "$admin" lead@example.com
PGPASSWORD=$memberpw /usr/bin/time -f '  peak %M KB in the client' "$harness" "$member" dev07@example.com
echo "server: $(du -sm "$pg/data" | cut -f1) MiB on disk"
