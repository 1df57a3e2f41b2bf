#!/usr/bin/env python3
"""Service desk emulators for the lab: Hornbill, ServiceNow, PagerDuty and
Alertmanager on one port, each under its own prefix, written from the
vendors' published API references (see src/notify/desk.c for the calls):

  /hb/xmlmc/SERVICE/?method=M   Hornbill XMLMC, JSON form: header
        "Authorization: ESP-APIKEY KEY", body {"methodCall": {"@service",
        "@method", "params"}}; answers HTTP 200 with {"@status": true,
        "params": ...} or {"@status": false, "state": {"error": ...}};
        a business rule's refusal is "@status": true with params
        exceptionName and exceptionDescription (requestAlreadyResolved,
        requestClosed, priorityNotFound); a parameter the method does not
        take fails its input validation; a bad key is HTTP 401.
  /sn/api/now/table/incident    ServiceNow Table API, basic auth: GET with
        sysparm_query=correlation_id=KEY, POST (201), PATCH .../SYS_ID (200).
  /pd/v2/enqueue                PagerDuty Events API v2: 202 {"status":
        "success", "dedup_key"}, 400 {"status": "invalid event"}.
  /am/api/v2/alerts             Alertmanager: an array of alerts, 200.

Everything received is recorded; GET /_emu/state returns it.  Faults are
armed with POST /_emu/fault {"desk", "method", "mode", "count", "delay"}:
mode status_false (Hornbill's 200 with @status false), http401, http429
(with Retry-After), http503, drop (the work is done, then the connection
is closed without an answer), delay (answer after delay seconds, the work
done first).  POST /_emu/close {"ref"} closes a Hornbill request, as an
analyst would.

usage: desk_emulator.py --port N [--hb-key K] [--sn-user U --sn-password P]
       [--pd-key K] [--log FILE]
"""
import argparse
import base64
import json
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()
# The parameters each Hornbill method takes (its API reference); any other
# fails XMLMC's input validation, as on a real instance.
HB_SM = "apps/com.hornbill.servicemanager"
HB_PARAMS = {
    (HB_SM + "/Requests", "updateReqTimeline"): {
        "requestId", "content", "visibility", "activityType", "source",
        "action", "extra", "imageUrl"},
    (HB_SM + "/Requests", "escalateRequest"): {
        "requestId", "priorityId", "priorityName", "escalationNote", "updateTimelineInputs"},
    (HB_SM + "/Requests", "smUpdateStatus"): {
        "requestId", "status", "subStatus", "updateTimeline", "visibility"},
    (HB_SM + "/Requests", "resolveRequest"): {
        "requestId", "resolutionText", "resolutionLanguage", "closureCategoryId",
        "closureCategoryName", "updateTimelineInputs"},
}
HB_STATUSES = ("status.new", "status.open", "status.onHold", "status.resolved",
               "status.closed", "status.cancelled")
STATE = {"hornbill": {}, "servicenow": {}, "pagerduty": [], "alertmanager": [],
         "calls": [], "rejected": []}
FAULTS = []
ARGS = None
SEQ = {"hb": 0, "sn": 0}


