#!/usr/bin/env python3
"""Judge one scenario: its `expect` lines against what the watcher saw.

usage: judge.py ready|final SCENARIO WATCHLOG FACTS.json [TABLEROW]

FACTS holds: name, start (epoch s), faults ([{t, end, repair, verb, args}]),
baseline (the highest incident id before the scenario), devices
([{name, site}]), late_before/late_after, log (daemon log lines of the
scenario), maintenance ([...] from `nocwatch maintenance list --json`),
rrd (the RRD directory).

`ready` exits 0 once every expected incident is matched in its final state
(the runner stops waiting then); `final` prints one PASS/FAIL line per
expectation and appends a row to the table of measured times.
"""
import fnmatch
import json
import re
import subprocess
import sys
import time

mode, scn_path, watch_path, facts_path = sys.argv[1:5]
facts = json.load(open(facts_path))
name = facts["name"]
start = facts["start"]
faults = facts["faults"]
snaps = []
try:
    for line in open(watch_path):
        snaps.append(json.loads(line))
except FileNotFoundError:
    pass
failed = 0


def out(ok, what, why=""):
    global failed
    if mode != "final":
        return
    if ok:
        print("PASS %s: %s" % (name, what))
    else:
        failed += 1
        print("FAIL %s: %s: %s" % (name, what, why))


def parse():
    exps = []
    for raw in open(scn_path):
        line = raw.split("#", 1)[0].strip()
        if not line.startswith("expect "):
            continue
        words = line.split()[1:]
        e = {"at": None, "kind": words[0], "args": words[1:], "text": line}
        if words[0] == "at":
            e["at"] = float(words[1])
            e["kind"] = words[2]
            e["args"] = words[3:]
        exps.append(e)
    return exps


def attrs(args):
    a = {}
    for w in args:
        m = re.match(r"^([a-z-]+)(<=|\+=|~|=)(.*)$", w)
        if not m:
            raise SystemExit("judge: %s: cannot read '%s'" % (scn_path, w))
        if m.group(1) in ("evidence", "timeline"):
            # evidence~ and timeline~ may be repeated: each must match
            a.setdefault(m.group(1), ("~", []))[1].append(m.group(3))
        else:
            a[m.group(1)] = (m.group(2), m.group(3))
    return a


def expand_devices(spec):
    names = set()
    for part in spec.split(","):
        if part.startswith("@"):
            names |= {d["name"] for d in facts["devices"] if d["site"] == part[1:]}
        else:
            hit = {d["name"] for d in facts["devices"] if fnmatch.fnmatch(d["name"], part)}
            names |= hit or {part}
    return names


def touched_ids():
    """Incidents opened, or reopened, during the scenario."""
    ids = set()
    base = {i["id"]: i["state"] for i in (snaps[0]["incidents"] if snaps else [])}
    for s in snaps:
        for i in s["incidents"]:
            if i["id"] > facts["baseline"]:
                ids.add(i["id"])
            elif i["state"] == "open" and base.get(i["id"]) == "resolved":
                ids.add(i["id"])
    return ids


def history(iid):
    """first time open, first time per priority, and when it resolved
    for good (a reopened incident's earlier resolutions do not count)."""
    h = {"open": None, "resolved": None, "prio": {}, "prio_order": []}
    for s in snaps:
        for i in s["incidents"]:
            if i["id"] != iid:
                continue
            if i["state"] in ("open", "acknowledged"):
                if h["open"] is None:
                    h["open"] = s["t"]
                h["resolved"] = None
            if i["state"] == "resolved" and h["open"] is not None and h["resolved"] is None:
                h["resolved"] = s["t"]
            if i["priority"] not in h["prio"]:
                h["prio"][i["priority"]] = s["t"]
                h["prio_order"].append(i["priority"])
    return h


def final_of(iid):
    for s in reversed(snaps):
        for i in s["incidents"]:
            if i["id"] == iid:
                return i
    return None


def detail(iid):
    r = subprocess.run([facts["nocwatch"], "incident", str(iid), "--json",
                        "--db", facts["db"]], capture_output=True, text=True)
    try:
        return json.loads(r.stdout)
    except ValueError:
        return {}


