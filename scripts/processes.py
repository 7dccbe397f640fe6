"""Loopback ports and child processes for the test and benchmark servers (gunicorn, nginx,
Varnish): one place for "which port" and "stop it", so no launcher leaves a server behind."""

from __future__ import annotations

import socket
import subprocess


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now (the kernel's choice for port 0). Another process may
    take it before the caller binds it; the servers here bind within milliseconds."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop_process(proc: subprocess.Popen | None, grace: float = 10) -> None:
    """Stop ``proc`` if it is still running: SIGTERM (a graceful stop for gunicorn, nginx and
    varnishd), then SIGKILL if it has not exited within ``grace`` seconds; waits for it in both
    cases, so no zombie is left. ``None`` or an exited process is a no-op."""
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
