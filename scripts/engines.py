"""One small driver interface over three browser engines, for the cross-engine reader journeys
(tests/engines) and ``make screenshots``.

- ``chromium``: Debian's Chromium through Playwright (as tests/browser does).
- ``webkit``: Debian's WebKitGTK (``webkit2gtk-driver``): the ``WebKitWebDriver`` W3C WebDriver
  server, under ``xvfb-run -a``, driving ``MiniBrowser --automation``; spoken to with plain HTTP
  (urllib). Selenium's WebKitGTK driver hung here (shared/notes/toolchain.md).
- ``gecko``: Debian's Firefox ESR through WebDriver BiDi (``--remote-debugging-port``), over a
  websocket (the ``websockets`` package, pinned in requirements-dev.txt). geckodriver is not
  packaged and cannot be downloaded, so classic WebDriver is out.

An :class:`Engine` is started once (a browser process or a driver server); each
:meth:`Engine.new_page` is a fresh profile (a Playwright context, a WebDriver session, a BiDi
user context), so cookies, storage, caches and service workers never leak between tests.
``Page.evaluate`` takes the source of a JavaScript function (it may be ``async``) and returns
its result through JSON; it runs outside the page's CSP in all three engines.

What each engine stands for: WebKitGTK shares WebKit (the layout, CSS and service-worker code)
with Safari on iOS but not Safari's UI, storage policy or install flow; Firefox ESR stands for
Firefox on Android's Gecko; Chromium for Chrome on Android and most in-app WebViews.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from scripts.browser import CHROMIUM, CHROMIUM_ARGS, worst_case_fonts
from scripts.processes import free_port

ENGINES = ("chromium", "webkit", "gecko")
WEBKIT_DRIVER = os.environ.get("WEBKIT_DRIVER", "/usr/bin/WebKitWebDriver")
MINIBROWSER = os.environ.get("MINIBROWSER",
                             "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser")
FIREFOX = os.environ.get("FIREFOX", "/usr/bin/firefox-esr")
# W3C WebDriver key codes (WebDriver spec, "Keyboard actions", table of normalised keys)
KEYS = {"Enter": "\ue007", "Tab": "\ue004", "Escape": "\ue00c", "ArrowLeft": "\ue012",
        "ArrowRight": "\ue014", "ArrowUp": "\ue013", "ArrowDown": "\ue015", "Home": "\ue011",
        "End": "\ue010", "Space": "\ue00d"}
WRAP = ("(args) => Promise.resolve().then(() => (%s)(...args))"
        ".then((v) => JSON.stringify(v === undefined ? null : v))")


class EngineMissing(RuntimeError):
    """The engine's program is not installed (the message names the Debian package)."""


