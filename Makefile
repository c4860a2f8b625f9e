# The two commands: `make demo` (the main job) and `make test` (every suite). Both install the
# missing Debian packages first, then configure and build into build/.
BUILD ?= build
JOBS ?= $(shell nproc)
# Tests run two per core: most of the suite's wall time is browsers, servers and pytest waiting on
# sockets (measured on 2 cores: 504 s at -j2, 352 s at -j4, every test passing).
TEST_JOBS ?= $(shell echo $$(( $(JOBS) * 2 )))
# -O1 without debug info halves the compile time of Beast-heavy test TUs (measured: 120 s -> 63 s
# of CPU for the portal tests) on CI's two cores; benchmarks/ compile their own code at -O2.
CMAKE_FLAGS ?= -G Ninja -DCMAKE_BUILD_TYPE=Release "-DCMAKE_CXX_FLAGS_RELEASE=-O1 -DNDEBUG" -DPBGDPL_WERROR=ON \
  -DPBGDPL_SEPARATE_COMPILATION=ON

# The clang ASan+UBSan build of the unit tests and fuzz targets (tests/sanitize/build.sh), inside
# the main build directory where its CTest tests look for it; `make fuzz` fuzzes each target for
# FUZZ_SECONDS with two workers, growing a work corpus outside the repository in FUZZ_CORPUS.
SANITIZE_BUILD ?= $(abspath $(BUILD))/sanitize
FUZZ_BUILD ?= $(abspath $(BUILD))/fuzz
FUZZ_SECONDS ?= 300
FUZZ_CORPUS ?= $(HOME)/.cache/pbgdpl-fuzz

.PHONY: all deps deps-build configure build test demo player clean format sanitize fuzz

all: build

deps:
	@scripts/install-deps.sh all

deps-build:
	@scripts/install-deps.sh build

$(BUILD)/build.ninja: CMakeLists.txt
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS)

configure: $(BUILD)/build.ninja

build: configure
	cmake --build $(BUILD) -j $(JOBS)

# Unit, integration, header, package, fuzz, Python and browser suites all run under CTest.
# Configured again after deps: a build directory first configured by `make demo` (before the test
# packages were there) finds the suites' python3 now.
test: deps
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS)
	$(MAKE) build
	@# A file that fails to compile under clang fails its own sanitized tests (they name the missing
	@# executable), not the whole suite: the build keeps going and ctest runs everything else.
	tests/sanitize/build.sh $(CURDIR) $(SANITIZE_BUILD) $(JOBS) || \
	  echo "pbgdpl: the sanitizer build failed (see above); its tests will fail, the other suites run" >&2
	@# On failure, each failing test's cause again in a few lines, last: a CI log keeps its end.
	cd $(BUILD) && ctest --output-on-failure -j $(TEST_JOBS) --timeout 900 || \
	  { python3 $(CURDIR)/tests/failure_digest.py $(abspath $(BUILD)); exit 1; }

sanitize: deps
	tests/sanitize/build.sh $(CURDIR) $(SANITIZE_BUILD) $(JOBS)

# Its own directory at -O1: more executions per second than make test's quick -O0 build.
fuzz: deps
	tests/sanitize/build.sh $(CURDIR) $(FUZZ_BUILD) $(JOBS) -O1
	tests/fuzz/fuzz.sh $(CURDIR) $(FUZZ_BUILD) $(FUZZ_SECONDS) $(FUZZ_CORPUS)

# The demo builds only the two programs it runs (the tests are for `make test`).
demo: deps-build configure
	cmake --build $(BUILD) -j $(JOBS) --target pbgdpl_portal pbgdpl_seed_summary
	scripts/demo.sh $(BUILD)

# The reference signage player against the running demo (run `make demo` in another terminal first).
player: deps-build configure
	cmake --build $(BUILD) -j $(JOBS) --target pbgdpl_signage_player
	scripts/player.sh $(BUILD)

format:
	find include tests examples benchmarks bindings plugins -name '*.[ch]pp' -o -name '*.h' | xargs clang-format -i

clean:
	rm -rf $(BUILD) build-fuzz build-package
