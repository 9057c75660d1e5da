# eksguard developer entry points. Every target installs what it needs from Debian first.
#   make          optimized binary at build/eksguard
#   make demo     scan the bundled insecure example
#   make test     unit + conformance tests, then the same tests under ASan+UBSan
#   make bench    benchmarks (Google Benchmark and whole-process scan speed)
#   make bench-serve  load test of `eksguard serve` over TLS on loopback (wrk + fixed-rate client)
#   make fuzz     libFuzzer targets for FUZZ_SECONDS each (default 60)

JOBS        ?= $(shell nproc)
FUZZ_SECONDS ?= 60
CMAKE_FLAGS ?=
PACKAGES    := cmake g++ make pkg-config ccache libyaml-dev libsimdjson-dev libfmt-dev libcli11-dev \
               libgtest-dev libgmock-dev libboost-dev libssl-dev
BENCH_PACKAGES := libbenchmark-dev python3 python3-yaml wrk openssl
FUZZ_PACKAGES  := clang libclang-rt-14-dev

.PHONY: all deps deps-bench deps-fuzz build demo test test-release test-asan bench bench-serve fuzz fuzz-build \
        clean format

all: build

# Installs the Debian packages in $(1) that are missing (as root, or through sudo).
define install_missing
	@missing=""; for p in $(1); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ "$$(id -u)" != 0 ]; then SUDO=sudo; else SUDO=; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi
endef

deps:
	$(call install_missing,$(PACKAGES))

deps-bench: deps
	$(call install_missing,$(BENCH_PACKAGES))

deps-fuzz: deps
	$(call install_missing,$(FUZZ_PACKAGES))

build: deps
	cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DEKSGUARD_WERROR=ON $(CMAKE_FLAGS) >/dev/null
	cmake --build build -j $(JOBS)

demo: build
	./build/eksguard scan examples/insecure-workloads --fail-on none

test: test-release test-asan

test-release: build
	cd build && ctest --output-on-failure -j $(JOBS)

test-asan: deps
	cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DEKSGUARD_SANITIZE=ON -DEKSGUARD_WERROR=ON \
	  -DCMAKE_CXX_FLAGS="-O1" $(CMAKE_FLAGS) >/dev/null
	cmake --build build-asan -j $(JOBS)
	cd build-asan && ctest --output-on-failure -j $(JOBS)

bench: deps-bench
	cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DEKSGUARD_BENCH=ON -DEKSGUARD_TESTS=OFF >/dev/null
	cmake --build build-bench -j $(JOBS)
	./build-bench/eksguard_bench
	python3 bench/scan_throughput.py --binary build-bench/eksguard
	python3 bench/rbac_whocan.py --binary build-bench/eksguard
	python3 bench/identity_throughput.py --binary build-bench/eksguard

bench-serve: deps-bench
	cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DEKSGUARD_BENCH=ON -DEKSGUARD_TESTS=OFF >/dev/null
	cmake --build build-bench -j $(JOBS) --target eksguard eksguard_loadgen
	python3 bench/serve_load.py --binary build-bench/eksguard --loadgen build-bench/eksguard_loadgen

fuzz-build: deps-fuzz
	CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DEKSGUARD_FUZZ=ON \
	  -DEKSGUARD_TESTS=OFF >/dev/null
	cmake --build build-fuzz -j $(JOBS)

fuzz: fuzz-build
	tools/run-fuzzers.sh build-fuzz $(FUZZ_SECONDS)

format:
	clang-format -i $$(git ls-files '*.cpp' '*.h')

clean:
	rm -rf build build-asan build-bench build-fuzz build-tools
