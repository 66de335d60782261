# ingestd — the two commands a new machine needs are `make run` and `make test`; each installs what it
# needs first. Debian packages the build links against (and systemd and python3, which the tests run:
# systemd-analyze, and the local feed server):
APT_PACKAGES := libsqlite3-dev libpq-dev postgresql zlib1g-dev liblz4-dev libssl-dev libxml2-dev libcurl4-openssl-dev libcld2-dev libstemmer-dev libmimalloc-dev pkg-config systemd python3
SWIFT ?= swift
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Where `make install` puts things; DESTDIR prefixes every path (packaging, tests).
PREFIX ?= /usr/local
DESTDIR ?=
SYSCONFDIR ?= /etc

.PHONY: deps build release run test test-install install uninstall bench eval-feeds eval-dedupe eval-clean eval-classify eval-extract eval-language clean

# Installs the missing -dev packages (asks apt only when one is missing).
deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --static-swift-stdlib

# The daemon in the foreground on its embedded defaults: ./var/ingestd.db, inbox ./var/inbox,
# control socket ./var/control.sock. Ctrl-C stops it cleanly.
run: build
	./.build/debug/ingestd

# Every test: unit tests, the CLI tests and the integration tests that run the real binaries.
# The store tests and the multi-instance tests also run against PostgreSQL: a private server from Debian's
# package (scripts/pg_test_server.sh) on 127.0.0.1, stopped afterwards even when a test fails.
test: deps
	$(SWIFT) build --build-tests
	url=$$(sh scripts/pg_test_server.sh start) && \
	INGESTD_TEST_POSTGRES_URL=$$url INGESTD_REQUIRE_POSTGRES=1 $(SWIFT) test --skip-build; \
	status=$$?; sh scripts/pg_test_server.sh stop; exit $$status
	$(MAKE) test-install
	$(MAKE) reliability-ci

# `make install DESTDIR=<temp>` on a release build, then the installed binaries run with no Swift toolchain
# on their library path, and `make uninstall` removes what was installed and keeps the config.
test-install: deps
	sh scripts/test_install.sh

# Release binaries (the Swift runtime linked in: they run on a host without the toolchain), the systemd
# unit with its sysusers.d and tmpfiles.d entries, the config (never over an existing one), the plugin
# examples and the built-in stages' documentation, shell completions and man pages. Every installed path
# is listed in $(PREFIX)/share/ingestd/installed-files, which `make uninstall` reads.
install: release
	sh scripts/install.sh "$(DESTDIR)" "$(PREFIX)" "$(SYSCONFDIR)"

# Removes what `make install` installed; the config in $(SYSCONFDIR)/ingestd and the data in
# /var/lib/ingestd stay.
uninstall:
	sh scripts/uninstall.sh "$(DESTDIR)" "$(PREFIX)"

# Benchmarks on a release build; results go to BENCHMARKS.md by hand, with the machine.
bench: release
	python3 scripts/bench.py --build-dir .build/release
	python3 scripts/bench_feeds.py --ingestctl .build/release/ingestctl
	python3 scripts/bench_poll.py --build-dir .build/release
	python3 scripts/bench_dedupe.py --ingestctl .build/release/ingestctl
	python3 scripts/bench_clean.py --ingestctl .build/release/ingestctl
	python3 scripts/bench_classify.py --ingestctl .build/release/ingestctl
	python3 scripts/bench_plugins.py --ingestctl .build/release/ingestctl
	python3 scripts/bench_extract.py --ingestctl .build/release/ingestctl
	python3 scripts/bench_e2e.py --bin .build/release --rounds 3
	python3 scripts/bench_shared.py --build-dir .build/release

# Feed parser agreement with feed-rs and gofeed on ../shared/evalsets (skipped when absent).
eval-feeds: build
	python3 scripts/eval_feeds.py --ingestctl .build/debug/ingestctl

# Dedupe precision and recall on ../shared/evalsets/bbc-news (skipped when absent).
eval-dedupe: build
	python3 scripts/eval_dedupe.py --ingestctl .build/debug/ingestctl

# Clean stage: main-text token F1 against Readability.js's expected output on ../shared/evalsets.
# trafilatura, when var/bench/venv has it (make bench installs it), is scored too, for scale.
eval-clean: build
	python3 scripts/eval_clean.py --ingestctl .build/debug/ingestctl \
		$(if $(wildcard var/bench/venv/bin/python),--trafilatura var/bench/venv/bin/python)

# Classify: 5-fold cross-validation on ../shared/evalsets/bbc-news (exact duplicates removed), training time on
# 2,000 documents, and the default rules' agreement (skipped when absent). A release build: training is timed.
eval-classify: release
	python3 scripts/eval_classify.py --ingestctl .build/release/ingestctl --compare --seeds 5

# Extract: title, byline, date and language against Readability.js's choices on readability-test-pages
# (trafilatura scored too when var/bench/venv has it), and entities on the project's own hand-labelled texts.
eval-extract: build
	python3 scripts/eval_extract.py --ingestctl .build/debug/ingestctl \
		$(if $(wildcard var/bench/venv/bin/python),--trafilatura var/bench/venv/bin/python)
	python3 scripts/eval_entities.py --ingestctl .build/debug/ingestctl

# Language identification on langid-sample, and the key-phrase proxies on bbc-news (skipped when absent).
eval-language: release
	python3 scripts/eval_langid.py --ingestctl .build/release/ingestctl
	python3 scripts/eval_keywords.py --ingestctl .build/release/ingestctl

clean:
	rm -rf .build var

# The reliability suite (scripts/reliability.py, fuzz/): kill -9 at random moments of an ingest, a full disk,
# consumers holding the database's locks, misbehaving feeds and plugins under load, and libFuzzer on the feed parser, the HTML cleaner, the config
# loader and the control API's request parser. A table goes to var/reliability/report.md; any failed check
# fails the target. reliability-short is the CI version (fewer rounds, 20 s per fuzz target).
.PHONY: reliability reliability-short reliability-ci
reliability: release
	python3 scripts/reliability.py --bin-dir .build/release

reliability-short: release
	python3 scripts/reliability.py --short --bin-dir .build/release

# What `make test` runs (after test-install built the release binaries): the short crash, full-disk,
# lock-holding and feed/plugin-fault runs, without fuzzing (building the fuzz targets alone takes a minute and a half).
reliability-ci: release
	python3 scripts/reliability.py --short --only crash,disk,contention,faults --bin-dir .build/release
