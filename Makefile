# Two commands: `make run` sets everything up and serves the site; `make test` runs the suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
export MESHUTAF_DATA_DIR ?= $(CURDIR)/var
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test install install-test chromium bench lint format clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Re-install only when the dependencies change, so later runs start in seconds.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

# The local-encoder test needs torch and transformers. torch is installed only from a CPU wheel
# already on this machine (--no-index: never PyPI's multi-GB CUDA build); without one that
# test is skipped and says why.
$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	@if $(BIN)/python -c "import torch" 2>/dev/null; then \
		$(BIN)/pip install --quiet -e '.[transformers]'; \
	elif $(BIN)/pip install --quiet --no-index --no-deps 'torch==2.13.0' 2>/dev/null; then \
		$(BIN)/pip install --quiet 'torch==2.13.0' -e '.[transformers]'; \
	else echo "No local CPU build of torch: the local-encoder test will be skipped."; fi
	touch $@

install: $(VENV)/.installed
	$(BIN)/meshutaf compilemessages >/dev/null
	$(BIN)/meshutaf collectstatic
	@# The opinion map's compiled kernels, into numba's cache (else the first analysis waits ~20 s).
	$(BIN)/python -c "from meshutaf.deliberation.replay import compile_kernels; compile_kernels()"

install-test: $(VENV)/.installed-test install

# `serve` starts the web server and a background worker, and prints the address once the
# site answers.
# The demo's accounts have a published password and no phone: two-factor sign-in, required
# for staff and facilitators on a real site, is optional here unless the variable says otherwise.
run: install
	$(BIN)/meshutaf migrate
	$(BIN)/meshutaf demo
	MESHUTAF_2FA_REQUIRED_FOR=$${MESHUTAF_2FA_REQUIRED_FOR:-none} $(BIN)/meshutaf serve --port $${PORT:-8000}

# Browser tests need Debian's Chromium, and the PDF tests poppler's pdftotext; install them
# when we can, otherwise say how.
chromium:
	@if [ -x /usr/bin/chromium ] && command -v pdftotext >/dev/null; then :; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
		echo "Installing Debian's chromium and poppler-utils for the browser and PDF tests…"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core poppler-utils >/dev/null) \
		|| echo "Could not install them; the browser and PDF tests will be skipped."; \
	else \
		echo "Browser and PDF tests need 'sudo apt-get install chromium poppler-utils' (they are skipped until then)."; \
	fi

test: install-test chromium
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy
	$(BIN)/python -m pytest -q -p no:cacheprovider || [ $$? -eq 5 ]

bench: install
	@for script in bench/*.py; do [ -e "$$script" ] || continue; echo "== $$script"; $(BIN)/python "$$script" || exit 1; done

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) build *.egg-info
