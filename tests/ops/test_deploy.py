"""deploy/: the systemd unit (systemd-analyze verify, and its ExecReload commands run as
systemd runs them), the container recipe (parsed, and its file layout built and served from a
read-only mount, as `podman run --read-only` would)."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.ops.conftest import dump_log, require
from scripts.harness import PYTHON, ROOT, SEED, Gunicorn, free_port, get
from scripts.servers import ARTICLE, linked_assets, tool

UNIT = ROOT / "deploy" / "systemd" / "jintan-reader.service"
CONTAINERFILE = ROOT / "deploy" / "Containerfile"
VENV = Path(sys.executable).parent.parent


def unit_for(build_dir: Path, app_dir: Path = ROOT) -> str:
    """The shipped unit with its /srv/jintan paths pointed at this checkout and ``build_dir``."""
    text = UNIT.read_text("utf-8")
    text = text.replace("/srv/jintan/app/.venv", str(VENV))
    text = text.replace("/srv/jintan/app", str(app_dir)).replace("/srv/jintan/build",
                                                                  str(build_dir))
    return text


def unit_values(text: str, key: str) -> list[str]:
    return [line.split("=", 1)[1] for line in text.splitlines() if line.startswith(key + "=")]


def test_systemd_unit_verifies(tmp_path):
    require("systemd-analyze")
    unit = tmp_path / "jintan-reader.service"
    unit.write_text(unit_for(tmp_path / "build").replace("User=jintan", "User=root")
                    .replace("Group=jintan", "Group=root"), "utf-8")
    proc = subprocess.run([tool("systemd-analyze"), "verify", str(unit)], capture_output=True,
                          text=True, timeout=120, check=False)
    output = proc.stdout + proc.stderr
    problems = [line for line in output.splitlines() if str(unit) in line]
    assert proc.returncode == 0 and not problems, output


def test_systemd_unit_reload_builds_then_hups():
    text = UNIT.read_text("utf-8")
    assert unit_values(text, "Type") == ["notify"]
    reload = unit_values(text, "ExecReload")
    assert reload[0].endswith("python -m webapp.publish.build")
    assert reload[1] == "/bin/kill -HUP $MAINPID"
    assert "after_reload.py" in reload[2]
    env = dict(v.split("=", 1) for v in unit_values(text, "Environment"))
    assert unit_values(text, "ReadWritePaths") == [env["JINTAN_BUILD_DIR"]]
    assert unit_values(text, "ProtectSystem") == ["strict"]
    assert env["JINTAN_PROXY_FIX_HOPS"] == "1" and env["GUNICORN_BIND"].startswith("127.0.0.1:")


def run_reload(commands: list[str], env: dict, mainpid: int) -> int:
    """Run ExecReload= commands as systemd does: in order, $MAINPID expanded, stopping at the
    first that fails (a leading "-" ignores a failure). Returns the first failing status."""
    for command in commands:
        ignore = command.startswith("-")
        argv = [a.replace("$MAINPID", str(mainpid)) for a in shlex.split(command.lstrip("-"))]
        proc = subprocess.run(argv, env=env, cwd=ROOT, capture_output=True, text=True,
                              timeout=300, check=False)
        if proc.returncode and not ignore:
            return proc.returncode
    return 0


def test_systemd_reload_commands_publish_or_keep_the_site(tree, server):
    """The unit's own ExecReload lines against a running gunicorn: a broken article fails the
    reload before the HUP; a good one publishes and returns once the new release is live."""
    g = server()
    commands = unit_values(unit_for(tree.build_dir), "ExecReload")
    env = {**os.environ, **tree.env, "GUNICORN_BIND": f"127.0.0.1:{g.port}"}
    before = tree.current
    broken = tree.content / "broken.md"
    broken.write_text("no front matter here\n", "utf-8")
    workers = set(g.workers())
    assert run_reload(commands, env, g.master_pid) == 1
    assert tree.current == before and set(g.workers()) == workers   # no HUP was sent
    broken.unlink()
    tree.set_msgstr(f"{SEED}/title", "Reloaded by systemctl")
    assert run_reload(commands, env, g.master_pid) == 0
    assert tree.current != before
    assert json.loads(get(g.url + "/readyz")[2])["release"] == tree.current
    assert "Reloaded by systemctl" in get(g.url + ARTICLE)[2].decode()


# --- the container recipe ---------------------------------------------------------------------

def instructions(path: Path) -> list[tuple[str, str]]:
    """``(INSTRUCTION, arguments)`` of a Containerfile, continuation lines joined."""
    out, buf = [], ""
    for raw in path.read_text("utf-8").splitlines():
        line = raw.strip()
        if not buf and (not line or line.startswith("#")):
            continue
        if line.endswith("\\"):
            buf += line[:-1] + " "
            continue
        buf += line
        word, _, rest = buf.partition(" ")
        out.append((word.upper(), rest.strip()))
        buf = ""
    assert not buf, "dangling continuation"
    return out


KNOWN = {"FROM", "ARG", "ENV", "RUN", "COPY", "WORKDIR", "USER", "EXPOSE", "HEALTHCHECK",
         "CMD", "LABEL", "STOPSIGNAL", "ENTRYPOINT", "VOLUME", "SHELL", "ONBUILD", "ADD"}


def test_containerfile_is_well_formed():
    ins = instructions(CONTAINERFILE)
    words = [w for w, _ in ins]
    assert set(words) <= KNOWN, set(words) - KNOWN
    assert words[0] == "FROM" and "ADD" not in words
    image = ins[0][1]
    m = re.fullmatch(r"[\w./-]+/python:(\d+\.\d+)(\.\d+)?-slim-\w+", image)
    assert m, image   # pinned tag, never :latest
    assert m.group(1) == f"{sys.version_info.major}.{sys.version_info.minor}"
    runs = [a for w, a in ins if w == "RUN"]
    assert any("python -m webapp.publish.build" in r for r in runs)
    user = [a for w, a in ins if w == "USER"]
    assert user and user[-1].split(":")[0] not in ("root", "0")
    assert words.index("USER") > max(i for i, w in enumerate(words) if w == "RUN")
    cmd = json.loads([a for w, a in ins if w == "CMD"][-1])
    assert cmd == ["gunicorn", "-c", "gunicorn.conf.py"]
    env = container_env(ins)
    assert env["GUNICORN_BIND"].rsplit(":", 1)[1] == next(a for w, a in ins if w == "EXPOSE")
    for src, _dest in copies(ins):
        assert (ROOT / src).exists(), src
    copied = {src.rstrip("/") for src, _ in copies(ins)}
    for needed in ("requirements.txt", "webapp", "templates", "static", "content",
                   "translations", "wsgi.py", "serving.py", "gunicorn.conf.py"):
        assert needed in copied, needed
    ignored = (ROOT / ".dockerignore").read_text("utf-8").split()
    assert {".git", ".venv", "build"} <= set(ignored)


def copies(ins) -> list[tuple[str, str]]:
    out = []
    for word, args in ins:
        if word == "COPY":
            *srcs, dest = args.split()
            out += [(s, dest) for s in srcs]
    return out


def container_env(ins) -> dict[str, str]:
    """ENV values (``${ARG}`` resolved with the ARG defaults)."""
    args = dict(a.split("=", 1) for w, a in ins if w == "ARG" and "=" in a)
    env = {}
    for word, rest in ins:
        if word == "ENV":
            for item in shlex.split(rest):
                key, _, value = item.partition("=")
                env[key] = re.sub(r"\$\{(\w+)\}", lambda m: args.get(m.group(1), ""), value)
    return env


def test_image_layout_builds_and_serves_from_a_read_only_mount(tmp_path):
    """What the image does, without a container engine: copy exactly what the Containerfile
    copies, build the release as its RUN does, then start gunicorn with the app folder and the
    virtualenv mounted read-only (a private mount namespace, unshare -m) and metrics on."""
    require("unshare", "mount")
    ins = instructions(CONTAINERFILE)
    app = tmp_path / "app"
    app.mkdir()
    for src, dest in copies(ins):
        target = app / dest / Path(src).name if dest.endswith("/") and not src.endswith("/") \
            else app / dest
        if (ROOT / src).is_dir():
            shutil.copytree(ROOT / src, target, dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / src, target)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JINTAN_", "GUNICORN_"))}
    env.update(container_env(ins))
    env["JINTAN_BUILD_DIR"] = str(app / "build")
    build = subprocess.run([PYTHON, "-m", "webapp.publish.build"], cwd=app, env=env,
                           capture_output=True, text=True, timeout=300, check=False)
    assert build.returncode == 0, build.stderr

    def snapshot():
        return sorted((str(p.relative_to(app)), p.stat().st_mtime_ns, p.stat().st_size)
                      for p in app.rglob("*"))
    before = snapshot()
    metrics_port = free_port()
    mount = (f"mount --bind {shlex.quote(str(app))} {shlex.quote(str(app))} && "
             f"mount -o remount,ro,bind {shlex.quote(str(app))} && "
             f"mount --bind {shlex.quote(str(VENV))} {shlex.quote(str(VENV))} && "
             f"mount -o remount,ro,bind {shlex.quote(str(VENV))} && "
             f"touch {shlex.quote(str(app))}/probe 2>/dev/null && exit 99; "
             f'exec "$@"')
    g = Gunicorn(None, app_dir=app, log=tmp_path / "gunicorn.log",
                 prefix=["unshare", "-m", "--propagation", "private", "sh", "-c", mount, "sh"],
                 env={**env, "JINTAN_METRICS_BIND": f"127.0.0.1:{metrics_port}"})
    g.env = {k: v for k, v in g.env.items() if k != "PYTHONDONTWRITEBYTECODE"}   # ro alone
    try:
        g.start(path=ARTICLE)
        status, _headers, body = get(g.url + ARTICLE)
        assert status == 200 and b"<!doctype html>" in body
        ready = json.loads(get(g.url + "/readyz")[2])
        assert ready["ready"] and ready["articles"] >= 1
        css = linked_assets(body.decode())[0]
        assert get(g.url + css)[0] == 200
        assert get(f"http://127.0.0.1:{metrics_port}/metrics")[0] == 200
    finally:
        g.stop()
    assert g.proc.returncode == 0, dump_log(g.log)
    assert snapshot() == before, "the app folder changed"
    log = g.log.read_text("utf-8")
    assert "Read-only file system" not in log and "Traceback" not in log, log[-3000:]


@pytest.mark.parametrize("name", ["jintan-reader.service", "Containerfile"])
def test_deploy_readme_documents(name):
    readme = (ROOT / "deploy" / "README.md").read_text("utf-8")
    assert name in readme
