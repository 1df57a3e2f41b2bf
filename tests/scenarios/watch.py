#!/usr/bin/env python3
"""Watch the incident store while a scenario runs: every 0.25 s, read the
incidents with `nocwatch incidents --json` and append a snapshot
{"t": epoch seconds, "incidents": [...]} to OUT when they changed.
Stops when STOPFILE exists or after LIMIT seconds (bounded)."""
import json
import os
import subprocess
import sys
import time

nocwatch, db, out, stopfile, limit = sys.argv[1:6]
end = time.time() + float(limit)
last = None
with open(out, "a") as f:
    while time.time() < end and not os.path.exists(stopfile):
        t = time.time()
        r = subprocess.run([nocwatch, "incidents", "--json", "--limit", "200",
                            "--db", db], capture_output=True, text=True)
        if r.returncode == 0 and r.stdout != last:
            try:
                inc = json.loads(r.stdout)
            except ValueError:
                inc = None
            if inc is not None:
                last = r.stdout
                f.write(json.dumps({"t": t, "incidents": inc}) + "\n")
                f.flush()
        time.sleep(0.25)
