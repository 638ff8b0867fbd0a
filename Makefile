# The two commands of the README. Both create or refresh .venv and install what they need; nothing by hand.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 5006

.PHONY: serve test lint bench chromium pyodide-dist

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

serve: $(STAMP)
	$(BIN)/eval-analyzer serve --port $(PORT)

# Browser tests need Debian's Chromium (Playwright's own browser download does not work offline), and a CJK font
# so that screenshots of the Traditional Chinese interface show characters, not boxes.
chromium:
	@test -x /usr/bin/chromium || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)
	@dpkg -s fonts-noto-cjk >/dev/null 2>&1 || (apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk)

# The static-site test's Pyodide (pinned PyPI download, sha256-checked, unpacked under ~/.cache/eval-analyzer).
pyodide-dist: $(STAMP)
	$(BIN)/python -m eval_analyzer.site.pyodide_dist

lint: $(STAMP)
	$(BIN)/ruff check .

test: $(STAMP) chromium pyodide-dist lint
	$(BIN)/python -m pytest -q -p no:cacheprovider

bench: $(STAMP)
	$(BIN)/python benchmarks/ingest.py
