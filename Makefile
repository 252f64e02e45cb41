# Two commands for a fresh machine with Python 3.11+ (see README):
#   make run   installs what is needed and serves the dashboard on http://localhost:8501
#   make test  installs what is needed and runs the whole test suite
# Everything goes into .venv, built on first use and rebuilt when pyproject.toml changes;
# what the system lacks (Debian's venv module, Chromium, a Japanese font, npm) is
# installed with apt-get by scripts/apt-install.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint format clean bench

# Debian's own Python has no venv module until its pythonX.Y-venv package is in:
# when the first try fails, that package is installed and the venv made again.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV) || { \
		rm -rf $(VENV) && \
		bash scripts/apt-install "$$($(PYTHON) -c \
			'import sys; print("python%d.%d-venv" % sys.version_info[:2])')" && \
		$(PYTHON) -m venv $(VENV); }
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/streamlit run app.py --server.address 127.0.0.1 --server.port 8501

test: $(STAMP)
	bash scripts/ensure-browser
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/pytest

# Benchmarks against an empty Streamlit app (about 15 minutes); writes
# docs/performance.md. Loopback ports 8680-8692; installs nginx when missing.
bench: $(STAMP)
	bash scripts/ensure-browser
	$(BIN)/python -m bench

lint: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts
