#!/usr/bin/env python3
"""A local HTTP(S) server for the `nss-iana update` tests, on 127.0.0.1 only.

    update_server.py WWW PORTFILE LOG [CERT KEY]

Serves, over http (and https with CERT and KEY), on random free ports
written to PORTFILE as "HTTP_PORT HTTPS_PORT" (0 without https):

  /files/NAME        WWW/NAME with ETag (a hash of the content) and
                     Last-Modified (its mtime); answers 304 with no body to
                     a matching If-None-Match, else to an If-Modified-Since
                     not older than the file
  /nolength/NAME     WWW/NAME without Content-Length, ended by closing
  /chunked/NAME      WWW/NAME in chunked transfer encoding
  /big/MODE/MIB      MIB MiB of CSV-looking lines; MODE is announced
                     (Content-Length), nolength or chunked
  /drip              one byte every 2 s, announcing 100000 bytes
  /gzip/NAME         WWW/NAME gzip-compressed, with Content-Encoding: gzip
  /cut/NAME          WWW/NAME announced one byte longer than it is, then
                     the connection closed (curl exit 18)
  /noanswer          the connection closed without an answer (curl exit 52)
  /redirect?to=URL   302 to URL

Every answer appends one line to LOG: "METHOD PATH STATUS BODY_BYTES_SENT
IF_NONE_MATCH|- IF_MODIFIED_SINCE|-", so a test can see what was asked and
how much was sent.
"""
import email.utils
import gzip
import hashlib
import http.server
import os
import ssl
import sys
import threading
import time
import urllib.parse

WWW, PORTFILE, LOG = sys.argv[1], sys.argv[2], sys.argv[3]
CERT = sys.argv[4] if len(sys.argv) > 5 else None
KEY = sys.argv[5] if len(sys.argv) > 5 else None
log_lock = threading.Lock()
LINE = b"x-service,1,tcp,a line of filler that no registry has\n"


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def record(self, status, sent):
        inm = self.headers.get("If-None-Match") or "-"
        ims = self.headers.get("If-Modified-Since") or "-"
        with log_lock, open(LOG, "a") as log:
            log.write("%s %s %d %d %s %s\n" % (self.command, self.path, status,
                                               sent, inm.replace(" ", "_"),
                                               ims.replace(" ", "_")))

    def send(self, data):
        """Writes data; returns the bytes that went out."""
        try:
            self.wfile.write(data)
            self.wfile.flush()
            return len(data)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
            return 0

    def do_GET(self):
        parts = urllib.parse.urlsplit(self.path)
        words = parts.path.strip("/").split("/")
        try:
            if words[0] == "files" and len(words) == 2:
                self.conditional_file(words[1])
            elif words[0] in ("nolength", "chunked") and len(words) == 2:
                self.streamed(words[0], self.read_file(words[1]))
            elif words[0] == "big" and len(words) == 3:
                self.big(words[1], int(words[2]))
            elif words == ["drip"]:
                self.drip()
            elif words[0] == "gzip" and len(words) == 2:
                self.gzipped(self.read_file(words[1]))
            elif words[0] == "cut" and len(words) == 2:
                self.cut(self.read_file(words[1]))
            elif words == ["noanswer"]:
                self.close_connection = True
                self.record(0, 0)
            elif words == ["redirect"]:
                to = urllib.parse.parse_qs(parts.query)["to"][0]
                self.send_response(302)
                self.send_header("Location", to)
                self.send_header("Content-Length", "0")
                self.end_headers()
                self.record(302, 0)
            else:
                self.not_found()
        except FileNotFoundError:
            self.not_found()

    def not_found(self):
        self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()
        self.record(404, 0)

    def read_file(self, name):
        with open(os.path.join(WWW, os.path.basename(name)), "rb") as f:
            return f.read()

    def conditional_file(self, name):
        path = os.path.join(WWW, os.path.basename(name))
        data = self.read_file(name)
        etag = '"%s"' % hashlib.sha256(data).hexdigest()[:16]
        mtime = int(os.stat(path).st_mtime)
        inm = self.headers.get("If-None-Match")
        ims = self.headers.get("If-Modified-Since")
        if inm is not None:
            fresh = etag in [t.strip() for t in inm.split(",")]
        elif ims is not None:
            since = email.utils.parsedate_to_datetime(ims).timestamp()
            fresh = mtime <= since
        else:
            fresh = False
        self.send_response(304 if fresh else 200)
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", email.utils.formatdate(mtime, usegmt=True))
        if fresh:
            self.end_headers()
            self.record(304, 0)
            return
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.record(200, self.send(data))

    def streamed(self, mode, data):
        self.send_response(200)
        if mode == "chunked":
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        sent = 0
        for at in range(0, len(data), 65536):
            piece = data[at:at + 65536]
            if mode == "chunked":
                piece = b"%x\r\n%s\r\n" % (len(piece), piece)
            n = self.send(piece)
            if not n:
                break
            sent += n
        if mode == "chunked":
            self.send(b"0\r\n\r\n")
        self.record(200, sent)

    def big(self, mode, mib):
        size = mib << 20
        block = LINE * (65536 // len(LINE))
        self.send_response(200)
        if mode == "announced":
            self.send_header("Content-Length", str(size))
        elif mode == "chunked":
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        sent = 0
        while sent < size:
            piece = block[:size - sent]
            wire = b"%x\r\n%s\r\n" % (len(piece), piece) if mode == "chunked" else piece
            if not self.send(wire):
                break
            sent += len(piece)
        if mode == "chunked" and sent >= size:
            self.send(b"0\r\n\r\n")
        self.close_connection = True
        self.record(200, sent)

    def gzipped(self, data):
        body = gzip.compress(data)
        self.send_response(200)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.record(200, self.send(body))

    def cut(self, data):
        self.send_response(200)
        self.send_header("Content-Length", str(len(data) + 1))
        self.end_headers()
        sent = self.send(data)
        self.close_connection = True
        self.record(200, sent)

    def drip(self):
        self.send_response(200)
        self.send_header("Content-Length", "100000")
        self.end_headers()
        sent = 0
        while sent < 100000 and self.send(b"x"):
            sent += 1
            time.sleep(2)
        self.close_connection = True
        self.record(200, sent)


def serve(server):
    server.serve_forever()


def main():
    plain = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    plain.daemon_threads = True
    https_port = 0
    if CERT:
        secure = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        secure.daemon_threads = True
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(CERT, KEY)
        secure.socket = context.wrap_socket(secure.socket, server_side=True)
        https_port = secure.server_address[1]
        threading.Thread(target=serve, args=(secure,), daemon=True).start()
    with open(PORTFILE + ".tmp", "w") as f:
        f.write("%d %d\n" % (plain.server_address[1], https_port))
    os.rename(PORTFILE + ".tmp", PORTFILE)
    serve(plain)


main()
