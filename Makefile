# liblinux: a Linux-compatible kernel in Go, as a C library.
#
#   make            build build/liblinux.so, build/liblinux.a, build/liblinux.pc
#   make run        build and run the demo program
#   make test       everything CI runs (installs what it needs)
#   make bench      benchmarks, side by side with the host kernel
#   make generate   regenerate abi/ and include/ from abi/internal/spec

SHELL := /bin/bash
GO ?= go
CC ?= gcc
BUILD := build
export GOFLAGS := -mod=mod -buildvcs=false
export CGO_ENABLED := 1
# The Go toolchain everything is built and tested with. Go 1.27 lets a C
# thread into Go without taking a lock (1.26 takes one lock on every call
# from C, so threads calling liblinux at once all meet on it); go.mod
# still asks only for 1.26. The go command fetches it through the module
# proxy on first use; GOTOOLCHAIN=local builds with the installed Go.
GOTOOLCHAIN ?= go1.27.3
export GOTOOLCHAIN

GO_SRC := $(shell find abi capi cgotrace hostops kernel -name '*.go' -o -name '*.c' -o -name '*.h' 2>/dev/null) go.mod
HEADERS := $(shell find include -name '*.h' 2>/dev/null)
CFLAGS_TEST := -Wall -Wextra -Werror -O2 -g -Iinclude -pthread

.PHONY: all run test bench generate check-generated deps clean go-test c-test

TOOLS := $(BUILD)/cptofs $(BUILD)/cpfromfs $(BUILD)/fs2tar

all: $(BUILD)/liblinux.so $(BUILD)/liblinux.pc $(TOOLS)

$(BUILD)/obj/liblinux_go.a: $(GO_SRC) $(HEADERS) $(BUILD)/obj/toolchain
	@mkdir -p $(BUILD)/obj
	$(GO) build -buildmode=c-archive -trimpath -o $@ ./capi

# Rebuilt, and so the library with it, when the toolchain changes.
$(BUILD)/obj/toolchain: FORCE
	@mkdir -p $(BUILD)/obj
	@v=$$($(GO) env GOVERSION); [ "$$(cat $@ 2>/dev/null)" = "$$v" ] || echo "$$v" > $@

.PHONY: FORCE
FORCE:

$(BUILD)/liblinux.so $(BUILD)/liblinux.a &: $(BUILD)/obj/liblinux_go.a link/link.sh link/liblinux.map
	link/link.sh $(abspath $<) $(abspath $(BUILD))
	link/check-exports.sh $(BUILD)

$(BUILD)/liblinux.pc: Makefile
	@mkdir -p $(BUILD)
	@printf 'prefix=%s\nlibdir=$${prefix}/build\nincludedir=$${prefix}/include\n\nName: liblinux\nDescription: Linux-compatible kernel as a library (LKL API)\nVersion: 0.1.0\nCflags: -I$${includedir}\nLibs: -L$${libdir} -llinux\nLibs.private: -lpthread -ldl\n' "$(CURDIR)" > $@

# The tools link the shared library and find it next to themselves.
$(BUILD)/cptofs: cmd/cptofs/cptofs.c cmd/cptofs/fsops.c cmd/cptofs/fsops.h $(BUILD)/liblinux.so
	$(CC) $(CFLAGS_TEST) -o $@ cmd/cptofs/cptofs.c cmd/cptofs/fsops.c -L$(BUILD) -llinux -Wl,-rpath,'$$ORIGIN'

$(BUILD)/cpfromfs: $(BUILD)/cptofs
	ln -sf cptofs $@

$(BUILD)/fs2tar: cmd/fs2tar/fs2tar.c $(BUILD)/liblinux.so
	$(CC) $(CFLAGS_TEST) -o $@ $< -L$(BUILD) -llinux -larchive -Wl,-rpath,'$$ORIGIN'

$(BUILD)/demo: examples/demo.c $(BUILD)/liblinux.so
	$(CC) $(CFLAGS_TEST) -o $@ $< -L$(BUILD) -llinux -Wl,-rpath,'$$ORIGIN'

run: $(BUILD)/demo
	$(BUILD)/demo

generate:
	$(GO) run ./abi/internal/gen

# The generated files must match what the generator makes now.
check-generated:
	$(GO) run ./abi/internal/gen -check

deps:
	@bash .ci/deps.sh

go-test:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet ./...
	CGO_ENABLED=0 $(GO) vet ./abi/... ./hostops/fake/... ./kernel/...
	$(GO) test -race -count=1 ./abi/... ./hostops/... ./kernel/... ./internal/...
	$(GO) test -count=1 ./capi/... ./cgotrace/...

c-test: all
	@bash tests-c/run.sh

test: deps check-generated go-test c-test

bench: all
	@bash bench/run.sh

clean:
	rm -rf $(BUILD)
