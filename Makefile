# Herald: every task a person does, as a make target. `make run` and `make test` work on a
# fresh Debian machine with Swift: they install what is missing first.

SWIFT ?= swift
CONFIG ?= feeds/herald.yml
HERALD = .build/debug/herald

# Debian packages Herald builds against (C libraries) and its tests read feeds with.
BUILD_PACKAGES = libxml2-dev libcurl4-openssl-dev libcmark-gfm-dev libcmark-gfm-extensions-dev \
	libsqlite3-dev pkg-config
TEST_PACKAGES = jing newsboat sqlite3 curl openssl
# Python test peers: feedparser reads every Atom and RSS feed the tests write, feedparser-rs
# (the same API, with JSON Feed) every JSON feed; twitter-text-parser and regex (grapheme
# clusters) are the reference counters social posts are checked against; mastodon-mock is
# the Mastodon server deliveries go to.
PYTHON_TEST_PACKAGES = feedparser feedparser-rs twitter-text-parser regex mastodon-mock

SUDO = $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps test-deps build run test lint format clean

all: build

deps:
	@missing=""; for p in $(BUILD_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "Installing:$$missing"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

test-deps: deps
	@missing=""; for p in $(TEST_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "Installing:$$missing"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi
	@python3 -c "import feedparser, feedparser_rs, twitter_text, regex, mastodon_mock" 2>/dev/null \
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

test: test-deps
	$(SWIFT) build --build-tests
	$(SWIFT) test

lint:
	$(SWIFT) format lint --strict --recursive Package.swift Sources Tests

format:
	$(SWIFT) format --in-place --recursive Package.swift Sources Tests

clean:
	rm -rf .build feeds/public feeds/state
