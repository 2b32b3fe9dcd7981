# make demo: build .venv and run the seed scenario end to end on a fresh SQLite file, then write
#            the seed notice (demo-notice.html, demo-notice.pdf) and its chart (demo-timeline.svg).
# make test: build or update .venv and run the whole suite on SQLite and PostgreSQL.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test bench screenshots clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	rm -f demo.db demo.db-wal demo.db-shm
	$(BIN)/loanledger --db demo.db demo
	$(BIN)/loanledger --db demo.db notice render ATG-LAURUS-2005 --kind default --as-of 2008-01-31 --format html -o demo-notice.html --force
	$(BIN)/loanledger --db demo.db notice render ATG-LAURUS-2005 --kind default --as-of 2008-01-31 --format pdf -o demo-notice.pdf --force
	$(BIN)/loanledger --db demo.db timeline ATG-LAURUS-2005 --from 2005-09-07 --to 2008-02-29 --every day --chart demo-timeline.svg

test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python -m benchmarks

screenshots: $(STAMP)
	$(BIN)/python -m tests.screenshots

clean:
	rm -rf $(VENV) demo.db demo.db-wal demo.db-shm demo-notice.html demo-notice.pdf demo-timeline.svg .pytest_cache
