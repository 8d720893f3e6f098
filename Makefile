# Thin wrapper over the CMake presets: `make demo` and `make test` work on a fresh Debian 12 machine as root.
# python3-matplotlib (with python3-numpy, which it draws with) for sgdsim plot / report / calibrate's figures;
# python3-numpy also for golden:peer (numpy implementations of the algorithms, tests/golden/peer/);
# libblas-dev (the reference BLAS) for the test that runs the cuBLAS networks on the CPU (cuda_emulated_networks).
PACKAGES := cmake g++ make pkg-config libsimgrid-dev libeigen3-dev libboost-dev nlohmann-json3-dev doctest-dev libcli11-dev \
            libbenchmark-dev libopenmpi-dev openmpi-bin zlib1g-dev libboost-context-dev \
            python3-matplotlib python3-numpy libblas-dev
DATA_PACKAGES := dataset-fashion-mnist
JOBS ?= $(shell nproc)
SCENARIO ?= scenarios/quickstart.json
BUILD := build

.PHONY: all deps data configure build demo test bench fuzz theory-doc figures clean

all: build

# Installs only the packages in $(1) that are missing (non-interactive); does nothing when all are present.
define install_missing
	@missing=$$(for p in $(1); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing missing packages:" $$missing; \
	  if [ "$$(id -u)" != 0 ]; then echo "error: missing packages and not root; run: sudo make $@" >&2; exit 1; fi; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi
endef

# A scenario that names Fashion-MNIST (make demo SCENARIO=scenarios/fashion-agc.json) gets its data package too.
SCENARIO_DATA := $(if $(shell grep -ls fashion-mnist $(SCENARIO)),$(DATA_PACKAGES))

deps:
	$(call install_missing,$(PACKAGES) $(SCENARIO_DATA))

# The data sets that scenarios name but no test needs (about 30 MB): Fashion-MNIST in /usr/share/datasets/fashion-mnist/
# for scenarios/fashion-*.json.
data:
	$(call install_missing,$(DATA_PACKAGES))

configure: deps
	cmake --preset default

build: configure
	cmake --build --preset default -j $(JOBS)

demo: build
	$(BUILD)/apps/sgdsim simulate $(SCENARIO) --force

test: build
	ctest --preset default -j $(JOBS)

bench: build
	tools/run_benchmarks.sh $(BUILD)

# libFuzzer on the scenario parser and the LIBSVM and CSV loaders (needs clang++ and libclang-rt-dev; build-fuzz/).
FUZZ_SECONDS ?= 60
fuzz:
	tools/fuzz.sh --seconds $(FUZZ_SECONDS)

# Regenerates the tables of docs/theory.md from `sgdsim bounds` and `sgdsim simulate` (simulations: about a minute).
theory-doc: build
	tools/theory_table.sh $(BUILD)/apps/sgdsim docs/theory.md

# The README's figure: the quickstart study with 5 repetitions (loss evaluated every other iteration), loss against
# simulated time on a log axis, mean and 95% band; every figure of it stays in $(BUILD)/figures/quickstart/figures.
figures: build
	rm -rf $(BUILD)/figures/quickstart
	$(BUILD)/apps/sgdsim simulate scenarios/quickstart.json --set repetitions=5 --set output.every=2 -j $(JOBS) -q \
	  --out $(BUILD)/figures/quickstart
	$(BUILD)/apps/sgdsim plot $(BUILD)/figures/quickstart --logx
	mkdir -p docs/figures
	cp $(BUILD)/figures/quickstart/figures/loss_time.png docs/figures/quickstart-loss.png

clean:
	rm -rf $(BUILD) build-fuzz
