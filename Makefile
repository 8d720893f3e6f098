# Thin wrapper over the CMake presets: `make demo` and `make test` work on a fresh Debian 12 machine as root.
# python3-matplotlib (with python3-numpy, which it draws with) for sgdsim plot / report / calibrate's figures.
PACKAGES := cmake g++ make pkg-config libsimgrid-dev libeigen3-dev libboost-dev nlohmann-json3-dev doctest-dev libcli11-dev \
            libbenchmark-dev libopenmpi-dev openmpi-bin python3-matplotlib python3-numpy
JOBS ?= $(shell nproc)
SCENARIO ?= scenarios/quickstart.json
BUILD := build

.PHONY: all deps configure build demo test bench figures clean

all: build

# Installs only the packages that are missing (non-interactive); does nothing when all are present.
deps:
	@missing=$$(for p in $(PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing missing packages:" $$missing; \
	  if [ "$$(id -u)" != 0 ]; then echo "error: missing packages and not root; run: sudo make deps" >&2; exit 1; fi; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi

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
	rm -rf $(BUILD)
