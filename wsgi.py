"""WSGI entry point: ``gunicorn wsgi:app`` (see gunicorn.conf.py).

Each gunicorn worker imports this module when it boots (no preload), so ``kill -HUP`` starts
workers on the release ``make release`` switched to. A worker that cannot start says why in one
line (a bad ``JINTAN_`` setting, no release built, a damaged release) instead of a traceback;
at first start it exits with gunicorn's "App failed to load" status (4), so the master stops
instead of respawning it forever; during a reload (``HUP``) it exits with 1 and the master
retries it while the old workers keep serving (``serving.Handoff``).
"""
import sys
import time

from webapp.web.factory import create_app
from webapp.config import ConfigError
from webapp.web.release import ReleaseError

try:
    app = create_app()
except (ConfigError, ReleaseError) as exc:
    sys.stderr.write(f"\nJintan Reader cannot start: {exc}\n\n")
    sys.stderr.flush()
    try:  # under gunicorn.conf.py: stop the master at first start, keep it during a reload
        from serving import boot_failure_exit_code
        code = boot_failure_exit_code()
    except ImportError:
        code = 1
    if code == 1:
        time.sleep(1)  # the master respawns the worker: not in a tight loop
    sys.exit(code)
