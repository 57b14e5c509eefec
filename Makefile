# fazhi — `make` builds build/fazhi; `make run` serves a demo on
# http://127.0.0.1:8080; `make check` runs every test suite.
JOBS := $(shell nproc)
DB ?= sqlite:var/fazhi.db
LISTEN ?= 127.0.0.1:8080

.PHONY: all build run check bootstrap lint bench clean

all: build

build:
	cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
	cmake --build build -j $(JOBS)

bootstrap:
	scripts/bootstrap

run: bootstrap build
	@test -f var/fazhi.db || (build/fazhi init --db sqlite:var/fazhi.db --demo && build/fazhi demo --db sqlite:var/fazhi.db)
	build/fazhi serve --db $(DB) --listen $(LISTEN)

check: bootstrap
	scripts/check

lint:
	scripts/lint

bench: bootstrap build
	bench/http.sh

clean:
	rm -rf build build-asan build-fuzz
