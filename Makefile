# otpgo: the workshop. `make help` lists the targets.

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
GO ?= go
# -race test binaries sleep 1 s at exit unless told not to.
export GORACE ?= atexit_sleep_ms=0

.PHONY: help run test verify bench bench-trace bench-peers class-load lint tidy-check cross install

# Where otpgo must build besides this machine: attendees bring Windows and
# macOS laptops.
CROSS := windows/amd64 darwin/amd64 darwin/arm64

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-11s %s\n", $$1, $$2}'

run: ## start otpgo (where you are, what to do next)
	$(GO) run ./cmd/otpgo

test: lint tidy-check cross ## gofmt, vet, go.mod tidy, vet+build for Windows and macOS, all tests with -race, otpgo verify, the peer benchmarks build (what CI runs)
	@command -v escript >/dev/null || echo "!!! CONFORMANCE SUITE AGAINST ERLANG/OTP SKIPPED (internal/actor/conformance): escript not found; apt-get install -y erlang-base"
	$(GO) test -race ./...
	$(GO) run ./cmd/otpgo verify
	# benchmarks/ is its own module, so ./... above skips it: an actor API change must not break it silently.
	cd benchmarks && $(GO) vet ./... && $(GO) test ./cmd/table

verify: ## every step: the skeleton fails its tests, the checkpoint and solution pass them, every mutant fails them
	$(GO) run ./cmd/otpgo verify

bench: ## benchmarks, with ratios to their baselines (the cold build of otpgo: make bench-coldbuild)
	$(GO) test -run '^$$' -bench . -benchmem ./... | $(GO) run ./internal/benchratio

bench-coldbuild: ## CPU seconds of a first go run ./cmd/otpgo's builds (launcher, program) on an empty cache beside commit 96fc20d's, as a ratio (base, this, this, base: ~6 min)
	$(GO) run ./scripts/coldbuild -base 96fc20d -rounds 2

bench-trace: ## internal/actor's tracing: Send, SendSelf and Call off beside a build without the tracing code, and on beside off, as ratios (~2 min)
	$(GO) run ./scripts/tracecost -rounds 20

bench-peers: ## internal/actor beside raw Go, ergo, protoactor and hollywood (~4 min; see benchmarks/README.md)
	cd benchmarks && $(GO) run ./cmd/table

class-load: ## the class board under load: 200 attendees x 1 report/s for 1 min, server killed -9 midway (~75 s a run; a CPU budget miss is measured again, up to TestLoad's maxLoadRuns)
	OTPGO_CLASS_LOAD=full $(GO) test -count=1 -run '^TestLoad$$' -v -timeout 12m ./internal/class/host

lint: ## gofmt and go vet
	@out="$$(gofmt -l .)"; if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

tidy-check: ## fail if `go mod tidy` would change go.mod or go.sum
	@if ! diff="$$($(GO) mod tidy -diff 2>&1)"; then \
		echo "go.mod or go.sum is not tidy: run 'go mod tidy' and commit the result. What tidy would change:"; \
		echo "$$diff"; exit 1; fi

cross: ## go vet ./... and build the launcher and the program for each of CROSS, in parallel
	@logs="$$(mktemp -d)"; trap 'rm -rf "$$logs"' EXIT; pids=(); \
	for p in $(CROSS); do \
		( export GOOS="$${p%/*}" GOARCH="$${p#*/}"; \
		  $(GO) vet ./... && $(GO) build ./cmd/otpgo ./internal/workshop ) >"$$logs/$${p/\//-}" 2>&1 & pids+=("$$!"); \
	done; \
	fail=0; i=0; for p in $(CROSS); do \
		if ! wait "$${pids[$$i]}"; then \
			echo "otpgo does not vet or build for $$p (GOOS=$${p%/*} GOARCH=$${p#*/} go vet ./... && go build ./cmd/otpgo ./internal/workshop):"; \
			cat "$$logs/$${p/\//-}"; fail=1; fi; \
		i=$$((i+1)); \
	done; \
	if [ $$fail = 0 ]; then echo "otpgo vets and builds for: $(CROSS)"; fi; exit $$fail

install: ## install the otpgo command in $(go env GOPATH)/bin
	$(GO) install ./cmd/otpgo