def static_match(inc, a, why):
    """Does incident inc have the attributes a?  why collects the misses."""
    ok = True
    for k, (op, v) in a.items():
        if k in ("detect", "resolve", "was", "first", "evidence", "timeline"):
            continue
        if k == "devices":
            got = set(inc["devices"])
            want = expand_devices(v)
            good = got == want if op == "=" else want <= got
        elif k == "sites":
            got = set(inc["sites"])
            want = set(v.split(","))
            good = got == want if op == "=" else want <= got
        elif k == "title":
            got = inc["title"]
            good = re.search(v, got) is not None
        elif k == "flapping":
            # Marked flapping at any time while it lasted.
            got = any(i.get("flapping") for sn in snaps for i in sn["incidents"]
                      if i["id"] == inc["id"])
            good = got == (v == "yes")
        elif k == "desk":
            # Every event the service desk was sent, in order.
            got = ",".join(n.get("event", "") for n in
                           detail(inc["id"]).get("notifications", []))
            good = got == v
        elif k == "episodes":
            got = len(inc.get("episodes") or [])
            good = got == int(v)
        elif k == "outages":
            # Each episode's duration against the injected fault's, +-5 s.
            got = [e.get("duration_s") for e in inc.get("episodes") or []]
            want = [float(x) for x in v.split(",")]
            good = len(got) == len(want) and all(
                g is not None and abs(g - w) <= 5 for g, w in zip(got, want))
        elif k in ("priority", "cause", "situation", "state"):
            got = inc.get(k)
            good = got in v.split("|")
        else:
            raise SystemExit("judge: %s: unknown attribute '%s'" % (scn_path, k))
        if not good:
            why.append("%s is %s, want %s%s" % (k, sorted(got) if isinstance(got, set) else got, op, v))
            ok = False
    return ok


def snapshot_at(t):
    best = None
    for s in snaps:
        if s["t"] <= start + t:
            best = s
    return best


exps = parse()
ids = sorted(touched_ids())
used = set()
row = {"detect": [], "resolve": []}
fault0 = faults[0]["t"] if faults else start
# The repair began when the last fault's command started (restore, mains,
# back), or when a fault that heals itself (flap, reboot) began to: a
# resolution is measured from then, and one before it is false.
repair = faults[-1].get("repair", faults[-1]["t"]) if faults else start
all_ready = True

