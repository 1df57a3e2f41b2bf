#!/usr/bin/env python3
"""Lab servers for the black-box tests, each bounded in lifetime.

  servers.py banner ADDR PORT TEXT      send TEXT on connect, then close
  servers.py http ADDR PORT [CERT KEY]  HTTP(S): / -> 200 "nocwatch lab ok",
                                        /status/N -> N, /slow -> 2 s delay
  servers.py mute PATH                  a Unix socket that accepts and never
                                        answers (a hung rrdcached)
"""
import http.server
import socket
import ssl
import sys
import threading
import time

LIFETIME = 300


def banner(addr, port, text):
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    s.listen(16)
    s.settimeout(1)
    end = time.time() + LIFETIME
    while time.time() < end:
        try:
            c, _ = s.accept()
        except socket.timeout:
            continue
        try:
            c.sendall(text.encode().decode("unicode_escape").encode("latin-1"))
            c.settimeout(0.5)
            try:
                c.recv(1024)
            except OSError:
                pass
        finally:
            c.close()


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        code, body = 200, b"nocwatch lab ok\n"
        if self.path.startswith("/status/"):
            code = int(self.path.split("/")[2])
            body = b"status %d\n" % code
        elif self.path == "/slow":
            time.sleep(2)
        self.send_response(code)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_HEAD(self):
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def mute(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(path)
    s.listen(64)
    s.settimeout(1)
    held = []
    end = time.time() + LIFETIME
    while time.time() < end:
        try:
            c, _ = s.accept()
            held.append(c)      # never read, never answered, never closed
        except socket.timeout:
            continue


def serve_http(addr, port, cert=None, key=None):
    srv = http.server.ThreadingHTTPServer((addr, port), Handler)
    if cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(cert, key)
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    threading.Timer(LIFETIME, srv.shutdown).start()
    srv.serve_forever()


if __name__ == "__main__":
    kind = sys.argv[1]
    if kind == "banner":
        banner(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    elif kind == "mute":
        mute(sys.argv[2])
    elif kind == "http":
        serve_http(sys.argv[2], int(sys.argv[3]), *sys.argv[4:6])
    else:
        sys.exit("unknown server kind")
