# fazhi — `make` builds build/fazhi and the web front end (web/dist, when
# web/node_modules is there); `make run` serves the console and the portal
# with a demo on http://127.0.0.1:8080; `make check` runs every test suite.
JOBS := $(shell nproc)
DB ?= sqlite:var/fazhi.db
LISTEN ?= 127.0.0.1:8080

.PHONY: all build web run check bootstrap lint bench clean

all: build web

build:
	cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
	cmake --build build -j $(JOBS)

# The web front end is rebuilt only when its sources changed (the stamp is
# newer than every file under web/src, web/public and the build's config).
WEB_SRC := $(shell find web/src web/public -type f 2>/dev/null) \
           $(wildcard web/index.html web/vite.config.js web/package.json web/package-lock.json)

web: web/dist/.stamp

web/dist/.stamp: $(WEB_SRC)
	@if [ -d web/node_modules ] && command -v npm >/dev/null; then \
	  npm --prefix web run build --silent && touch $@; \
	else \
	  echo "make: web/dist not built (no Node.js or web/node_modules; scripts/bootstrap installs them)"; \
	fi

bootstrap:
	scripts/bootstrap

run: bootstrap build web
	@test -f var/fazhi.db || (build/fazhi init --db sqlite:var/fazhi.db --demo && build/fazhi demo --db sqlite:var/fazhi.db)
	@echo "portal: http://$(LISTEN)/   console: http://$(LISTEN)/console   API reference: http://$(LISTEN)/docs/api"
	@echo "demo logins (password Liaoning-2100): sy.officer sy.head sy.reviewer dl.officer dl.head dl.reviewer ln.supervisor ln.social"
	@echo "the 三员 (sysadmin, secadmin, auditor) use the one-time passwords printed when var/fazhi.db was made"
	build/fazhi serve --db $(DB) --listen $(LISTEN)

check: bootstrap
	scripts/check

lint:
	scripts/lint

bench: bootstrap build
	bench/http.sh

clean:
	rm -rf build build-asan build-fuzz web/dist
