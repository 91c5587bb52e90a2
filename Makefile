# Tabadul: `make run` serves the forum (and runs its worker), `make test` runs every test.
# See README.md.
VENV    ?= .venv
PYTHON  ?= python3
PORT    ?= 5000
PY      := $(VENV)/bin/python
FLASK   := $(VENV)/bin/flask --app wsgi
PYBABEL := $(VENV)/bin/pybabel
CATALOGS := $(wildcard forum/translations/*/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGS:.po=.mo)

.PHONY: up run test lint format translations extract-messages bench bench-large bench-production bench-search e2e install screenshots

run: $(VENV)/.runtime $(COMPILED)
	@$(FLASK) forum init
	@$(FLASK) forum demo --accounts-file instance/demo-accounts.txt
	@# The worker (mail sender) runs beside the web server and stops with it.
	@$(FLASK) forum worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; trap 'exit 130' INT TERM; \
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

test: $(VENV)/.dev $(COMPILED)
	$(PY) -m pytest $(PYTEST_ARGS)

# The production profile on one machine, to try it (README, "Production profile"): gunicorn
# on each of UP_PORTS (UP_WORKERS workers each), a Celery worker and beat, against the
# PostgreSQL of FORUM_DATABASE_URL and the Redis of FORUM_REDIS_URL. Ctrl-C stops them all.
UP_PORTS ?= 8001 8002
UP_WORKERS ?= 2
up: $(VENV)/.runtime $(COMPILED)
	@case "$$FORUM_DATABASE_URL" in postgresql*) ;; *) echo "make up: set FORUM_DATABASE_URL to a PostgreSQL database (postgresql+psycopg://…)"; exit 2;; esac
	@test -n "$$FORUM_REDIS_URL" || { echo "make up: set FORUM_REDIS_URL (redis://127.0.0.1:6379/0)"; exit 2; }
	@$(FLASK) forum init
	@$(FLASK) forum demo --accounts-file instance/demo-accounts.txt
	@pids=""; \
	trap 'kill $$pids 2>/dev/null; wait $$pids 2>/dev/null; echo "make up: stopped"' EXIT; \
	trap 'exit 130' INT TERM; \
	for port in $(UP_PORTS); do \
	  FORUM_BIND=127.0.0.1:$$port FORUM_WORKERS=$(UP_WORKERS) $(VENV)/bin/gunicorn -c gunicorn.conf.py wsgi:app & pids="$$pids $$!"; \
	done; \
	$(VENV)/bin/celery -A forum.celery_app worker --concurrency 2 --loglevel INFO & pids="$$pids $$!"; \
	$(VENV)/bin/celery -A forum.celery_app beat --schedule instance/celerybeat-schedule --loglevel INFO & pids="$$pids $$!"; \
	echo "make up: app servers on$(foreach port,$(UP_PORTS), http://127.0.0.1:$(port)), a Celery worker and beat; Ctrl-C stops them"; \
	wait

e2e: $(VENV)/.dev $(COMPILED)
	$(PY) -m pytest tests/e2e $(PYTEST_ARGS)

# Contact sheets of every key page (both languages, 1280 and 360 px) in screenshots/.
screenshots: $(VENV)/.dev $(COMPILED)
	FORUM_REQUIRE_BROWSER=1 $(PY) -m pytest tests/e2e/contact_sheets.py -q $(PYTEST_ARGS)
	@echo "Contact sheets in screenshots/"

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check forum tests bench
	$(VENV)/bin/ruff format --check forum tests bench

format: $(VENV)/.dev
	$(VENV)/bin/ruff format forum tests bench
	$(VENV)/bin/ruff check --fix forum tests bench

install: $(VENV)/.dev

# Benchmark (bench/README.md): build a forum, serve it with gunicorn, drive it with wrk:
# each page alone, the long tail warm and under 1 write/s, the mixed run, and the thread page
# with the page cache off, then one day's daily digests for added readers (bench.digests).
# PostgreSQL: FORUM_DATABASE_URL=postgresql+psycopg://… make bench (that database is emptied).
# Short runs and 1,000 digest readers keep `make bench` within about three and a half minutes.
BENCH_ARGS ?= --duration 5s --warmup 1s
DIGEST_READERS ?= 1000
# Large: 1,000 digest readers (about 25 ms each there, bench/README.md).
DIGEST_READERS_LARGE ?= 1000
define bench_runs
	@command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk"; exit 1; }
	$(PY) -m bench.generate $(1)
	$(PY) -m bench.run $(1) $(2)
	$(PY) -m bench.run $(1) $(2) --mix longtail --writes-per-second 1
	$(PY) -m bench.run $(1) $(2) --mix mixed --duration 10s
	$(PY) -m bench.run $(1) $(2) --no-page-cache --pages thread_20
	$(PY) -m bench.digests $(1) $(3)
endef

bench: $(VENV)/.dev $(COMPILED)
	$(call bench_runs,small,$(BENCH_ARGS),--readers $(DIGEST_READERS))

bench-large: $(VENV)/.dev $(COMPILED)
	$(call bench_runs,large,,--readers $(DIGEST_READERS_LARGE))

# The production profile beside the embedded one (bench/README.md, "Production profile"): the
# same forum and the same tables, on PostgreSQL (FORUM_DATABASE_URL, emptied) and Redis
# (FORUM_REDIS_URL), served by two gunicorn servers of 2 workers sharing the load.
bench-production: $(VENV)/.dev $(COMPILED)
	@case "$$FORUM_DATABASE_URL" in postgresql*) ;; *) echo "bench-production: set FORUM_DATABASE_URL to a PostgreSQL database (it is emptied)"; exit 2;; esac
	@test -n "$$FORUM_REDIS_URL" || { echo "bench-production: set FORUM_REDIS_URL"; exit 2; }
	@command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk"; exit 1; }
	$(PY) -m bench.generate small
	$(PY) -m bench.run small $(BENCH_ARGS) --servers 2
	$(PY) -m bench.run small $(BENCH_ARGS) --servers 2 --mix longtail --writes-per-second 1
	$(PY) -m bench.run small $(BENCH_ARGS) --servers 2 --mix mixed --duration 10s

# Search latency (bench/README.md, "Search"): a generated forum of 1,000,000 posts, its index
# rebuilt, then p50/p95 of one-word, two-word and prefix queries. PostgreSQL: set
# FORUM_DATABASE_URL as for `make bench` (that database is emptied). SEARCH_SIZE=small: a quick try.
SEARCH_SIZE ?= large
bench-search: $(VENV)/.dev $(COMPILED)
	$(PY) -m bench.search $(SEARCH_SIZE) --generate

# Catalogs: .po files are committed, .mo files are built here.
translations: $(COMPILED)

forum/translations/%/LC_MESSAGES/messages.mo: forum/translations/%/LC_MESSAGES/messages.po $(VENV)/.runtime
	$(PYBABEL) compile -l $* -i $< -o $@

extract-messages: $(VENV)/.dev
	$(PYBABEL) extract --project Tabadul --version 0.1 -F babel.cfg -k _l -k lazy_gettext -k mark -o forum/translations/messages.pot --no-location --sort-output .
	$(PYBABEL) update -i forum/translations/messages.pot -d forum/translations --no-fuzzy-matching --ignore-obsolete --width 100

$(VENV)/.runtime: requirements.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(VENV)/bin/pip install -q --disable-pip-version-check -r requirements-dev.txt
	touch $@
