# otpgo: the workshop. `make help` lists the targets.

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
GO ?= go
# -race test binaries sleep 1 s at exit unless told not to.
export GORACE ?= atexit_sleep_ms=0

.PHONY: help run test verify bench bench-peers class-load lint install

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-11s %s\n", $$1, $$2}'

run: ## start otpgo (where you are, what to do next)
	$(GO) run ./cmd/otpgo

test: ## gofmt, vet, all tests with -race, otpgo verify, and the peer benchmarks still build (what CI runs)
	@out="$$(gofmt -l .)"; if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	@command -v escript >/dev/null || echo "!!! CONFORMANCE SUITE AGAINST ERLANG/OTP SKIPPED (internal/actor/conformance): escript not found; apt-get install -y erlang-base"
	$(GO) test -race ./...
	$(GO) run ./cmd/otpgo verify
	# benchmarks/ is its own module, so ./... above skips it: an actor API change must not break it silently.
	cd benchmarks && $(GO) vet ./... && $(GO) test ./cmd/table

verify: ## every step: the skeleton fails its tests, the solution passes them
	$(GO) run ./cmd/otpgo verify

bench: ## benchmarks, with ratios to their baselines
	$(GO) test -run '^$$' -bench . -benchmem ./... | $(GO) run ./internal/benchratio

bench-peers: ## internal/actor beside raw Go, ergo, protoactor and hollywood (~4 min; see benchmarks/README.md)
	cd benchmarks && $(GO) run ./cmd/table

class-load: ## the class board under load: 200 attendees x 1 report/s for 1 min, server killed -9 midway (~75 s)
	OTPGO_CLASS_LOAD=full $(GO) test -count=1 -run '^TestLoad$$' -v -timeout 5m ./internal/class

lint: ## gofmt and go vet
	@out="$$(gofmt -l .)"; if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

install: ## install the otpgo command in $(go env GOPATH)/bin
	$(GO) install ./cmd/otpgo