class Page:
    """One tab in a fresh profile. Paths are relative to ``base_url``. Subclasses implement the
    primitives; :meth:`wait` and the selector helpers are built on :meth:`evaluate`."""

    engine = ""

    def __init__(self, base_url: str):
        self.base_url = base_url.rstrip("/")

    def _abs(self, path: str) -> str:
        return path if "://" in path else self.base_url + path

    # primitives -------------------------------------------------------------------------------
    def goto(self, path: str) -> None:
        """Navigate to ``path`` (or an absolute URL) and wait for the load event."""
        raise NotImplementedError

    def reload(self) -> None:
        """Reload the page and wait for the load event."""
        raise NotImplementedError

    def evaluate(self, function: str, *args):
        """Call the JavaScript function source ``function`` with ``args`` (JSON values) in the
        page and return its (awaited) result, through JSON. :raises RuntimeError: on a script
        error, with the engine's message."""
        raise NotImplementedError

    def click(self, selector: str) -> None:
        """Click the centre of the first element matching the CSS ``selector``, as a mouse does
        (scrolled into view first)."""
        raise NotImplementedError

    def press(self, selector: str, key: str) -> None:
        """Focus ``selector`` and press ``key`` (a name of :data:`KEYS` or one character)."""
        raise NotImplementedError

    def keypress(self, key: str) -> None:
        """Press ``key`` (a name of :data:`KEYS` or one character) on whatever has focus."""
        raise NotImplementedError

    def wheel(self, x: float, y: float, dx: int, dy: int) -> None:
        """One wheel event (a mouse wheel notch or a trackpad scroll) at viewport point ``x``,
        ``y`` (CSS px), scrolling by ``dx``, ``dy`` CSS px (WebDriver "wheel" input source;
        Playwright's mouse.wheel in Chromium). WebKitWebDriver 2.50 scrolls the page with the
        first vertical one of a session only (later ones do nothing, and releasing the input
        state scrolls back): use one per tab there."""
        raise NotImplementedError

    def set_viewport(self, width: int, height: int) -> int:
        """Ask for a ``width`` x ``height`` CSS px viewport; returns the width the engine gave
        (WebKitGTK's MiniBrowser window is at least about 447 px wide)."""
        raise NotImplementedError

    def screenshot(self, path: Path) -> None:
        """Save what the viewport shows as a PNG file (after two animation frames: WebKitGTK
        under Xvfb otherwise returns the previous paint)."""
        raise NotImplementedError

    def painted(self) -> None:
        """Wait for two animation frames, so what the page changed has been painted."""
        self.evaluate("() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")
        time.sleep(0.1)

    def close(self) -> None:
        raise NotImplementedError

    # built on evaluate ------------------------------------------------------------------------
    @property
    def url(self) -> str:
        return self.evaluate("() => location.href")

    def wait(self, function: str, *args, timeout: float = 20, what: str = ""):
        """Call ``function`` until it returns something truthy; that value.
        :raises TimeoutError: after ``timeout`` seconds, naming ``what`` and the last value."""
        deadline = time.monotonic() + timeout
        value = None
        while time.monotonic() < deadline:
            try:
                value = self.evaluate(function, *args)
            except RuntimeError as err:  # a navigation replaced the document mid-call
                value = f"error: {err}"
            else:
                if value:
                    return value
            time.sleep(0.1)
        raise TimeoutError(f"{self.engine}: timed out waiting for {what or function}: {value!r}")

    def text(self, selector: str) -> str | None:
        """The rendered text (``innerText``, trimmed) of ``selector``, None if absent."""
        return self.evaluate("(s) => { const e = document.querySelector(s); "
                             "return e ? e.innerText.trim() : null; }", selector)

    def visible(self, selector: str) -> bool:
        """Whether ``selector`` exists, is rendered (a box with an area) and not hidden."""
        return self.evaluate("""(s) => { const e = document.querySelector(s); if (!e) return false;
          const r = e.getBoundingClientRect(), st = getComputedStyle(e);
          return r.width > 0 && r.height > 0 && st.visibility !== "hidden"; }""", selector)

    def wait_url(self, path: str, timeout: float = 20) -> None:
        """Wait until the page's URL is ``path`` (relative to base_url, fragment included)."""
        self.wait("(u) => location.href === u && document.readyState === 'complete'",
                  self._abs(path), timeout=timeout, what=f"the URL {path}")


class Engine:
    """A browser engine started once; :meth:`new_page` opens a tab in a fresh profile."""

    name = ""
    touch = False          # can the tests emulate touch input?
    min_width = 0          # the narrowest viewport the engine gives (0: any)

    def new_page(self, base_url: str, width: int = 390, height: int = 844) -> Page:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


# --- Chromium (Playwright) ----------------------------------------------------------------------

class ChromiumPage(Page):
    engine = "chromium"

    def __init__(self, browser, base_url, width, height):
        super().__init__(base_url)
        self.context = browser.new_context(viewport={"width": width, "height": height},
                                           device_scale_factor=1, base_url=self.base_url)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))

    def goto(self, path):
        self.page.goto(self._abs(path))

    def reload(self):
        self.page.reload()

    def evaluate(self, function, *args):
        from playwright.sync_api import Error
        try:
            return json.loads(self.page.evaluate(WRAP % function, list(args)))
        except Error as err:
            raise RuntimeError(str(err)) from None

    def click(self, selector):
        self.page.locator(selector).first.click()

    def press(self, selector, key):
        self.page.locator(selector).first.press(key)

    def keypress(self, key):
        self.page.keyboard.press(key)

    def wheel(self, x, y, dx, dy):
        self.page.mouse.move(x, y)
        self.page.mouse.wheel(dx, dy)

    def set_viewport(self, width, height):
        self.page.set_viewport_size({"width": width, "height": height})
        return self.evaluate("() => innerWidth")

    def screenshot(self, path):
        self.painted()
        self.page.screenshot(path=str(path))

    def close(self):
        self.context.close()


