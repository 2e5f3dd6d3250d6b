# The two commands a newcomer needs, on a fresh Debian 12 machine as root:
#   make demo   run the kiosk's most complete path on simulated peripherals
#   make test   build everything with warnings as errors and run every test
# Each target installs what it is missing first (scripts/bootstrap).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
JOBS ?= $(shell nproc)
FUZZ_SECONDS ?= 20
CTEST_ARGS ?=

.PHONY: all bootstrap build test demo asan fuzz fuzz-smoke bench bench-smoke format format-check clean help packages image image-test

all: build

help:
	@echo "make demo          run the demo on embedded defaults"
	@echo "make test          build (warnings as errors) and run every test through CTest"
	@echo "make asan          the same tests under AddressSanitizer + UBSan"
	@echo "make fuzz          build fuzz targets with clang-14/libFuzzer, run each FUZZ_SECONDS=$(FUZZ_SECONDS)s"
	@echo "make fuzz-smoke    the same, a few seconds each (CI runs it after make test)"
	@echo "make bench         build and run the benchmarks under tests/bench"
	@echo "make bench-smoke   every benchmark once on its smallest input (CI)"
	@echo "make packages      Debian packages of every program (build/package/debs)"
	@echo "make image         a bootable kiosk image (debootstrap; build/image), not part of make test"
	@echo "make image-test    boot the image under QEMU and check the services from the serial console"
	@echo "make format        reformat the tree with clang-format"
	@echo "make format-check  fail if anything is not formatted"

bootstrap:
	@scripts/bootstrap

build: bootstrap
	cmake --preset dev
	cmake --build --preset dev -j $(JOBS)

test: build
	ctest --preset dev $(CTEST_ARGS)

demo: build
	scripts/demo

asan: bootstrap
	cmake --preset asan
	cmake --build --preset asan -j $(JOBS)
	ctest --preset asan $(CTEST_ARGS)

fuzz: bootstrap
	cmake --preset fuzz
	cmake --build --preset fuzz -j $(JOBS)
	scripts/fuzz build/fuzz $(FUZZ_SECONDS)

# CI builds every fuzz target and runs each briefly, so the fuzz build cannot
# rot unseen (clang's warnings differ from g++'s).
fuzz-smoke:
	$(MAKE) fuzz FUZZ_SECONDS=3

bench: bootstrap
	cmake --preset bench
	cmake --build --preset bench -j $(JOBS)
	scripts/bench build/bench

# Every benchmark once on its smallest input: they still build and run (CI).
bench-smoke: bootstrap
	cmake --preset bench
	cmake --build --preset bench -j $(JOBS)
	scripts/bench build/bench --smoke

packages: bootstrap
	cmake --preset package
	cmake --build --preset package -j $(JOBS)
	cd build/package && cpack -B debs

image: packages
	firmware/image/build-image build/package/debs build/image

image-test: image
	firmware/image/test-image build/image

format: bootstrap
	scripts/format

format-check: bootstrap
	scripts/format --check

clean:
	rm -rf build
