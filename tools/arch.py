#!/usr/bin/env python3
"""The modules' layering (doc/architecture.md): which module's code
includes which module's headers.  A module is a folder of src/ (and probes/);
a public header in include/ belongs to the module holding the .c of its
name (or to the one named in OWNERS); a header beside the code (x_int.h)
belongs to that folder and no other may include it.

Each module may use only the modules below it in LAYERS: no upward
dependency, so no cycle.  An exception would be listed in KNOWN and
printed; there is none (the incident engine reaches its host, the daemon,
only through struct inc_host).

With --objects BUILD (a build directory), it also reads the compiled
objects' symbols (nm): a module whose object calls a function, or uses a
variable, defined in a module above it fails the same way (what the
headers do not show: a prototype written by hand).  It lists, without
failing, the files over 800 lines and the functions over 100.

usage: tools/arch.py [--graph] [--objects BUILD]    (exit 1 with the violations)
"""
import subprocess
import os
import re
import sys

LAYERS = ["lib", "snmp", "probes", "conf", "model", "store", "rrd", "notify",
          "incident", "daemon", "cli"]
OWNERS = {"paths.h": "lib", "commands.h": "cli", "daemon.h": "daemon",
          "devrt.h": "model"}
KNOWN = set()           # exceptions to the order, named here: none
# Modules with no event loop of their own: the incident engine's host
# (the daemon, a replay) keeps its timers and its notifier.
NO_LOOP = {"incident", "model", "conf", "snmp", "store"}
# Uses the layering allows but the design does not: the incident engine
# keeps no store of its own (its host records for it) and no notifier.
FORBIDDEN = {("incident", "store"), ("incident", "notify")}

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")


def module_of(path):
    parts = path.split("/")
    if parts[0] == "probes":
        return "probes"
    if parts[0] == "src" and len(parts) == 3:
        return parts[1]
    return None


def main():
    os.chdir(ROOT)
    sources = []
    for top in ("src", "probes"):
        for d, _, files in os.walk(top):
            sources += [os.path.join(d, f) for f in files if f.endswith((".c", ".h"))]
    owner = dict(OWNERS)
    bad = []
    for s in sources:
        m = module_of(s)
        if m is None:
            bad.append("%s: outside any module (src/MODULE/ or probes/)" % s)
            continue
        if m not in LAYERS:
            bad.append("%s: module %s is not in the layers" % (s, m))
        base = os.path.basename(s)
        if s.endswith(".c"):
            owner.setdefault(base[:-2] + ".h", m)
    for h in os.listdir("include"):
        if h not in owner:
            bad.append("include/%s: no module holds %s.c; name its owner" % (h, h[:-2]))
    deps = {}
    # The public headers count as their owner's code: what they include
    # every user of theirs includes.
    for s in sources + [os.path.join("include", h) for h in sorted(os.listdir("include"))]:
        m = module_of(s) if not s.startswith("include/") else owner.get(os.path.basename(s))
        if m is None:
            continue
        if m in NO_LOOP:
            for i, l in enumerate(open(s, encoding="utf-8")):
                if re.match(r'^#include <event2/', l):
                    bad.append("%s:%d: %s has no event loop of its own (libevent is its host's)" % (s, i + 1, m))
        for line, h in ((i + 1, x) for i, l in enumerate(open(s, encoding="utf-8"))
                        for x in re.findall(r'^#include "([^"]+)"', l)):
            local = os.path.join(os.path.dirname(s), h)
            if os.path.exists(local) and not os.path.exists(os.path.join("include", h)):
                continue        # the module's own internal header
            if h.endswith("_int.h"):
                bad.append("%s:%d: includes %s, another module's internal header" % (s, line, h))
                continue
            o = owner.get(h)
            if o is None or o == m:
                continue
            deps.setdefault((m, o), []).append("%s:%d" % (s, line))
    for (a, b), where in sorted(deps.items()):
        if (a, b) in FORBIDDEN:
            bad.append("%s uses %s, which it must reach through its host (%s)" % (a, b, ", ".join(where[:3])))
    rank = {m: i for i, m in enumerate(LAYERS)}
    for (a, b), where in sorted(deps.items()):
        if a in rank and b in rank and rank[b] > rank[a] and (a, b) not in KNOWN:
            bad.append("%s uses %s above it (%s)" % (a, b, ", ".join(where[:3])))
    if "--graph" in sys.argv:
        for (a, b), where in sorted(deps.items(), key=lambda x: (rank.get(x[0][0], 99), x[0][1])):
            print("%-9s -> %-9s %3d include(s)%s" % (a, b, len(where),
                  "   (known: issue 15)" if (a, b) in KNOWN else ""))
    for k in sorted(KNOWN):
        if k not in deps:
            bad.append("%s -> %s is listed as known but no longer exists: take it off KNOWN" % k)
    if "--objects" in sys.argv:
        build = sys.argv[sys.argv.index("--objects") + 1]
        bad += symbols(build, rank)
    sizes(sources)
    for b in bad:
        print("arch: " + b)
    return 1 if bad else 0


def symbols(build, rank):
    """Module dependencies from the objects: undefined symbols of one
    module's objects defined by another module's."""
    defined, undef, bad = {}, [], []
    for top in ("src", "probes"):
        for d, _, files in os.walk(os.path.join(build, top)):
            for f in files:
                if not f.endswith(".o"):
                    continue
                obj = os.path.join(d, f)
                rel = os.path.relpath(obj, build)[:-2] + ".c"
                m = module_of(rel)
                if m is None:
                    continue
                out = subprocess.run(["nm", "-g", obj], capture_output=True,
                                     text=True).stdout
                for line in out.splitlines():
                    parts = line.split()
                    if len(parts) == 3 and parts[1] in "TDBRC":
                        defined[parts[2]] = m
                    elif len(parts) == 2 and parts[0] == "U":
                        undef.append((m, parts[1], rel))
    if not defined:
        return ["--objects %s: no objects found (build first)" % build]
    seen = set()
    for m, sym, where in undef:
        o = defined.get(sym)
        if o is None or o == m or (m, o) in KNOWN:
            continue
        if rank.get(o, -1) > rank.get(m, 99) and (m, o, sym) not in seen:
            seen.add((m, o, sym))
            bad.append("%s calls %s in %s above it (%s, in the objects)" % (m, sym, o, where))
    print("arch: %d symbols defined by the modules' objects, %d uses across "
          "modules checked" % (len(defined), sum(1 for m, s, _ in undef
                                                 if defined.get(s) not in (None, m))))
    return bad


def sizes(sources):
    """The files over 800 lines and the functions over 100 (KNF: the name
    at the start of a line, the body's braces in column 0)."""
    for s in sorted(sources):
        lines = open(s, encoding="utf-8").read().split("\n")
        if len(lines) > 800:
            print("arch: (size) %s: %d lines" % (s, len(lines)))
        name, start = None, None
        for i, l in enumerate(lines):
            m = re.match(r"^([a-z_][a-z0-9_]*)\(", l)
            if m:
                name = m.group(1)
            elif l == "{" and name is not None:
                start = i
            elif l == "}" and start is not None:
                if i - start - 1 > 100:
                    print("arch: (size) %s: %s() %d lines" % (s, name, i - start - 1))
                name, start = None, None


sys.exit(main())