class Chromium(Engine):
    name = "chromium"
    touch = True

    def __init__(self):
        if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
            raise EngineMissing(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
        from playwright.sync_api import sync_playwright
        self._fonts = tempfile.mkdtemp(prefix="fonts-")
        self._pw = sync_playwright().start()
        env = {**os.environ, **worst_case_fonts(Path(self._fonts))}
        self.browser = self._pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                                env=env)

    def new_page(self, base_url, width=390, height=844):
        return ChromiumPage(self.browser, base_url, width, height)

    def close(self):
        self.browser.close()
        self._pw.stop()
        shutil.rmtree(self._fonts, ignore_errors=True)


# --- WebKitGTK (W3C WebDriver over HTTP) ------------------------------------------------------

def _kill_group(proc: subprocess.Popen | None, grace: float = 10) -> None:
    """SIGTERM the process group we started ``proc`` in (xvfb-run, Xvfb, the driver and its
    browsers), SIGKILL after ``grace`` seconds."""
    if proc is None or proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


class WebKitPage(Page):
    engine = "webkit"

    def __init__(self, driver: WebKit, base_url, width, height):
        super().__init__(base_url)
        self.driver = driver
        caps = {"webkitgtk:browserOptions": {"binary": MINIBROWSER, "args": ["--automation"]}}
        self.session = f"/session/{driver.new_session({'alwaysMatch': caps})}"
        self.call("POST", "/timeouts", {"script": 60_000, "pageLoad": 60_000})
        self.set_viewport(width, height)

    def call(self, method, path, body=None):
        return self.driver.call(method, self.session + path, body)

    def goto(self, path):
        self.call("POST", "/url", {"url": self._abs(path)})

    def reload(self):
        self.call("POST", "/refresh", {})

    def evaluate(self, function, *args):
        script = ("const done = arguments[arguments.length - 1];"
                  f"({WRAP % function})(arguments[0]).then((v) => done({{ok: v}}),"
                  " (e) => done({error: String(e && e.stack ? e.message + '\\n' + e.stack : e)}));")
        value = self.call("POST", "/execute/async", {"script": script, "args": [list(args)]})
        if "error" in value:
            raise RuntimeError(f"webkit: {value['error']}")
        return json.loads(value["ok"])

    def _element(self, selector):
        value = self.call("POST", "/element", {"using": "css selector", "value": selector})
        return next(iter(value.values()))

    def click(self, selector):
        self.call("POST", f"/element/{self._element(selector)}/click", {})

    def press(self, selector, key):
        self.evaluate("(s) => document.querySelector(s).focus()", selector)
        self.keypress(key)

    def keypress(self, key):
        code = KEYS.get(key, key)
        self.call("POST", "/actions", {"actions": [{"type": "key", "id": "keyboard", "actions": [
            {"type": "keyDown", "value": code}, {"type": "keyUp", "value": code}]}]})

    def wheel(self, x, y, dx, dy):
        self.call("POST", "/actions", {"actions": [{"type": "wheel", "id": "wheel", "actions": [
            {"type": "scroll", "x": round(x), "y": round(y), "deltaX": dx, "deltaY": dy,
             "duration": 0}]}]})

    def set_viewport(self, width, height):
        # the window rect is the outer size: add what the window's frame takes
        outer = self.evaluate("() => [outerWidth - innerWidth, outerHeight - innerHeight]")
        self.call("POST", "/window/rect", {"width": width + outer[0], "height": height + outer[1]})
        return self.evaluate("() => innerWidth")

    def screenshot(self, path):
        self.painted()
        Path(path).write_bytes(base64.b64decode(self.call("GET", "/screenshot")))

    def close(self):
        try:
            self.call("DELETE", "", None)
        except (OSError, RuntimeError):
            pass


SESSION_WAIT = 45   # seconds WebKitWebDriver may take to open a session before a restart


