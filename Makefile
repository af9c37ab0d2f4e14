# Two entry points, both from a fresh machine:
#   make run   – set up, then run the main job
#   make test  – set up, then lint, type-check and run the whole test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha256sum | cut -c1-12)
DATA ?= ../shared/data/pages
OUT ?= out

.PHONY: setup run run-shared roundtrip test bench kraken lint clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	# torch first: 2.13.0 is the CPU wheel on these machines; later pins keep it.
	$(BIN)/python -m pip install -q torch==2.13.0
	$(BIN)/python -m pip install -q -e ".[test]"
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

setup: $(STAMP)

# The main job: OCR the sample scans the project ships (two Grimm tales in Fraktur, made by
# `archive-ocr samples`) with the shipped model into $(OUT)/samples, then score them against
# the ground truth beside the scans.
SAMPLES ?= flows/samples
run: setup
	$(BIN)/archive-ocr run $(SAMPLES) $(OUT)/samples
	$(BIN)/archive-ocr eval $(OUT)/samples $(SAMPLES) --json $(OUT)/samples-eval.json
	@echo "Results: $(OUT)/samples/ (NAME.page.xml and NAME.alto.xml per scan),"
	@echo "         $(OUT)/samples/archive-ocr-report.md, $(OUT)/samples/archive-ocr-manifest.json,"
	@echo "         scores in $(OUT)/samples-eval.json"

# The same over real scans (Fraktur and Antiqua print from ../shared/data) into $(OUT)/run.
SCANS ?= $(DATA)/vd_sbb_train
run-shared: setup
	-$(BIN)/archive-ocr run $(SCANS) $(OUT)/run
	$(BIN)/archive-ocr eval $(OUT)/run $(SCANS) --json $(OUT)/run-eval.json
	@echo "Results: $(OUT)/run/ (PAGE-XML and ALTO per scan), $(OUT)/run/archive-ocr-report.md,"
	@echo "         $(OUT)/run/archive-ocr-manifest.json, scores in $(OUT)/run-eval.json"

# Every ground-truth page through PAGE and ALTO and back, validated and compared.
roundtrip: setup
	$(BIN)/archive-ocr roundtrip $(DATA) -o $(OUT)/roundtrip --json $(OUT)/roundtrip.json
	# validate reports the ground truth's own mistakes (one vd_sbb heading is marked
	# right-to-left upstream); they do not stop the job.
	-$(BIN)/archive-ocr validate $(OUT)/roundtrip > $(OUT)/validate.txt
	$(BIN)/archive-ocr eval $(OUT)/roundtrip $(DATA) --json $(OUT)/eval.json

# Benchmarks write their figures to $(OUT)/bench-*.json; peers come from the bench extra.
bench: setup
	$(BIN)/python -m pip install -q -e ".[test,bench]"
	$(BIN)/archive-ocr bench preprocess --data $(DATA) --out $(OUT)/bench-preprocess.json
	$(BIN)/archive-ocr bench segment --out $(OUT)/bench-segment.json $(if $(KRAKEN),--kraken $(KRAKEN) --kraken-pages 13)

# kraken 7.1.1 in a virtual environment of its own, for `make bench KRAKEN=…` (see README).
KRAKEN_VENV ?= $(OUT)/kraken-venv
kraken: $(KRAKEN_VENV)/bin/kraken
$(KRAKEN_VENV)/bin/kraken:
	$(PYTHON) -m venv $(KRAKEN_VENV)
	$(KRAKEN_VENV)/bin/python -m pip install -q torch==2.13.0 torchvision==0.28.0
	$(KRAKEN_VENV)/bin/python -m pip install -q kraken==7.1.1
	# torchvision 0.28's fake kernels for nms/qnms need CUDA torch; kraken does not use them.
	$(KRAKEN_VENV)/bin/python deploy/guard_torchvision.py

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) $(OUT) .mypy_cache .ruff_cache .pytest_cache
