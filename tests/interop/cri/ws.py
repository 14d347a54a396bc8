"""A client for the streaming server of a CRI runtime (Exec, Attach,
PortForward URLs), over WebSocket with Kubernetes' channel protocol.

containerd's CRI plugin serves these URLs with the kubelet's streaming
package, which speaks SPDY (what kubectl uses) and, for the same
endpoints, WebSocket (what browsers and the Kubernetes client libraries
other than Go's use).  SPDY has no client in Debian's Python; WebSocket is
a small framing over one HTTP/1.1 upgrade, written here (RFC 6455, client
side: masked frames, no extensions), so the suite needs no package for it.

The channel protocol v4.channel.k8s.io: every binary message starts with
one byte naming the stream: 0 stdin, 1 stdout, 2 stderr, 3 the error
stream (a JSON metav1.Status when the process ends: "Success", or
"Failure" with reason "NonZeroExitCode" and the code in
details.causes[].message), 4 terminal resize ({"Width":W,"Height":H}).
"""

import base64
import json
import os
import socket
import struct
import time
import urllib.parse

STDIN, STDOUT, STDERR, ERROR, RESIZE = 0, 1, 2, 3, 4


class WSError(Exception):
    pass


class Stream:
    def __init__(self, url, protocol="v4.channel.k8s.io", timeout=20):
        u = urllib.parse.urlsplit(url)
        if u.scheme != "http":
            raise WSError("%s: only http URLs (containerd serves plain HTTP on its stream address)" % url)
        self.sock = socket.create_connection((u.hostname, u.port or 80), timeout=timeout)
        self.buf = b""
        key = base64.b64encode(os.urandom(16)).decode()
        path = u.path + ("?" + u.query if u.query else "")
        req = (
            "GET %s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n"
            "Sec-WebSocket-Protocol: %s\r\n\r\n" % (path, u.netloc, key, protocol)
        )
        self.sock.sendall(req.encode())
        head = self._read_until(b"\r\n\r\n").decode(errors="replace")
        status = head.split("\r\n", 1)[0]
        if " 101 " not in status + " ":
            raise WSError("%s: %s\n%s" % (url, status, head))
        self.protocol = ""
        for line in head.split("\r\n")[1:]:
            k, _, v = line.partition(":")
            if k.strip().lower() == "sec-websocket-protocol":
                self.protocol = v.strip()
        self.closed = False

    def _read_until(self, marker):
        while marker not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise WSError("connection closed during the handshake")
            self.buf += chunk
        head, _, self.buf = self.buf.partition(marker)
        return head

    def _read_exact(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError()
            self.buf += chunk
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def _send_frame(self, opcode, payload):
        head = bytes([0x80 | opcode])
        n = len(payload)
        if n < 126:
            head += bytes([0x80 | n])
        elif n < 65536:
            head += bytes([0x80 | 126]) + struct.pack(">H", n)
        else:
            head += bytes([0x80 | 127]) + struct.pack(">Q", n)
        mask = os.urandom(4)
        body = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(head + mask + body)

    def send(self, channel, data):
        if isinstance(data, str):
            data = data.encode()
        self._send_frame(0x2, bytes([channel]) + data)

    def resize(self, width, height):
        self.send(RESIZE, json.dumps({"Width": width, "Height": height}))

    def recv(self):
        """The next data message as (channel, bytes); None once closed."""
        msg = b""
        while True:
            try:
                b0, b1 = self._read_exact(2)
            except EOFError:
                self.closed = True
                return None
            opcode, n = b0 & 0x0F, b1 & 0x7F
            if n == 126:
                n = struct.unpack(">H", self._read_exact(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", self._read_exact(8))[0]
            mask = self._read_exact(4) if b1 & 0x80 else None
            payload = self._read_exact(n)
            if mask:
                payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
            if opcode == 0x8:  # close
                self.closed = True
                try:
                    self._send_frame(0x8, payload[:2])
                except OSError:
                    pass
                return None
            if opcode == 0x9:  # ping
                self._send_frame(0xA, payload)
                continue
            if opcode == 0xA:
                continue
            msg += payload
            if b0 & 0x80:  # FIN
                if not msg:
                    continue
                if self.protocol.startswith("base64."):
                    return msg[0] - ord("0"), base64.b64decode(msg[1:])
                return msg[0], msg[1:]

    def collect(self, timeout=20, until=None):
        """Reads until the server closes (or UNTIL(streams) is true, or
        TIMEOUT); returns {channel: bytes}."""
        out = {}
        end = time.monotonic() + timeout
        while not self.closed:
            left = end - time.monotonic()
            if left <= 0:
                break
            self.sock.settimeout(left)
            try:
                m = self.recv()
            except socket.timeout:
                break
            if m is None:
                break
            ch, data = m
            out[ch] = out.get(ch, b"") + data
            if until and until(out):
                break
        return out

    def close(self):
        try:
            if not self.closed:
                self._send_frame(0x8, struct.pack(">H", 1000))
        except OSError:
            pass
        self.sock.close()


def exit_status(status_json):
    """The exit code from the error channel's metav1.Status: 0 for
    Success, the NonZeroExitCode cause's code, or None when it is
    another failure (returned as the message)."""
    if not status_json:
        return None
    st = json.loads(status_json)
    if st.get("status") == "Success":
        return 0
    for cause in st.get("details", {}).get("causes", []):
        if cause.get("reason") == "ExitCode":
            return int(cause["message"])
    return st.get("message")
