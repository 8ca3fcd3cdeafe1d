# The two commands a new user needs: `make run` and `make test`.
# uv is installed into .tools/ from PyPI and told to use this machine's Python, never to download one.
PYTHON ?= python3
UV := .tools/bin/uv
export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON := $(shell command -v $(PYTHON))

.PHONY: install test-tools run test lint bench-events bench-gateway compose clean

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check "uv==0.13.9"

.venv/.synced: $(UV) pyproject.toml uv.lock $(wildcard */pyproject.toml */*/pyproject.toml)
	$(UV) sync --frozen --all-packages
	touch $@

# Apollo's composition, which the tests use to cross-check ours (Node.js and npm from the machine).
tools/federation/node_modules/.installed: tools/federation/package.json tools/federation/package-lock.json
	cd tools/federation && npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: .venv/.synced

test-tools: tools/federation/node_modules/.installed
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; } || echo "the playground browser test needs Debian's chromium and chromium-driver (apt-get install, as root)"

run: install
	.venv/bin/bookshare dev

test: install test-tools
	.venv/bin/python -m pytest

lint: install
	.venv/bin/ruff check .

compose: install
	.venv/bin/bookshare compose

bench-events: install
	.venv/bin/python bench/events_throughput.py

bench-gateway: install
	.venv/bin/python bench/gateway/run.py $(BENCH_GATEWAY_ARGS)

clean:
	rm -rf .venv .tools .data
