"""The production server (gunicorn + gunicorn.conf.py) under hostile and slow clients.

Bounded: every socket targets 127.0.0.1, every loop has a deadline, all sockets are closed.
"""

from __future__ import annotations

import socket
import threading
import time

import pytest

from tests.helpers import FULL
from tests.server import fixture_server
from webapp import contract

SLOW_CLIENTS = 200
TRICKLE_SECONDS = 6


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    srv = fixture_server(tmp_path_factory.mktemp("server")).start()
    yield srv
    srv.stop()


def raw_request(port: int, data: bytes, timeout: float = 5) -> bytes:
    """Send raw bytes, return the whole answer (until the server closes or times out).
    A server that refuses a request may reset the connection while we still send; then the
    answer is what arrived before the reset, possibly nothing (b"")."""
    chunks = []
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        try:
            s.sendall(data)
            while chunk := s.recv(65536):
                chunks.append(chunk)
        except (socket.timeout, ConnectionResetError, BrokenPipeError):
            pass
    return b"".join(chunks)


def refused(answer: bytes, log: str, reason: str) -> bool:
    """True when gunicorn answered 4xx, or reset the connection and logged why."""
    return answer.startswith(b"HTTP/1.1 4") or (answer == b"" and reason in log)


def test_normal_request_completes_while_200_clients_trickle_headers(server):
    stop = threading.Event()
    sockets: list[socket.socket] = []

    def trickle():
        """Open the slow connections, then send one byte a second on each until stopped."""
        for _ in range(SLOW_CLIENTS):
            try:
                s = socket.create_connection(("127.0.0.1", server.port), timeout=2)
                s.sendall(b"GET /en/ HTTP/1.1\r\nHost: x\r\n")
                sockets.append(s)
            except OSError:
                break
        while not stop.wait(1):
            for s in list(sockets):
                try:
                    s.send(b"X")
                except OSError:
                    sockets.remove(s)
                    s.close()

    thread = threading.Thread(target=trickle, daemon=True)
    thread.start()
    try:
        time.sleep(2)  # let the slow clients connect and start trickling
        assert len(sockets) >= SLOW_CLIENTS * 0.9
        timings = []
        deadline = time.monotonic() + TRICKLE_SECONDS
        while time.monotonic() < deadline:
            start = time.monotonic()
            answer = raw_request(server.port, f"GET /en/{FULL}/ HTTP/1.1\r\n"
                                 "Host: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
            timings.append(time.monotonic() - start)
            assert answer.startswith(b"HTTP/1.1 200"), answer[:200]
            time.sleep(0.5)
        assert max(timings) < 1.0, timings
    finally:
        stop.set()
        thread.join(5)
        for s in sockets:
            s.close()


def test_oversize_request_line_is_refused(server):
    answer = raw_request(server.port, b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    assert refused(answer, server.log.read_text(), "Request Line is too large"), answer[:100]


def test_oversize_header_is_refused(server):
    answer = raw_request(server.port, b"GET /en/ HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * 9000 +
                         b"\r\n\r\n")
    log = server.log.read_text()
    assert refused(answer, log, "limit request headers fields size"), answer[:100]


def test_too_many_headers_are_refused(server):
    headers = b"".join(b"X-%d: v\r\n" % i for i in range(150))
    answer = raw_request(server.port, b"GET /en/ HTTP/1.1\r\nHost: x\r\n" + headers + b"\r\n")
    assert refused(answer, server.log.read_text(), "limit request headers fields"), answer[:100]


def test_garbage_request_gets_a_4xx_not_a_crash(server):
    for junk in (b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 40,  # a TLS hello
                 b"NOT HTTP AT ALL\r\n\r\n", b"GET / HTTP/9.9\r\n\r\n"):
        answer = raw_request(server.port, junk, timeout=3)
        assert answer == b"" or answer.startswith(b"HTTP/1.1 4"), answer[:100]
    ok = raw_request(server.port, b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     b"Connection: close\r\n\r\n")
    assert ok.startswith(b"HTTP/1.1 200")


def test_an_unknown_host_is_refused_by_the_real_server(server):
    answer = raw_request(server.port, b"GET /en/ HTTP/1.1\r\nHost: evil.example\r\n"
                         b"Connection: close\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 400") and b"evil" not in answer.split(b"\r\n\r\n", 1)[1]


def test_workers_serve_the_release_built_for_them(server):
    answer = raw_request(server.port, b"GET /readyz HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                         b"Connection: close\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 200")
    release = contract.current_id(server.build_dir)
    assert f'"release": "{release}"'.encode() in answer
