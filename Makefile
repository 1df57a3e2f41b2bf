# nocwatch: `make` builds, `make check` builds and runs every test,
# `make check SANITIZE=1` does the same under ASan + UBSan.

PREFIX	?= /usr/local
CC	?= cc
SANITIZE ?= 0
WERROR	?= 0

WARN	 = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	   -Wpointer-arith -Wcast-qual -Wformat=2
ifeq ($(WERROR),1)
WARN	+= -Werror
endif

ifeq ($(SANITIZE),1)
B	 = build-asan
SAN	 = -fsanitize=address,undefined -fno-omit-frame-pointer \
	   -fno-sanitize-recover=undefined
OPT	 = -O1 -g
else
B	 = build
SAN	 =
OPT	 = -O2 -g
endif

# The libraries' flags are asked for when a recipe first needs them, once:
# by then the `deps` prerequisite has installed the packages (on a new
# machine they are not there while this file is read).  A library still
# missing then stops the build with one line saying which.
PKGS	 = libevent libevent_openssl libpcap librrd jansson libcurl sqlite3 openssl
pkg_check = $(if $(shell pkg-config --exists $(PKGS) 2>/dev/null && echo y),,$(error \
	    nocwatch: missing $(strip $(foreach p,$(PKGS),$(if $(shell \
	    pkg-config --exists $(p) 2>/dev/null && echo y),,$(p)))) (pkg-config); \
	    run 'tools/deps.sh build' as root))
snmp_check = $(if $(shell command -v net-snmp-config),,$(error \
	    nocwatch: missing net-snmp-config (libsnmp-dev); run 'tools/deps.sh build' as root))
PKG_CFLAGS = $(eval PKG_CFLAGS := $$(pkg_check)$$(shell pkg-config --cflags $$(PKGS)))$(PKG_CFLAGS)
PKG_LIBS   = $(eval PKG_LIBS := $$(pkg_check)$$(shell pkg-config --libs $$(PKGS)))$(PKG_LIBS)
SNMP_LIBS  = $(eval SNMP_LIBS := $$(snmp_check)$$(shell net-snmp-config --netsnmp-libs))$(SNMP_LIBS)

CPPFLAGS += -Iinclude -D_GNU_SOURCE \
	    -DNOCWATCH_DEFS_DIR='"$(PREFIX)/share/nocwatch/rrd"' \
	    -DNOCWATCH_WEB_DIR='"$(PREFIX)/share/nocwatch/web"'
CFLAGS	 += -std=c11 $(OPT) $(WARN) $(SAN) $(PKG_CFLAGS)
LDFLAGS	 += $(SAN) -Wl,--as-needed
LDLIBS	 += $(PKG_LIBS) $(SNMP_LIBS) -lpthread -lm

