# Two commands do everything on a fresh machine: `make demo` and `make test`.
# Both create .venv (pinned by requirements.lock), install the `autograde` package into it,
# and install the sandbox's system packages when run as root. A second run reuses all that.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SYSTEM_PACKAGES := bubblewrap libseccomp2 postgresql

export TF_CPP_MIN_LOG_LEVEL := 3
export TF_ENABLE_ONEDNN_OPTS := 0
export PATH := $(abspath $(BIN)):$(PATH)

.PHONY: setup system demo test validate release bench bench-scale clean

setup: system $(STAMP)

# bubblewrap is the sandbox; libseccomp builds its syscall filter. Without root we cannot
# install them: say so; the engine then uses (and loudly announces) its weaker fallback.
# postgresql: the tests start a throwaway PostgreSQL server (the gradebook on a server database).
system:
	@missing=""; \
	command -v bwrap >/dev/null 2>&1 || missing="$$missing bubblewrap"; \
	ldconfig -p 2>/dev/null | grep -q 'libseccomp.so.2' || missing="$$missing libseccomp2"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing system packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(SYSTEM_PACKAGES) >/dev/null; \
	  else \
	    echo "WARNING: missing system packages:$$missing (need root and apt-get to install them)."; \
	    echo "WARNING: learner code will run in the weaker fallback sandbox; see README 'Safety model'."; \
	  fi; \
	fi

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade "pip==26.3"
	$(BIN)/python -m pip install -q -r requirements.lock
	$(BIN)/python -m pip install -q --no-deps -e .
	touch $(STAMP)

demo: setup
	$(BIN)/python -m autograde.demo

# pytest exits 5 when it collects no test: make treats any non-zero exit as failure.
test: setup
	$(BIN)/python -m pytest tests -q -ra

validate: setup
	$(BIN)/autograde validate

release: setup
	$(BIN)/autograde release

bench: setup
	$(BIN)/python benchmarks/bench_grading.py

# tens of minutes: 100 and 1,000 submissions locally, 200 through a local Dask cluster
bench-scale: setup
	nice -n 10 $(BIN)/python benchmarks/bench_scale.py

clean:
	rm -rf build submitted autograded feedback gradebook.db gradebook.db.lock