class WebKit(Engine):
    name = "webkit"
    min_width = 447  # MiniBrowser's narrowest window (a 390 px request gives 447)

    def __init__(self):
        for program, package in ((WEBKIT_DRIVER, "webkit2gtk-driver"), (MINIBROWSER, "webkit2gtk-driver"),
                                 ("xvfb-run", "xvfb"), ("xauth", "xauth")):
            if not shutil.which(program) and not Path(program).exists():
                raise EngineMissing(f"{program} not found (apt-get install {package})")
        self._fonts = tempfile.mkdtemp(prefix="fonts-")
        self._start()

    def _start(self):
        """Start WebKitWebDriver under its own Xvfb on a free port; wait for its /status."""
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, **worst_case_fonts(Path(self._fonts))}
        self.proc = subprocess.Popen(["xvfb-run", "-a", "-s", "-screen 0 1920x1200x24",
                                      WEBKIT_DRIVER, f"--port={self.port}"], env=env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     start_new_session=True)
        deadline = time.monotonic() + 30
        while True:
            try:
                self.call("GET", "/status")
                break
            except OSError:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    self.close()
                    raise RuntimeError("WebKitWebDriver did not start") from None
                time.sleep(0.1)

    def new_session(self, capabilities: dict) -> str:
        """A new WebDriver session's id. WebKitWebDriver sometimes never answers a new session
        on a loaded machine (seen once in about 20 runs): after SESSION_WAIT seconds the driver
        is restarted and asked again, up to 3 times. :raises RuntimeError: if none answers."""
        for attempt in range(3):
            try:
                return self.call("POST", "/session", {"capabilities": capabilities},
                                 timeout=SESSION_WAIT)["sessionId"]
            except OSError:   # a timeout, or the driver gone
                if attempt == 2:
                    raise RuntimeError("WebKitWebDriver did not open a session") from None
                _kill_group(self.proc)
                self._start()
        raise AssertionError("unreachable")

    def call(self, method, path, body=None, timeout=120):
        """One W3C WebDriver command; its ``value``. :raises RuntimeError: on a WebDriver error;
        :raises OSError: on a timeout (``timeout`` seconds) or a lost connection."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as resp:
                return json.load(resp)["value"]
        except urllib.error.HTTPError as err:
            value = json.load(err).get("value", {})
            raise RuntimeError(f"webkit: {value.get('error')}: {value.get('message')}") from None

    def new_page(self, base_url, width=390, height=844):
        return WebKitPage(self, base_url, width, height)

    def close(self):
        _kill_group(self.proc)
        shutil.rmtree(self._fonts, ignore_errors=True)


# --- Gecko (WebDriver BiDi over a websocket) ----------------------------------------------------

FIREFOX_PREFS = {  # a quiet profile: no first-run pages, no background traffic
    "browser.shell.checkDefaultBrowser": False,
    "browser.startup.homepage_override.mstone": "ignore",
    "datareporting.policy.dataSubmissionEnabled": False,
    "app.update.disabledForTesting": True,
    "browser.safebrowsing.update.enabled": False,
    "network.captive-portal-service.enabled": False,
}


class GeckoPage(Page):
    engine = "gecko"

    def __init__(self, gecko: Gecko, base_url, width, height):
        super().__init__(base_url)
        self.gecko = gecko
        self.user_context = gecko.call("browser.createUserContext", {})["userContext"]
        self.context = gecko.call("browsingContext.create",
                                  {"type": "tab", "userContext": self.user_context})["context"]
        self.set_viewport(width, height)

    def goto(self, path):
        self.gecko.call("browsingContext.navigate",
                        {"context": self.context, "url": self._abs(path), "wait": "complete"})

    def reload(self):
        self.gecko.call("browsingContext.reload", {"context": self.context, "wait": "complete"})

    def _call(self, function, args, ownership="none"):
        result = self.gecko.call("script.callFunction", {
            "functionDeclaration": function, "awaitPromise": True, "resultOwnership": ownership,
            "target": {"context": self.context},
            "arguments": [{"type": "string", "value": json.dumps(args)}]})
        if result["type"] == "exception":
            raise RuntimeError(f"gecko: {result['exceptionDetails']['text']}")
        return result["result"]

    def evaluate(self, function, *args):
        return json.loads(self._call(f"(a) => ({WRAP % function})(JSON.parse(a))", list(args))["value"])

    def click(self, selector):
        node = self._call("(a) => { const e = document.querySelector(JSON.parse(a)[0]);"
                          " const r = e.getBoundingClientRect();"  # only if out of view, as WebDriver
                          " if (r.top < 0 || r.left < 0 || r.bottom > innerHeight || r.right > innerWidth)"
                          " e.scrollIntoView({block: 'center'}); return e; }", [selector])
        origin = {"type": "element", "element": {"sharedId": node["sharedId"]}}
        self.gecko.call("input.performActions", {"context": self.context, "actions": [
            {"type": "pointer", "id": "mouse", "actions": [
                {"type": "pointerMove", "x": 0, "y": 0, "origin": origin},
                {"type": "pointerDown", "button": 0}, {"type": "pointerUp", "button": 0}]}]})

    def press(self, selector, key):
        self.evaluate("(s) => document.querySelector(s).focus()", selector)
        self.keypress(key)

    def keypress(self, key):
        code = KEYS.get(key, key)
        self.gecko.call("input.performActions", {"context": self.context, "actions": [
            {"type": "key", "id": "keyboard", "actions": [
                {"type": "keyDown", "value": code}, {"type": "keyUp", "value": code}]}]})

    def wheel(self, x, y, dx, dy):
        self.gecko.call("input.performActions", {"context": self.context, "actions": [
            {"type": "wheel", "id": "wheel", "actions": [
                {"type": "scroll", "x": round(x), "y": round(y), "deltaX": dx, "deltaY": dy,
                 "duration": 0}]}]})

    def set_viewport(self, width, height):
        self.gecko.call("browsingContext.setViewport", {
            "context": self.context, "viewport": {"width": width, "height": height}})
        return self.evaluate("() => innerWidth")

    def screenshot(self, path):
        self.painted()
        data = self.gecko.call("browsingContext.captureScreenshot", {"context": self.context})["data"]
        Path(path).write_bytes(base64.b64decode(data))

    def close(self):
        try:
            self.gecko.call("browsingContext.close", {"context": self.context})
            self.gecko.call("browser.removeUserContext", {"userContext": self.user_context})
        except (OSError, RuntimeError):
            pass


class Gecko(Engine):
    name = "gecko"

    def __init__(self):
        if not shutil.which(FIREFOX) and not Path(FIREFOX).exists():
            raise EngineMissing(f"Firefox not found at {FIREFOX} (apt-get install firefox-esr)")
        from websockets.sync.client import connect
        self.profile = Path(tempfile.mkdtemp(prefix="gecko-profile-"))
        (self.profile / "user.js").write_text("".join(
            f"user_pref({json.dumps(k)}, {json.dumps(v)});\n" for k, v in FIREFOX_PREFS.items()))
        env = {**os.environ, **worst_case_fonts(self.profile)}
        self.proc = subprocess.Popen(
            [FIREFOX, "--headless", "--no-remote", "--profile", str(self.profile),
             "--remote-debugging-port=0", "about:blank"], env=env, text=True,
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
        url = None
        deadline = time.monotonic() + 60
        for line in self.proc.stderr:  # Firefox prints the address it listens on
            found = re.search(r"WebDriver BiDi listening on (ws://\S+)", line)
            if found:
                url = found.group(1)
                break
            if time.monotonic() > deadline:
                break
        if url is None:
            self.close()
            raise RuntimeError("Firefox did not start WebDriver BiDi")
        # keep reading stderr so Firefox never blocks on a full pipe
        import threading
        threading.Thread(target=lambda: [None for _ in self.proc.stderr], daemon=True).start()
        self.ws = connect(url + "/session", max_size=None, open_timeout=30).__enter__()
        self._id = 0
        self.call("session.new", {"capabilities": {}})

    def call(self, method: str, params: dict):
        """One BiDi command; its ``result``. Events are ignored (none is subscribed).
        :raises RuntimeError: on a BiDi error."""
        self._id += 1
        self.ws.send(json.dumps({"id": self._id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv(timeout=120))
            if message.get("id") == self._id:
                if message.get("type") == "error":
                    raise RuntimeError(f"gecko: {method}: {message['error']}: {message.get('message')}")
                return message["result"]

    def new_page(self, base_url, width=390, height=844):
        return GeckoPage(self, base_url, width, height)

    def close(self):
        try:
            self.call("browser.close", {})
            self.ws.close()
        except Exception:  # noqa: BLE001 - closing a browser that may already be gone
            pass
        _kill_group(self.proc)
        if self.proc.stderr:
            self.proc.stderr.close()
        shutil.rmtree(self.profile, ignore_errors=True)


def start(name: str) -> Engine:
    """Start the engine ``name`` (one of :data:`ENGINES`).
    :raises EngineMissing: when its program is not installed."""
    return {"chromium": Chromium, "webkit": WebKit, "gecko": Gecko}[name]()