LIB_SRCS = $(wildcard src/*.c probes/*.c)
MAIN_SRCS = src/nocwatch.c src/nocwatchd.c
LIB_OBJS = $(patsubst %.c,$(B)/%.o,$(filter-out $(MAIN_SRCS),$(LIB_SRCS)))
UNIT_SRCS = $(wildcard tests/unit/test_*.c)
UNIT_BINS = $(patsubst tests/unit/%.c,$(B)/tests/%,$(UNIT_SRCS))
LAB_TOOLS = $(B)/tests/lab/echo_delay

.PHONY: fuzz-merge all deps check asan unit lab bench install clean fuzz demo demo-cut \
	demo-power demo-wifi demo-restore demo-stop demo-status bench-detect

all: deps $(B)/nocwatch $(B)/nocwatchd

deps:
	@tools/deps.sh build

# Every object after `deps` (order only); headers and .inc files tracked
# per object by the compiler (-MMD).
$(B)/%.o: %.c | deps
	@mkdir -p $(dir $@)
	@echo "  CC  $<"
	@$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

-include $(wildcard $(B)/src/*.d $(B)/probes/*.d $(B)/tests/*.d $(B)/bench/*.d)

$(B)/libnocwatch.a: $(LIB_OBJS)
	@$(AR) rcs $@ $^

$(B)/nocwatch: $(B)/src/nocwatch.o $(B)/libnocwatch.a
	@echo "  LD  $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/nocwatchd: $(B)/src/nocwatchd.o $(B)/libnocwatch.a
	@echo "  LD  $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/tests/%: tests/unit/%.c tests/unit/unit.h $(B)/libnocwatch.a
	@mkdir -p $(dir $@)
	@echo "  CC  $<"
	@$(CC) $(CPPFLAGS) -Itests/unit $(CFLAGS) -MMD -MP $(LDFLAGS) -o $@ $< \
	    $(B)/libnocwatch.a $(LDLIBS)

$(B)/tests/lab/%: tests/lab/%.c | deps
	@mkdir -p $(dir $@)
	@echo "  CC  $<"
	@$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $<

check: deps
	@tools/deps.sh lab
	$(MAKE) --no-print-directory $(B)/nocwatch $(B)/nocwatchd $(UNIT_BINS) $(LAB_TOOLS)
	@B=$(B) tests/run.sh

asan:
	$(MAKE) --no-print-directory check SANITIZE=1

unit: $(UNIT_BINS)
	@B=$(B) LAB=0 tests/run.sh

$(B)/bench/%: bench/%.c $(B)/libnocwatch.a
	@mkdir -p $(dir $@)
	@echo "  CC  $<"
	@$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP $(LDFLAGS) -o $@ $< $(B)/libnocwatch.a $(LDLIBS)

bench: all $(LAB_TOOLS) $(B)/bench/snmp_rate
	@tools/deps.sh bench
	@B=$(B) bench/run.sh

# The demo estate with nocwatchd and its wall display on 127.0.0.1:8080
# (tools/demo.sh; root).
demo: all
	@tools/deps.sh lab
	@$(MAKE) --no-print-directory $(LAB_TOOLS)
	@B=$(B) tools/demo.sh start

demo-cut:
	@B=$(B) tools/demo.sh cut "$(SITE)" $(FIBRE)

demo-power:
	@B=$(B) tools/demo.sh power "$(SITE)"

demo-wifi:
	@B=$(B) tools/demo.sh wifi "$(SITE)"

demo-restore:
	@B=$(B) tools/demo.sh restore

demo-status:
	@B=$(B) tools/demo.sh status

demo-stop:
	@B=$(B) tools/demo.sh stop

# A fibre cut seen by nocwatchd and by Nagios 4 in the same lab (~20 min).
bench-detect: all $(LAB_TOOLS)
	@tools/deps.sh lab bench
	@B=$(B) bench/bench_detect.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/doc/nocwatch \
	    $(DESTDIR)$(PREFIX)/share/nocwatch/rrd $(DESTDIR)$(PREFIX)/etc/nocwatch
	install -m 755 $(B)/nocwatch $(DESTDIR)$(PREFIX)/bin/
	install -d $(DESTDIR)$(PREFIX)/sbin
	install -m 755 $(B)/nocwatchd $(DESTDIR)$(PREFIX)/sbin/
	install -m 644 README.md $(DESTDIR)$(PREFIX)/share/doc/nocwatch/
	for f in $(wildcard doc/*.md); do install -m 644 $$f $(DESTDIR)$(PREFIX)/share/doc/nocwatch/; done
	for f in $(wildcard rrd/*); do install -m 644 $$f $(DESTDIR)$(PREFIX)/share/nocwatch/rrd/; done
	install -d $(DESTDIR)$(PREFIX)/share/nocwatch/web
	for f in $(wildcard web/*); do install -m 644 $$f $(DESTDIR)$(PREFIX)/share/nocwatch/web/; done
	install -m 644 etc/nocwatch.conf $(DESTDIR)$(PREFIX)/etc/nocwatch/
	install -m 600 etc/nocwatch.secrets.conf $(DESTDIR)$(PREFIX)/etc/nocwatch/
	install -d $(DESTDIR)$(PREFIX)/lib/systemd/system
	install -m 644 etc/nocwatchd.service $(DESTDIR)$(PREFIX)/lib/systemd/system/

# Fuzz targets (clang + libFuzzer), each run for FUZZ_SECONDS.
FUZZ_SECONDS ?= 30
FUZZ_CFLAGS = -std=c11 -g -O1 $(CPPFLAGS) $(PKG_CFLAGS) \
	      -fsanitize=fuzzer,address,undefined
FUZZ_LIB = src/probe.c src/xmalloc.c src/log.c src/escape.c src/oids.c \
	   src/config.c src/parse.c src/threshold.c src/secret.c \
	   src/snmpval.c src/trap.c src/loopwatch.c probes/icmp.c probes/capture.c \
	   probes/snmp.c
FUZZ_TARGETS = $(patsubst tests/fuzz/%.c,build-fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))

build-fuzz/%: tests/fuzz/%.c $(FUZZ_LIB) $(wildcard include/*.h src/*.inc)
	@mkdir -p build-fuzz
	clang $(FUZZ_CFLAGS) -o $@ $< $(FUZZ_LIB) $(PKG_LIBS) $(SNMP_LIBS) -lm

# The HTTP target runs a whole daemon: it links everything but the mains.
FUZZ_ALL = $(filter-out $(MAIN_SRCS),$(LIB_SRCS))
build-fuzz/fuzz_http: tests/fuzz/fuzz_http.c $(FUZZ_ALL) $(wildcard include/*.h src/*.inc)
	@mkdir -p build-fuzz
	clang $(FUZZ_CFLAGS) -o $@ $< $(FUZZ_ALL) $(PKG_LIBS) $(SNMP_LIBS) \
	    -lpthread -lm

# Each target starts from its seeds and its kept corpus (tests/fuzz/corpus/,
# what earlier runs found, minimised), explores into build-fuzz/; fuzz-merge
# adds what this run found that covers something new to the kept corpus.
fuzz: deps
	@tools/deps.sh fuzz
	$(MAKE) --no-print-directory $(FUZZ_TARGETS)
	@for t in $(FUZZ_TARGETS); do \
		n=$$(basename $$t | sed 's/^fuzz_//'); \
		mkdir -p build-fuzz/corpus-$$n tests/fuzz/corpus/$$n; \
		seeds=tests/fuzz/seeds/$$n; \
		[ -d $$seeds ] || seeds=; \
		echo "fuzz: $$t for $(FUZZ_SECONDS) s"; \
		$$t -max_total_time=$(FUZZ_SECONDS) -max_len=2048 \
		    build-fuzz/corpus-$$n tests/fuzz/corpus/$$n $$seeds \
		    >$$t.log 2>&1 || { tail -n 40 $$t.log; exit 1; }; \
		tail -n 1 $$t.log; \
	done

fuzz-merge:
	@for t in $(FUZZ_TARGETS); do \
		n=$$(basename $$t | sed 's/^fuzz_//'); \
		[ -x $$t ] && [ -d build-fuzz/corpus-$$n ] || continue; \
		mkdir -p tests/fuzz/corpus/$$n; \
		$$t -merge=1 -max_len=2048 tests/fuzz/corpus/$$n \
		    build-fuzz/corpus-$$n >$$t.merge.log 2>&1 || \
		    { tail -n 20 $$t.merge.log; exit 1; }; \
		echo "fuzz-merge: $$n: $$(ls tests/fuzz/corpus/$$n | wc -l) files"; \
	done

clean:
	rm -rf build build-asan build-fuzz
