#!/usr/bin/env python3
"""A small SMTP server for the lab (RFC 5321 with STARTTLS, RFC 3207, and
AUTH PLAIN/LOGIN, RFC 4954): every message it accepts is written to
OUTDIR as N.eml with a N.json beside it (envelope, whether TLS and AUTH
were used).  With --require-tls, MAIL before STARTTLS is refused (530).

usage: smtp_sink.py --port N --out DIR [--cert PEM --key PEM]
       [--user U --password P] [--require-tls]
"""
import argparse
import base64
import json
import os
import socketserver
import ssl

ARGS = None
COUNT = [0]


class Handler(socketserver.StreamRequestHandler):
    def send(self, line):
        self.wfile.write((line + "\r\n").encode())
        self.wfile.flush()

    def readline(self):
        line = self.rfile.readline(4096)
        if not line:
            raise EOFError
        return line.decode("utf-8", "replace").rstrip("\r\n")

    def handle(self):
        self.tls = False
        self.authed = False
        self.send("220 lab-smtp ESMTP ready")
        try:
            self.session()
        except (EOFError, ConnectionError, ssl.SSLError):
            pass

    def ehlo(self):
        self.send("250-lab-smtp")
        if ARGS.cert and not self.tls:
            self.send("250-STARTTLS")
        if ARGS.user and (self.tls or not ARGS.require_tls):
            self.send("250-AUTH PLAIN LOGIN")
        self.send("250 8BITMIME")

    def starttls(self):
        self.send("220 go ahead")
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(ARGS.cert, ARGS.key)
        self.connection = ctx.wrap_socket(self.connection, server_side=True)
        self.rfile = self.connection.makefile("rb")
        self.wfile = self.connection.makefile("wb")
        self.tls = True

    def auth(self, args):
        mech = args.split()
        if mech and mech[0].upper() == "PLAIN":
            blob = mech[1] if len(mech) > 1 else (self.send("334 ") or self.readline())
            parts = base64.b64decode(blob).split(b"\0")
            user, pw = parts[1].decode(), parts[2].decode()
        elif mech and mech[0].upper() == "LOGIN":
            self.send("334 VXNlcm5hbWU6")
            user = base64.b64decode(self.readline()).decode()
            self.send("334 UGFzc3dvcmQ6")
            pw = base64.b64decode(self.readline()).decode()
        else:
            return self.send("504 unknown mechanism")
        if (user, pw) == (ARGS.user, ARGS.password):
            self.authed = True
            self.send("235 authenticated")
        else:
            self.send("535 authentication failed")

    def data(self, env):
        self.send("354 end with <CRLF>.<CRLF>")
        lines = []
        while True:
            line = self.rfile.readline(65536)
            if not line:
                raise EOFError
            if line in (b".\r\n", b".\n"):
                break
            if line.startswith(b".."):
                line = line[1:]
            lines.append(line)
        COUNT[0] += 1
        n = COUNT[0]
        with open(os.path.join(ARGS.out, "%d.eml" % n), "wb") as f:
            f.write(b"".join(lines))
        with open(os.path.join(ARGS.out, "%d.json" % n), "w") as f:
            json.dump(dict(env, tls=self.tls, auth=self.authed), f)
        self.send("250 queued as %d" % n)

    def session(self):
        env = {"from": None, "to": []}
        while True:
            line = self.readline()
            verb, _, args = line.partition(" ")
            verb = verb.upper()
            if verb in ("EHLO", "HELO"):
                self.ehlo()
            elif verb == "STARTTLS" and ARGS.cert and not self.tls:
                self.starttls()
            elif verb == "AUTH":
                self.auth(args)
            elif verb == "MAIL":
                if ARGS.require_tls and not self.tls:
                    self.send("530 must issue a STARTTLS command first")
                elif ARGS.user and not self.authed:
                    self.send("530 authentication required")
                else:
                    env = {"from": args[5:].strip(), "to": []}
                    self.send("250 ok")
            elif verb == "RCPT":
                env["to"].append(args[3:].strip())
                self.send("250 ok")
            elif verb == "DATA":
                if not env["to"]:
                    self.send("503 no recipients")
                else:
                    self.data(env)
            elif verb in ("RSET", "NOOP"):
                self.send("250 ok")
            elif verb == "QUIT":
                self.send("221 bye")
                return
            else:
                self.send("502 not implemented")


def main():
    global ARGS
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--cert")
    ap.add_argument("--key")
    ap.add_argument("--user")
    ap.add_argument("--password")
    ap.add_argument("--require-tls", action="store_true")
    ARGS = ap.parse_args()
    os.makedirs(ARGS.out, exist_ok=True)
    socketserver.ThreadingTCPServer.allow_reuse_address = True
    socketserver.ThreadingTCPServer.daemon_threads = True
    socketserver.ThreadingTCPServer(("127.0.0.1", ARGS.port), Handler).serve_forever()


if __name__ == "__main__":
    main()
