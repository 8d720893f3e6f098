# Thin wrapper over the CMake presets: `make demo` and `make test` work on a fresh Debian 12 machine as root.
PACKAGES := cmake g++ make pkg-config libsimgrid-dev libeigen3-dev libboost-dev nlohmann-json3-dev doctest-dev libcli11-dev \
            libbenchmark-dev libopenmpi-dev openmpi-bin zlib1g-dev
DATA_PACKAGES := dataset-fashion-mnist
JOBS ?= $(shell nproc)
SCENARIO ?= scenarios/quickstart.json
BUILD := build

.PHONY: all deps data configure build demo test bench theory-doc clean

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

deps:
	$(call install_missing,$(PACKAGES))

# The data sets that scenarios name but no test needs (about 30 MB): Fashion-MNIST in /usr/share/datasets/fashion-mnist/
# for scenarios/fashion-*.json.
data:
	$(call install_missing,$(DATA_PACKAGES))

configure: deps
	cmake --preset default

build: configure
	cmake --build --preset default -j $(JOBS)

demo: build
	$(BUILD)/apps/sgdsim simulate $(SCENARIO)

test: build
	ctest --preset default -j $(JOBS)

bench: build
	tools/run_benchmarks.sh $(BUILD)

# Regenerates the tables of docs/theory.md from `sgdsim bounds` and `sgdsim simulate` (simulations: about a minute).
theory-doc: build
	tools/theory_table.sh $(BUILD)/apps/sgdsim docs/theory.md

clean:
	rm -rf $(BUILD)
