#!/usr/bin/env bash
# deploy/Dockerfile and deploy/compose.yaml under a Docker engine, checked end to end:
#
#   deploy/compose-check.sh           # from the checkout, after `make setup`
#
# Builds archive-ocr:cpu from deploy/Dockerfile (BuildKit: the classic builder would
# build the CUDA stage too), starts the CPU stack as project `archive-ocr-check`
# (PostgreSQL, the Prefect server, SeaweedFS, `setup`, two CPU workers) on ports 4200 and
# 8333, then deploy/sample_run.py puts the shipped samples under
# s3://archive-scans/registers and runs `registers-nightly` through a worker; the stack
# and its volumes are removed at the end, their logs kept. Exit status 0 when the run
# completed and wrote PAGE and ALTO for every sample.
#
# Build args come from the environment when set: PYTHON_IMAGE, PIP_INDEX_URL,
# PIP_TRUSTED_HOST, TORCH_INDEX_URL; compose also reads POSTGRES_IMAGE and SEAWEEDFS_IMAGE
# (deploy/local-images.sh builds stand-ins where Docker Hub is out of reach). DOCKER
# names the client that builds (default `docker`; it needs BuildKit).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${VENV:-$PWD/.venv}/bin/python
LOGS=$(mktemp -d /tmp/archive-ocr-compose-check.XXXXXX)
stack=(docker compose -p archive-ocr-check -f deploy/compose.yaml)

args=()
for name in PYTHON_IMAGE PIP_INDEX_URL PIP_TRUSTED_HOST TORCH_INDEX_URL; do
    [ -n "${!name:-}" ] && args+=(--build-arg "$name=${!name}")
done
DOCKER_BUILDKIT=1 ${DOCKER:-docker} build -f deploy/Dockerfile -t archive-ocr:cpu "${args[@]}" . \
    >"$LOGS/build.log" 2>&1 || { tail -20 "$LOGS/build.log"; exit 1; }
echo "built archive-ocr:cpu ($(docker image inspect -f '{{.Size}}' archive-ocr:cpu) bytes)"

stop() {
    "${stack[@]}" logs --no-color >"$LOGS/stack.log" 2>&1 || true
    "${stack[@]}" down -v -t 5 >/dev/null 2>&1 || true
    echo "logs: $LOGS"
}
trap stop EXIT
"${stack[@]}" up -d --no-build --pull never 2>&1 | tee "$LOGS/up.log"
"${stack[@]}" ps -a --format 'table {{.Service}}\t{{.State}}\t{{.Status}}'
"$PYTHON" deploy/sample_run.py 4200 8333 | tee "$LOGS/sample-run.log"
