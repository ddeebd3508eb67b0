"""Slow clients cannot stall the server ``make run`` starts.

A hundred connections each send half a request and then nothing more, as phones on 2G do
for seconds at a time. With them all still open, a normal request gets its answer; then
each slow connection finishes its request and is answered too. (With gunicorn's threaded
worker, the configuration before, the normal request waited for as many threads as there
were to be freed: 27 s with 100 such connections, benchmarks/slow_clients.py.)
"""

from __future__ import annotations

import http.client
import socket

from tests.ops import processes

SLOW_CONNECTIONS = 100
HALF = b"GET /sign-in HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-"
REST = b"Agent: 2G\r\nConnection: close\r\n\r\n"


def _still_open(sock: socket.socket) -> bool:
    """True if the server has neither closed this connection nor answered on it."""
    sock.setblocking(False)
    try:
        return sock.recv(1, socket.MSG_PEEK) != b""
    except BlockingIOError:
        return True
    except OSError:
        return False
    finally:
        sock.setblocking(True)


def test_a_normal_request_is_answered_while_slow_clients_hold_connections(app, tmp_path):
    port = processes.free_port()
    log = tmp_path / "gunicorn.log"
    env = processes.app_env(app, tmp_path / "instance", HEADWAY_INPROCESS_WORKER="1")
    server = processes.gunicorn(port, env, log)
    slow: list[socket.socket] = []
    try:
        processes.wait_until_answering(f"http://127.0.0.1:{port}/healthz", server, log)
        for _ in range(SLOW_CONNECTIONS):
            sock = socket.create_connection(("127.0.0.1", port), timeout=30)
            sock.sendall(HALF)
            slow.append(sock)

        normal = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        normal.request("GET", "/sign-in")
        response = normal.getresponse()
        assert response.status == 200 and b"<form" in response.read()
        normal.close()
        assert all(_still_open(sock) for sock in slow), "every slow client is still waited for"

        for sock in slow:
            sock.sendall(REST)
        for sock in slow:
            assert sock.makefile("rb").readline().startswith(b"HTTP/1.1 200"), processes.tail(log)
    finally:
        for sock in slow:
            sock.close()
        processes.stop(server)
