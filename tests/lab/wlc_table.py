#!/usr/bin/env python3
"""A Wi-Fi controller's AP table (AIRESPACE-WIRELESS-MIB bsnAPTable) for a
lab snmpd, through its pass_persist protocol, and the tool that changes it.

  snmpd.conf:  pass_persist .1.3.6.1.4.1.14179.2.2.1 python3 wlc_table.py STATE
  faults:      wlc_table.py STATE set SELECTOR gone|back|down|up
               wlc_table.py STATE make SITE=COUNT[:PREFIX] ...

STATE is a JSON file of the APs: name, site (its bsnAPLocation), index (the
AP's MAC address, as the table's index), status (1 associated, 2
disassociating) and present.  A controller deletes the row of an AP that
left it, as Cisco's do: "gone" removes rows, "back" brings them again;
"down"/"up" keep the row and change bsnAPOperationStatus, as controllers
that keep rows do.  SELECTOR: "all", "site:NAME", "first:N" (the first N),
or "spread:N" (N APs taken one site at a time, so no site loses all of
its APs while others have some left).

The agent re-reads STATE when it changes, so a fault shows at the next
poll.  Only numeric OIDs (no MIB files on the lab machines).
"""
import json
import os
import sys

TABLE = (1, 3, 6, 1, 4, 1, 14179, 2, 2, 1, 1)
COL_NAME, COL_LOCATION, COL_STATUS = 3, 4, 6


def load(path):
    with open(path) as f:
        return json.load(f)


def save(path, aps):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(aps, f, indent=1)
    os.rename(tmp, path)


def rows(aps):
    """Every (oid, type, value) of the table, in OID order."""
    out = []
    for col in (COL_NAME, COL_LOCATION, COL_STATUS):
        for ap in aps:
            if not ap.get("present", True):
                continue
            oid = TABLE + (col,) + tuple(ap["index"])
            if col == COL_NAME:
                out.append((oid, "string", ap["name"]))
            elif col == COL_LOCATION:
                out.append((oid, "string", ap.get("site", "")))
            else:
                out.append((oid, "integer", str(ap.get("status", 1))))
    out.sort(key=lambda r: r[0])
    return out


def parse_oid(text):
    try:
        return tuple(int(x) for x in text.strip().strip(".").split(".") if x)
    except ValueError:
        return ()


def serve(path):
    cache = {"mtime": None, "rows": []}

    def current():
        try:
            m = os.stat(path).st_mtime_ns
            if m != cache["mtime"]:
                cache["rows"] = rows(load(path))
                cache["mtime"] = m
        except (OSError, ValueError):
            pass
        return cache["rows"]

    def reply(r):
        if r is None:
            sys.stdout.write("NONE\n")
        else:
            sys.stdout.write(".%s\n%s\n%s\n" % (".".join(map(str, r[0])), r[1], r[2]))
        sys.stdout.flush()

    for line in sys.stdin:
        cmd = line.strip()
        if cmd == "PING":
            sys.stdout.write("PONG\n")
            sys.stdout.flush()
        elif cmd in ("get", "getnext"):
            oid = parse_oid(sys.stdin.readline())
            table = current()
            if cmd == "get":
                reply(next((r for r in table if r[0] == oid), None))
            else:
                reply(next((r for r in table if r[0] > oid), None))
        elif cmd == "set":
            sys.stdin.readline()
            sys.stdin.readline()
            sys.stdout.write("not-writable\n")
            sys.stdout.flush()
        elif cmd == "":
            return


def select(aps, selector):
    if selector == "all":
        return list(aps)
    kind, _, arg = selector.partition(":")
    if kind == "site":
        return [a for a in aps if a.get("site") == arg]
    if kind == "first":
        return aps[: int(arg)]
    if kind == "spread":
        by_site = {}
        for a in aps:
            by_site.setdefault(a.get("site"), []).append(a)
        picked, n, i = [], int(arg), 0
        queues = list(by_site.values())
        # one AP of each site in turn, never a site's last one
        while len(picked) < n and any(len(q) > 1 for q in queues):
            q = queues[i % len(queues)]
            if len(q) > 1:
                picked.append(q.pop(0))
            i += 1
        return picked
    raise SystemExit("wlc_table: unknown selector '%s'" % selector)


def main(argv):
    if len(argv) == 2:
        serve(argv[1])
        return 0
    path, verb = argv[1], argv[2]
    if verb == "make":
        # SITE=COUNT[:PREFIX]: COUNT APs named PREFIX-AP-n for SITE
        aps = []
        for k, spec in enumerate(argv[3:]):
            site, _, rest = spec.partition("=")
            count, _, prefix = rest.partition(":")
            for n in range(1, int(count) + 1):
                aps.append({"name": "%s-AP-%d" % (prefix or site.upper(), n),
                            "site": site, "index": [0, 26, 161, 2, k + 1, n],
                            "status": 1, "present": True})
        save(path, aps)
        return 0
    if verb == "set":
        selector, what = argv[3], argv[4]
        aps = load(path)
        for a in select(aps, selector):
            if what == "gone":
                a["present"] = False
            elif what == "back":
                a["present"] = True
            elif what in ("down", "up"):
                a["status"] = 2 if what == "down" else 1
            else:
                raise SystemExit("wlc_table: gone, back, down or up")
        save(path, aps)
        return 0
    if verb == "heal":
        aps = load(path)
        for a in aps:
            a["present"], a["status"] = True, 1
        save(path, aps)
        return 0
    raise SystemExit("usage: wlc_table.py STATE [make|set|heal ...]")


if __name__ == "__main__":
    sys.exit(main(sys.argv))