def take_fault(desk, method):
    """The first armed fault for this desk and method, used once."""
    with LOCK:
        for f in FAULTS:
            if f["desk"] == desk and f.get("method", method) == method and f["count"] > 0:
                f["count"] -= 1
                return dict(f)
    return None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *a):
        if ARGS.log:
            with open(ARGS.log, "a") as f:
                f.write("%.3f %s\n" % (time.time(), fmt % a))

    def reply(self, status, obj, extra=None):
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n) if n else b""
        try:
            return json.loads(raw) if raw else None
        except ValueError:
            return "not-json"

    def reject(self, why, status, obj):
        with LOCK:
            STATE["rejected"].append({"path": self.path, "why": why})
        self.reply(status, obj)

    def faulted(self, desk, method, work):
        """Apply an armed fault; True when the reply was handled here."""
        f = take_fault(desk, method)
        if f is None:
            return False
        mode = f["mode"]
        if mode == "status_false":
            self.reply(200, {"@status": False, "state": {
                "code": "0200", "error": f.get("error", "The specified priority does not exist")}})
        elif mode in ("http401", "http503"):
            self.reply(int(mode[4:]), {"error": mode})
        elif mode == "http429":
            self.reply(429, {"status": "throttled"}, {"Retry-After": str(f.get("retry_after", 3))})
        elif mode == "drop":
            work()
            self.close_connection = True
            try:
                self.connection.shutdown(2)
            except OSError:
                pass
        elif mode == "delay":
            result = work()
            time.sleep(f.get("delay", 3))
            self.send_result(result)
        return True

    # --- dispatch ---------------------------------------------------------
    def do_GET(self):
        if self.path == "/_emu/state":
            with LOCK:
                return self.reply(200, STATE)
        if self.path.startswith("/sn/"):
            return self.servicenow("GET", None)
        self.reply(404, {"error": "not found"})

    def do_POST(self):
        b = self.body()
        with LOCK:
            STATE["calls"].append({"at": time.time(), "method": "POST", "path": self.path,
                                   "body": b})
        if self.path == "/_emu/fault":
            with LOCK:
                b.setdefault("count", 1)
                FAULTS.append(b)
            return self.reply(200, {"armed": b})
        if self.path == "/_emu/close":    # an analyst closes a request
            with LOCK:
                r = STATE["hornbill"].get(b.get("ref"))
                if r is not None:
                    r["status"] = "status.closed"
            return self.reply(200 if r else 404, {"closed": b.get("ref")})
        if self.path.startswith("/hb/xmlmc/"):
            return self.hornbill(b)
        if self.path.startswith("/sn/"):
            return self.servicenow("POST", b)
        if self.path == "/pd/v2/enqueue":
            return self.pagerduty(b)
        if self.path == "/am/api/v2/alerts":
            return self.alertmanager(b)
        self.reply(404, {"error": "not found"})

    def do_PATCH(self):
        b = self.body()
        with LOCK:
            STATE["calls"].append({"at": time.time(), "method": "PATCH", "path": self.path,
                                   "body": b})
        if self.path.startswith("/sn/"):
            return self.servicenow("PATCH", b)
        self.reply(404, {"error": "not found"})

    def send_result(self, r):
        try:
            self.reply(r[0], r[1], r[2] if len(r) > 2 else None)
        except OSError:
            pass    # the client went away (killed while waiting)

    # --- Hornbill ---------------------------------------------------------
    def hornbill(self, b):
        u = urllib.parse.urlparse(self.path)
        service = u.path[len("/hb/xmlmc/"):].rstrip("/")
        method = urllib.parse.parse_qs(u.query).get("method", [""])[0]
        if self.headers.get("Authorization") != "ESP-APIKEY " + ARGS.hb_key:
            return self.reject("bad api key", 401, {"@status": False, "state": {
                "error": "Authentication failed"}})
        if "application/json" not in (self.headers.get("Content-Type") or ""):
            return self.reject("content type", 400, {"error": "content type"})
        call = (b or {}).get("methodCall") if isinstance(b, dict) else None
        if not call or call.get("@service") != service or call.get("@method") != method:
            return self.reject("methodCall does not match the URL", 200, {
                "@status": False, "state": {"error": "Invalid methodCall"}})
        p = call.get("params") or {}
        work = lambda: self.hb_method(service, method, p)
        if self.faulted("hornbill", method, work):
            return
        self.send_result(work())

    def hb_method(self, service, method, p):
        T = STATE["hornbill"]
        bad = lambda e: (200, {"@status": False, "state": {"code": "0200", "error": e}})
        ok = lambda params: (200, {"@status": True, "params": params})
        sm = "apps/com.hornbill.servicemanager"
        with LOCK:
            if (service, method) == ("data", "entityBrowseRecords2"):
                f = p.get("searchFilter") or {}
                if p.get("entity") != "Requests" or not f.get("column"):
                    return bad("entity and searchFilter are required")
                rows = [{"h_pk_reference": r["ref"], f["column"]: r["fields"].get(f["column"])}
                        for r in T.values() if r["fields"].get(f["column"]) == f.get("value")]
                return ok({"rowData": {"row": rows[:int(p.get("maxResults") or 100)]}} if rows else {})
            if (service, method) == (sm + "/Incidents", "logIncident"):
                if not p.get("summary"):
                    return bad("summary is required")
                if p.get("priorityId") is not None and p["priorityId"] not in ("1", "2", "3", "4"):
                    return bad("The specified priority does not exist")
                SEQ["hb"] += 1
                ref = "IN%08d" % SEQ["hb"]
                T[ref] = {"ref": ref, "status": "status.open", "fields": p,
                          "priorityId": p.get("priorityId"), "timeline": [], "resolution": None,
                          "reopened": 0}
                return ok({"requestId": ref, "summary": p["summary"]})
            ref = p.get("requestId")
            r = T.get(ref)
            allowed = HB_PARAMS.get((service, method))
            if allowed is None:
                return bad("Unknown method %s::%s" % (service, method))
            extra = set(p) - allowed
            if extra:   # XMLMC's input validation names the parameter
                return bad("Invalid parameter '%s'" % sorted(extra)[0])
            if r is None:
                return bad("The request %s does not exist" % ref)
            exc = lambda name, d: ok({"exceptionName": name, "exceptionDescription": d})
            if method == "updateReqTimeline":
                if not p.get("content"):
                    return bad("content is required")
                r["timeline"].append(p["content"])
                return ok({"activityId": "urn:buzz:activity:%d" % len(r["timeline"]),
                           "outcome": "success"})
            if method == "escalateRequest":
                if p.get("priorityId") not in ("1", "2", "3", "4"):
                    return exc("priorityNotFound", "The specified priority does not exist")
                r["priorityId"] = p["priorityId"]
                r["timeline"].append(p.get("escalationNote") or "")
                return ok({"activityId": "urn:buzz:activity:%d" % len(r["timeline"])})
            if method == "smUpdateStatus":
                if p.get("status") not in HB_STATUSES:
                    return bad("Invalid status '%s'" % p.get("status"))
                if r["status"] == "status.closed":
                    return exc("requestClosed", "The request is closed")
                if p["status"] == "status.open" and r["status"] == "status.resolved":
                    r["reopened"] += 1
                r["status"] = p["status"]
                return ok({})
            if not p.get("resolutionText"):
                return bad("resolutionText is required")
            if r["status"] in ("status.resolved", "status.closed"):
                return exc("requestAlreadyResolved", "The request %s is already resolved" % ref)
            r["status"] = "status.resolved"
            r["resolution"] = p["resolutionText"]
            return ok({"activityId": "urn:buzz:activity:resolve"})

    # --- ServiceNow -------------------------------------------------------
    def servicenow(self, verb, b):
        want = "Basic " + base64.b64encode(
            ("%s:%s" % (ARGS.sn_user, ARGS.sn_password)).encode()).decode()
        if self.headers.get("Authorization") != want:
            return self.reject("bad credentials", 401, {"error": {
                "message": "User Not Authenticated", "detail": "Required to provide Auth information"},
                "status": "failure"})
        u = urllib.parse.urlparse(self.path)
        parts = u.path.split("/")
        if parts[1:6] != ["sn", "api", "now", "table", "incident"]:
            return self.reply(400, {"error": {"message": "Invalid table"}, "status": "failure"})
        work = lambda: self.sn_work(verb, parts, u, b)
        if self.faulted("servicenow", verb, work):
            return
        self.send_result(work())

    def sn_work(self, verb, parts, u, b):
        T = STATE["servicenow"]
        with LOCK:
            if verb == "GET":
                q = urllib.parse.parse_qs(u.query).get("sysparm_query", [""])[0]
                k, _, v = q.partition("=")
                rows = [{"sys_id": i["sys_id"], "number": i["number"], "state": i["state"]}
                        for i in T.values() if k == "correlation_id" and i["correlation_id"] == v]
                return (200, {"result": rows[:1]})
            if verb == "POST":
                if not isinstance(b, dict) or not b.get("short_description"):
                    return (400, {"error": {"message": "short_description required"}})
                SEQ["sn"] += 1
                sid = "%032x" % SEQ["sn"]
                inc = dict(b, sys_id=sid, number="INC%07d" % SEQ["sn"], state="1", work_notes_log=[])
                inc.pop("work_notes", None)
                T[sid] = inc
                return (201, {"result": inc})
            sid = parts[6] if len(parts) > 6 else ""
            inc = T.get(sid)
            if inc is None:
                return (404, {"error": {"message": "No Record found"}, "status": "failure"})
            if inc["state"] == "7":
                return (403, {"error": {"message": "Closed incidents cannot be updated"}})
            for k, v in (b or {}).items():
                if k == "work_notes":
                    inc["work_notes_log"].append(v)
                else:
                    inc[k] = v
            return (200, {"result": inc})

    # --- PagerDuty --------------------------------------------------------
    def pagerduty(self, b):
        errs = []
        if not isinstance(b, dict):
            errs.append("body must be a JSON object")
            b = {}
        if b.get("routing_key") != ARGS.pd_key:
            errs.append("routing_key is invalid")
        act = b.get("event_action")
        if act not in ("trigger", "acknowledge", "resolve"):
            errs.append("event_action must be trigger, acknowledge or resolve")
        if act in ("acknowledge", "resolve") and not b.get("dedup_key"):
            errs.append("dedup_key is required")
        if act == "trigger":
            pl = b.get("payload") or {}
            for k in ("summary", "source", "severity"):
                if not pl.get(k):
                    errs.append("payload.%s is required" % k)
            if pl.get("severity") not in ("critical", "error", "warning", "info"):
                errs.append("payload.severity is invalid")
        if errs:
            return self.reject("; ".join(errs), 400, {"status": "invalid event",
                                                      "message": "Event object is invalid",
                                                      "errors": errs})
        work = lambda: self.pd_work(b)
        if self.faulted("pagerduty", act, work):
            return
        self.send_result(work())

    def pd_work(self, b):
        with LOCK:
            STATE["pagerduty"].append(dict(b, received_at=time.time()))
        return (202, {"status": "success", "message": "Event processed",
                      "dedup_key": b.get("dedup_key")})

    # --- Alertmanager -----------------------------------------------------
    def alertmanager(self, b):
        if not isinstance(b, list) or not all(isinstance(a, dict) and a.get("labels") for a in b):
            return self.reject("alerts", 400, "invalid alerts")
        work = lambda: self.am_work(b)
        if self.faulted("alertmanager", "post", work):
            return
        self.send_result(work())

    def am_work(self, b):
        with LOCK:
            for a in b:
                STATE["alertmanager"].append(dict(a, received_at=time.time()))
        return (200, "")


def main():
    global ARGS
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--hb-key", default="hb-test-key")
    ap.add_argument("--sn-user", default="nocwatch")
    ap.add_argument("--sn-password", default="sn-test-pass")
    ap.add_argument("--pd-key", default="R0123456789ABCDEF0123456789ABCDE")
    ap.add_argument("--log")
    ARGS = ap.parse_args()
    ThreadingHTTPServer.daemon_threads = True
    ThreadingHTTPServer(("127.0.0.1", ARGS.port), Handler).serve_forever()


if __name__ == "__main__":
    main()
