# One command per habit; CI, the README and people use the same ones.
PYTHON ?= python3
VENV   ?= .venv
PY      = $(VENV)/bin/python
STAMP   = $(VENV)/.installed
# checkov pins packaging<24 (pytest needs >=24), so it has a venv of its own, installed once per version
CHECKOV_VERSION = 3.3.30
CHECKOV         = $(VENV)/tools/checkov
CHECKOV_STAMP   = $(CHECKOV)/.installed-$(CHECKOV_VERSION)
export HF_HUB_OFFLINE ?= 1

.PHONY: install tools lock test test-fast lint bench bench-e2e bench-retrieval bench-answers bench-pii bench-embed bench-http bench-tokens bench-follow-ups bench-stream bench-scope run-local up down ingest clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	# torch first, pinned: pip takes the CPU build (the Dockerfile's export stage uses the CPU wheel index)
	$(PY) -m pip install --quiet "torch==2.13.0"
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

$(CHECKOV_STAMP):
	rm -rf $(CHECKOV)
	$(PYTHON) -m venv $(CHECKOV)
	$(CHECKOV)/bin/pip install --quiet "checkov==$(CHECKOV_VERSION)"
	touch $@

install: $(STAMP)

# One lock per image (requirements/<image>.txt), every pin with its hashes; the Dockerfile installs them
# with --require-hashes and tests/deploy/test_locks.py fails when pyproject.toml and a lock disagree.
# PyPI only (this machine's pip config, local indexes and wheel folders are ignored), except that the
# export stage's lock resolves torch's dependencies from its CPU wheel (TORCH_WHEELS, a wheel folder or
# a page of links) and leaves torch itself out: the Dockerfile installs it from TORCH_INDEX_URL.
IMAGE_LOCKS  = pii_filter rag_core llm_connector psql_worker pipeline
TORCH_WHEELS ?= https://download.pytorch.org/whl/torch/
PIP_COMPILE  = env -u PIP_FIND_LINKS -u PIP_INDEX_URL -u PIP_EXTRA_INDEX_URL -u PIP_CONSTRAINT PIP_CONFIG_FILE=/dev/null \
	$(VENV)/bin/pip-compile --quiet --generate-hashes --no-strip-extras --no-emit-index-url --no-emit-find-links \
	--index-url https://pypi.org/simple $(LOCK_ARGS)

lock: $(STAMP)
	for extra in $(IMAGE_LOCKS); do \
	  $(PIP_COMPILE) --allow-unsafe --extra $$extra -o requirements/$$(echo $$extra | tr _ -).txt pyproject.toml \
	  || exit 1; done
	$(PIP_COMPILE) --find-links $(TORCH_WHEELS) --unsafe-package torch --extra onnx_export \
	  -o requirements/onnx-export.txt pyproject.toml

tools: $(CHECKOV_STAMP)

test: $(STAMP) $(CHECKOV_STAMP)
	$(PY) -m pytest -q

test-fast: $(STAMP) $(CHECKOV_STAMP)
	$(PY) -m pytest -q -m "not faults and not e2e and not browser and not containers"

# every image built and the compose stack run in Docker (part of `make test`; skipped without an engine)
.PHONY: test-containers
test-containers: $(STAMP)
	$(PY) -m pytest -q -m containers tests/containers

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy .

bench: bench-pii bench-retrieval bench-follow-ups bench-answers bench-scope bench-embed bench-tokens bench-e2e bench-http bench-stream

bench-pii: $(STAMP)
	$(PY) -m bench.pii_quality

bench-retrieval: $(STAMP)
	$(PY) -m bench.retrieval --heldout2 --heldout3 --write-docs

bench-follow-ups: $(STAMP)
	$(PY) -m bench.follow_ups --write-docs

bench-answers: $(STAMP)
	$(PY) -m bench.answers_keyfacts --heldout --heldout2 --heldout3 --heldout4 --heldout5 --heldout6 --stories --stories2 --stories3 --write-docs

# the scope decision on the blind sets (docs/benchmarks.md, Scope decision; printed, not written)
bench-scope: $(STAMP)
	$(PY) -m bench.scope --file bench/data/scope_heldout.csv --file bench/data/scope_heldout2.csv \
		--file bench/data/scope_heldout3.csv --file bench/data/scope_heldout4.csv \
		--file bench/data/scope_heldout5.csv --file bench/data/scope_heldout6.csv \
		--file bench/data/scope_heldout7.csv --file bench/data/scope_dev6.csv

bench-embed: $(STAMP)
	$(PY) -m bench.embedding --write-docs

bench-tokens: $(STAMP)
	$(PY) -m bench.prompt_tokens --write-docs

bench-e2e: $(STAMP)
	$(PY) -m bench.e2e

bench-stream: $(STAMP)
	$(PY) -m bench.stream

bench-http: $(STAMP)
	$(PY) -m bench.http_server --write-docs

run-local: $(STAMP)
	$(PY) -m deploy.local

ingest: $(STAMP)
	$(PY) -m embedder.ingest knowledge/

up:
	docker compose up --build

# every service, the pipeline profile's too (a plain `docker compose down` leaves those running)
down:
	docker compose --profile pipeline down -v

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache var
