# refguard — see README.md. `make test` is what CI runs.
SHELL := /bin/bash
GO ?= go
TOOLS := $(CURDIR)/.tools
OPA := $(TOOLS)/opa
OPA_VERSION := v1.22.3
CONFTEST := $(TOOLS)/conftest
CONFTEST_VERSION := v0.71.1
GATOR := $(TOOLS)/gator
GATOR_VERSION := v3.23.1
GATEKEEPER_OPA := v1.17.1
# The OASIS SARIF 2.1.0 JSON Schema the SARIF test validates against, as the
# npm package @microsoft/jest-sarif ships it (the registry checks the
# tarball's integrity; the file's own digest is pinned here).
SARIF_SCHEMA := $(TOOLS)/sarif-schema-2.1.0.json
SARIF_SCHEMA_PACKAGE := @microsoft/jest-sarif@1.0.0-beta.0
SARIF_SCHEMA_SHA256 := 2d99159ae54a3eea97f81781cff48780548657c35949f4b7f25e99a2ba4de4f8

VERSION ?= $(shell cat VERSION)
COMMIT ?= $(shell git rev-parse HEAD 2>/dev/null)
SIGNING_KEY ?=
SIGNING_ALG ?= RS256
KEY_ID ?= default

.PHONY: all test tools bundle release-dry web mutate vet fmt-check rego-fmt-check rego-check gen-check rego-test go-test race fuzz bench bench-compare build gen clean

all: test

build:
	$(GO) build ./...

$(OPA):
	GOBIN=$(TOOLS) $(GO) install github.com/open-policy-agent/opa@$(OPA_VERSION)

$(CONFTEST):
	GOBIN=$(TOOLS) $(GO) install github.com/open-policy-agent/conftest@$(CONFTEST_VERSION)

$(GATOR):
	GOBIN=$(TOOLS) $(GO) install github.com/open-policy-agent/gatekeeper/v3/cmd/gator@$(GATOR_VERSION)

$(SARIF_SCHEMA):
	@mkdir -p $(TOOLS)
	d="$$(mktemp -d)" && trap 'rm -rf "$$d"' EXIT && cd "$$d" && \
	npm pack --silent $(SARIF_SCHEMA_PACKAGE) >/dev/null && \
	tar xzf *.tgz package/lib/schemas/sarif-2.1.0-rtm.5.json && \
	echo "$(SARIF_SCHEMA_SHA256)  package/lib/schemas/sarif-2.1.0-rtm.5.json" | sha256sum -c --quiet && \
	cp package/lib/schemas/sarif-2.1.0-rtm.5.json $@

tools: $(OPA) $(CONFTEST) $(GATOR) $(SARIF_SCHEMA)

## test: everything CI checks
test: vet fmt-check rego-fmt-check rego-check gen-check rego-test go-test race

vet:
	$(GO) vet ./...

fmt-check:
	@out="$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))"; \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

# The policy, and the Gatekeeper templates' own Rego (kept apart: conftest
# would read their violation rule as an entrypoint).
REGO := policy harness/gatekeeper/rego

rego-fmt-check: $(OPA)
	@out="$$($(OPA) fmt --list --fail $(REGO))" || { echo "opa fmt needed:"; echo "$$out"; exit 1; }

rego-check: $(OPA)
	$(OPA) check --strict --capabilities $(GATEKEEPER_OPA) $(REGO)

gen-check:
	$(GO) run ./cmd/refguard gen --check

rego-test: $(OPA) $(CONFTEST)
	$(OPA) test $(REGO)
	$(CONFTEST) verify --policy policy

# The harness package runs every fixture through every context (several
# minutes on two cores): go test's default 10-minute limit is too close.
go-test: $(CONFTEST) $(OPA) $(GATOR) $(SARIF_SCHEMA)
	REFGUARD_CONFTEST=$(CONFTEST) REFGUARD_OPA=$(OPA) REFGUARD_GATOR=$(GATOR) $(GO) test -count=1 -timeout 25m ./...

## race: the concurrent parts (documents parsed on every core, the
## evaluation workers and their Wasm instances) under the race detector
race:
	$(GO) test -race -count=1 ./harness/check ./harness/manifest ./harness/wasm ./harness/engine ./harness/inventory

gen:
	$(GO) run ./cmd/refguard gen

fuzz:
	$(GO) test ./harness/manifest -run '^$$' -fuzz 'FuzzLoad$$' -fuzztime 60s -fuzzminimizetime 5s
	$(GO) test ./harness/manifest -run '^$$' -fuzz FuzzValueMatchesDecoder -fuzztime 60s -fuzzminimizetime 5s
	$(GO) test ./harness/manifest -run '^$$' -fuzz 'FuzzNodeBound$$' -fuzztime 60s -fuzzminimizetime 5s
	$(GO) test ./bundle -run '^$$' -fuzz 'FuzzVerify$$' -fuzztime 60s -fuzzminimizetime 5s
	$(GO) test ./harness -run '^$$' -fuzz 'FuzzCheck$$' -fuzztime 60s -fuzzminimizetime 5s

