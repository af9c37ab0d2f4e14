#!/usr/bin/env bash
# deploy/compose.yaml's stack as native processes, for hosts without a Docker engine
# (and to check the compose files where no engine runs):
#
#   deploy/compose-native.sh            # from the checkout, after `make setup`
#
# PostgreSQL (initdb/pg_ctl from $PGBIN, default Debian's 15), `prefect server start` on it
# with the compose server's database URL, SeaweedFS with deploy/seaweedfs-s3.json's
# credentials, the compose `setup` service's command as compose.yaml has it, one
# `worker-cpu` with the compose workers' environment; then deploy/sample_run.py puts the
# shipped samples under s3://archive-scans/registers, runs `registers-nightly`, waits for
# it and lists what it wrote under s3://archive-ocr/registers, and the script stops it all.
# Exit status 0 when the run completed and wrote PAGE and ALTO for every sample.
# Ports are compose's plus 50000 (54200 for the UI/API, 58333 for S3).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BIN=${VENV:-$ROOT/.venv}/bin
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
WORK=$(mktemp -d /tmp/archive-ocr-compose.XXXXXX)
chmod 755 "$WORK"
export PATH=$BIN:$PATH PREFECT_HOME=$WORK/prefect PREFECT_SERVER_ANALYTICS_ENABLED=false
mkdir -p "$WORK/pg" "$WORK/pglog" "$WORK/s3"

as_pg() {  # PostgreSQL refuses to run as root
    if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi
}
pids=()
stop() {
    for pid in "${pids[@]}"; do kill -9 -- "-$pid" 2>/dev/null || true; done
    as_pg "$PGBIN/pg_ctl -D $WORK/pg -m fast stop" >/dev/null 2>&1 || true
    echo "logs: $WORK"
}
trap stop EXIT
start() {  # start "$@" in its own process group, logging to $WORK/<name>.log
    local name=$1; shift
    setsid "$@" >"$WORK/$name.log" 2>&1 &
    pids+=($!)
}
compose() {  # a value of deploy/compose.yaml, by a Python expression over it
    python -c "import yaml; c = yaml.safe_load(open('deploy/compose.yaml')); print($1)"
}

[ "$(id -u)" = 0 ] && chown -R postgres "$WORK/pg" "$WORK/pglog"
as_pg "$PGBIN/initdb -D $WORK/pg -U postgres -A trust" >"$WORK/initdb.log"
as_pg "$PGBIN/pg_ctl -D $WORK/pg -l $WORK/pglog/postgres.log -w \
    -o '-p 55432 -k $WORK/pglog -c listen_addresses=127.0.0.1' start" >/dev/null
psql -q -h 127.0.0.1 -p 55432 -U postgres \
    -c "CREATE USER prefect PASSWORD 'change-me'" -c "CREATE DATABASE prefect OWNER prefect"

start s3 weed server -s3 -dir="$WORK/s3" -ip=127.0.0.1 -s3.config=deploy/seaweedfs-s3.json \
    -master.port=59333 -master.port.grpc=59334 -volume.port=58080 -volume.port.grpc=58081 \
    -filer.port=58888 -filer.port.grpc=58889 -s3.port=58333 -s3.port.grpc=58334 \
    -s3.port.iceberg=0 -s3.port.lance=0

server_env=()  # the compose server's environment, its database on this machine's port
while IFS='=' read -r key value; do
    server_env+=("$key=${value/@postgres:5432/@127.0.0.1:55432}")
done < <(compose "'\n'.join(f'{k}={v}' for k, v in c['services']['prefect-server']['environment'].items())")
start server env "${server_env[@]}" prefect server start --host 127.0.0.1 --port 54200
for _ in $(seq 90); do
    curl -sf http://127.0.0.1:54200/api/health >/dev/null && break
    sleep 2
done

# the compose workers' environment, with the hosts and ports of this machine
while IFS='=' read -r key value; do
    export "$key=$value"
done < <(python deploy/sample_run.py --env 54200 58333)

sh -c "$(compose "c['services']['setup']['command'][0]")" >"$WORK/setup.log" 2>&1
start worker prefect worker start --pool archive-ocr-cpu --type process --limit 2
python deploy/sample_run.py 54200 58333 | tee "$WORK/sample-run.log"