for e in exps:
    a = attrs(e["args"]) if e["kind"] == "incident" else {}
    if e["kind"] == "incidents" and e["at"] is None:
        want = int(e["args"][0])
        out(len(ids) == want, "%d incident(s)" % want,
            "got %d: %s" % (len(ids), [(final_of(i) or {}).get("title") for i in ids]))
        if len(ids) != want:
            all_ready = False
    elif e["kind"] == "open" and e["at"] is not None:
        s = snapshot_at(e["at"])
        n = len([i for i in (s["incidents"] if s else [])
                 if i["id"] in ids and i["state"] in ("open", "acknowledged")])
        want = int(e["args"][0])
        out(n == want, "%d open at %gs" % (want, e["at"]), "got %d" % n)
    elif e["kind"] == "incident" and e["at"] is not None:
        s = snapshot_at(e["at"])
        why = []
        hit = [i for i in (s["incidents"] if s else [])
               if i["id"] in ids and i["state"] in ("open", "acknowledged")
               and static_match(i, a, why)]
        out(bool(hit), "at %gs: %s" % (e["at"], " ".join(e["args"])),
            "; ".join(why) or "no open incident then")
    elif e["kind"] == "incident":
        why = []
        match = None
        for iid in ids:
            if iid in used:
                continue
            inc = final_of(iid)
            w = []
            if inc is not None and static_match(inc, a, w):
                match = iid
                break
            why.append("#%d: %s" % (iid, "; ".join(w)))
        desc = " ".join(x for x in e["args"] if not re.match(r"^(detect|resolve)<=", x))
        if match is None:
            all_ready = False
            out(False, desc, " | ".join(why) or "no incident")
            continue
        used.add(match)
        h = history(match)
        out(True, desc + " (#%d)" % match)
        if "detect" in a:
            d = h["open"] - fault0 if h["open"] else None
            row["detect"].append(d)
            out(d is not None and d <= float(a["detect"][1]),
                "detected within %ss" % a["detect"][1],
                "took %s s" % ("%.1f" % d if d is not None else "forever"))
        if "resolve" in a:
            r = h["resolved"] - repair if h["resolved"] else None
            row["resolve"].append(r)
            if r is None:
                all_ready = False
            # Resolved before the repair is a false resolution.
            out(r is not None and 0 <= r <= float(a["resolve"][1]),
                "resolved within %ss of the repair" % a["resolve"][1],
                "took %s s" % ("%.1f" % r if r is not None else "forever")
                if r is None or r >= 0 else
                "resolved %.1f s before the repair" % -r)
        if "was" in a:
            out(a["was"][1] in h["prio_order"][:-1],
                "was %s before" % a["was"][1], "priorities seen: %s" % h["prio_order"])
        if "first" in a:
            out(h["prio_order"][:1] == [a["first"][1]],
                "first seen as %s" % a["first"][1], "priorities seen: %s" % h["prio_order"])
        for part in ("evidence", "timeline"):
            if part not in a or mode != "final":
                continue
            d = detail(match)
            text = "\n".join(json.dumps(x) for x in d.get(part, []))
            for rx in a[part][1]:
                out(re.search(rx, text) is not None,
                    "%s ~ %s" % (part, rx), text[:300] or "no " + part)
    elif e["kind"] == "late" and mode == "final":
        late = facts["late_after"] - facts["late_before"]
        out(late <= int(e["args"][0]), "at most %s late checks" % e["args"][0],
            "%d late" % late)
    elif e["kind"] == "suppressed" and mode == "final":
        site = e["args"][0]
        n = sum(m.get("suppressed", 0) for m in facts["maintenance"]
                if m.get("scope") == "site" and m.get("name") == site)
        out(n >= 1, "the maintenance window on %s suppressed an outage" % site,
            "suppressed %d: %s" % (n, facts["maintenance"]))
    elif e["kind"] == "report" and mode == "final":
        # nocwatch report over the scenario: the site's time cut off
        # against the injected outage (s), within 5 s per episode.
        site, want, eps = e["args"][0], float(e["args"][1]), int(e["args"][2])
        iso = lambda t: time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))
        r = subprocess.run([facts["nocwatch"], "report", "--json", "--db", facts["db"],
                            "--from", iso(start - 2), "--until", iso(time.time() + 2)],
                           capture_output=True, text=True)
        try:
            got = [x for x in json.loads(r.stdout)["sites"] if x["site"] == site]
        except (ValueError, KeyError):
            got = []
        secs = got[0]["outage_s"] if got else None
        out(secs is not None and abs(secs - want) <= 5 * eps,
            "report: %s cut off %.0f s (+-%d)" % (site, want, 5 * eps),
            "report says %s: %s" % (secs, r.stdout[:300] or r.stderr[:300]))
    elif e["kind"] == "trap" and mode == "final":
        trap, dev = e["args"][0], e["args"][1]
        addr = [d.get("address") for d in facts["devices"] if d["name"] == dev]
        pat = re.compile(r"trap: %s .*trap %s\b" % (re.escape(addr[0] if addr else dev), trap))
        out(any(pat.search(l) for l in facts["log"]), "%s trap from %s" % (trap, dev),
            "not in the daemon log")
    elif e["kind"] == "no-spike" and mode == "final":
        dev, metric, ds, limit = e["args"]
        path = "%s/%s/%s.rrd" % (facts["rrd"], dev, metric)
        r = subprocess.run(["rrdtool", "fetch", path, "AVERAGE", "-s",
                            str(int(start) - 10), "-e", "now"],
                           capture_output=True, text=True)
        lines = r.stdout.splitlines()
        worst = None
        if lines:
            names = lines[0].split()
            col = names.index(ds) if ds in names else None
            n = 0
            for l in lines[2:]:
                parts = l.split()
                if col is None or len(parts) <= col + 1:
                    continue
                try:
                    v = float(parts[col + 1])
                except ValueError:
                    continue
                if v == v:
                    n += 1
                    worst = v if worst is None else max(worst, v)
        out(r.returncode == 0 and worst is not None and worst < float(limit),
            "%s %s %s stays under %s per second (no spike at the restart)" %
            (dev, metric, ds, limit),
            "max %s (%s)" % (worst, (r.stderr or "").strip()[:200]))

if mode == "ready":
    sys.exit(0 if all_ready else 1)

if len(sys.argv) > 5:
    def fmt(xs):
        return ",".join("%.1f" % x if x is not None else "-" for x in xs) or "-"
    with open(sys.argv[5], "a") as f:
        f.write("%-28s %9d %14s %14s %s\n" % (name, len(ids), fmt(row["detect"]),
                fmt(row["resolve"]), "ok" if failed == 0 else "FAILED"))
sys.exit(1 if failed else 0)