## bench: load and check at 1k / 10k / 50k routes; single reviews at 10k
## Services as an OPA server (both store settings) and Gatekeeper (its
## store) evaluate them; one route of each kind in a batch (allocations per
## route); -count 3 output feeds benchstat. Not part of test.
bench:
	REFGUARD_BENCH_LARGE=1 $(GO) test -run '^$$' -bench 'BenchmarkCheck' -benchmem -benchtime 1x -count 3 -timeout 60m ./harness/
	$(GO) test -run '^$$' -bench 'BenchmarkAdmissionReview|BenchmarkGatekeeperReview' -benchmem -benchtime 2000x -count 3 ./harness/
	$(GO) test -run '^$$' -bench 'BenchmarkEvalRoutesByKind' -benchmem -count 3 ./harness/engine/
	@echo "# the same reviews with the collector paced by a memory limit, as a policy server in a container runs (docs/performance.md)"
	GOGC=off GOMEMLIMIT=300MiB $(GO) test -run '^$$' -bench 'BenchmarkAdmissionReview|BenchmarkGatekeeperReview/aggregate' -benchmem -benchtime 4000x -count 3 ./harness/
	@echo "# ... and with collections four times rarer, as if a review allocated a quarter of its bytes (docs/performance.md)"
	GOGC=400 $(GO) test -run '^$$' -bench 'BenchmarkAdmissionReview/store=default|BenchmarkGatekeeperReview/aggregate' -benchmem -benchtime 4000x -count 3 ./harness/

## bench-compare: refguard against the parse floor, conftest (indexed
## hand-written policy, and refguard's policy) and gator, as separate
## processes, wall time and peak RSS; prints the README's table. Minutes.
bench-compare: $(CONFTEST) $(GATOR)
	REFGUARD_COMPARE=1 REFGUARD_CONFTEST=$(CONFTEST) REFGUARD_GATOR=$(GATOR) $(GO) test -count=1 -run TestCompareTable -v -timeout 60m ./harness/

## bundle: dist/ with the (signed, when SIGNING_KEY is set) OPA bundle, the
## Gatekeeper folder and SHA256SUMS. Never committed.
bundle:
	rm -rf dist && mkdir -p dist
	$(GO) run ./cmd/refguard bundle build -o dist/refguard-$(VERSION).tar.gz --revision $(VERSION) \
		$(if $(SIGNING_KEY),--signing-key $(SIGNING_KEY) --signing-alg $(SIGNING_ALG) --key-id $(KEY_ID))
	$(GO) run ./cmd/refguard gatekeeper --out dist/gatekeeper --aggregate-out dist/gatekeeper-aggregate
	tar -C dist --sort=name --owner=0 --group=0 --numeric-owner --mtime='1970-01-01' -czf dist/refguard-gatekeeper-$(VERSION).tar.gz gatekeeper gatekeeper-aggregate
	cd dist && sha256sum refguard-$(VERSION).tar.gz refguard-gatekeeper-$(VERSION).tar.gz > SHA256SUMS
	cat dist/SHA256SUMS

## mutate: every mutation of harness/mutate applied to a copy of the tree,
## each caught by the test named beside it (make test runs a sample).
mutate: $(CONFTEST) $(OPA) $(GATOR) $(SARIF_SCHEMA)
	REFGUARD_MUTATE=all REFGUARD_CONFTEST=$(CONFTEST) REFGUARD_OPA=$(OPA) REFGUARD_GATOR=$(GATOR) $(GO) test -count=1 -v -timeout 30m -run TestMutationsAreCaught ./harness/mutate

## web: the sandbox page (docs/sandbox.md) into web/dist (never committed):
## the page's files, its engine built for GOOS=js GOARCH=wasm and Go's
## wasm_exec.js; serve it with `go run ./cmd/refguard serve --web --dir web/dist`.
## make test builds its own copy for the Chromium tests.
web:
	$(GO) run ./harness/cmd/web --out web/dist

## release-dry: everything a release publishes, into dist/ (never
## committed): the bundles as `make bundle` builds them, the sandbox page's
## archive, static binaries for linux, darwin and windows on amd64 and
## arm64 with the version and commit stamped and the page inside, the
## multi-platform OCI image as an image layout, SHA256SUMS.
release-dry: bundle
	$(GO) run ./harness/cmd/release --out dist --version $(VERSION) --commit "$(COMMIT)"

clean:
	rm -rf $(TOOLS) dist
