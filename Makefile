# riff: the usual entry points. Everything real lives in scripts/.
.PHONY: all run test build web clean

JOBS ?= 2

all: build

## Build riffd (release) and the web client, then serve with demo content on :8080.
run:
	scripts/run.sh

## Set up, build, and run every test suite; ends with "N passed, N failed".
test:
	scripts/test.sh

## Build riffd, the unit tests and the web client (no set-up step).
build:
	CCACHE_NOHASHDIR=1 cmake --preset release
	CCACHE_NOHASHDIR=1 cmake --build --preset release -j $(JOBS)
	cd web && npm run build

clean:
	rm -rf build web/dist tests/test-results
