"""A small headless-Chromium driver for the HTML export tests: the DevTools protocol over a pipe.

Chromium started with `--remote-debugging-pipe` reads protocol messages (JSON, each ended by a NUL byte)
on its fd 3 and writes answers and events on its fd 4, so no port, websocket or extra package is
needed. `Browser.open(url)` loads a page in a fresh tab; `Tab.eval` runs JavaScript in it (promises
awaited), `Tab.type` types text as a keyboard would, `Tab.screenshot` returns PNG bytes. Exceptions
thrown and console errors in the page are collected in `Tab.errors`.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import select
import subprocess
import time
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
BASE_FLAGS = [  # headless, and no network but the page's
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
FLAGS = [*BASE_FLAGS, "--hide-scrollbars", "--remote-debugging-pipe"]


class BrowserError(RuntimeError):
    pass


class Browser:
    def __init__(self, profile: Path, width: int = 1400, height: int = 900) -> None:
        to_chrome_r, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome_w = os.pipe()

        def pipes_as_3_and_4() -> None:  # in the child: move both ends out of the way, then onto 3 and 4
            high = [fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in (to_chrome_r, from_chrome_w)]
            os.dup2(high[0], 3)
            os.dup2(high[1], 4)

        self.process = subprocess.Popen(
            [str(CHROMIUM), *FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}", "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            close_fds=False,  # the pipes' own fds are close-on-exec; only the inheritable 3 and 4 pass
            preexec_fn=pipes_as_3_and_4,
        )
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self.size = (width, height)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        with contextlib.suppress(BrowserError, OSError):
            self.send("Browser.close", timeout=10)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for fd in (self._to_chrome, self._from_chrome):
            with contextlib.suppress(OSError):
                os.close(fd)

    def _read_message(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise BrowserError("timed out waiting for Chromium")
            ready, _, _ = select.select([self._from_chrome], [], [], left)
            if ready:
                chunk = os.read(self._from_chrome, 1 << 20)
                if not chunk:
                    raise BrowserError("Chromium closed the pipe")
                self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        parsed: dict[str, Any] = json.loads(message)
        return parsed

    def send(self, method: str, params: dict[str, Any] | None = None, session: str | None = None, timeout: float = 60):
        """Send one command and return its result; events that arrive meanwhile go to `events`."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_chrome, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            answer = self._read_message(deadline)
            if answer.get("id") == self._next_id:
                if "error" in answer:
                    raise BrowserError(f"{method}: {answer['error']}")
                return answer.get("result", {})
            self.events.append(answer)

    def open(self, url: str, timeout: float = 60) -> Tab:
        """A new tab showing `url`, once its load event has fired."""
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        tab = Tab(self, session)
        for method in ("Page.enable", "Runtime.enable"):
            tab.send(method)
        width, height = self.size
        tab.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
        )
        tab.send("Page.navigate", {"url": url}, timeout=timeout)
        tab.wait_for("document.readyState === 'complete'", timeout)
        return tab


class Tab:
    def __init__(self, browser: Browser, session: str) -> None:
        self.browser = browser
        self.session = session

    def send(self, method: str, params: dict[str, Any] | None = None, timeout: float = 60) -> Any:
        return self.browser.send(method, params, self.session, timeout)

    def eval(self, expression: str, timeout: float = 60) -> Any:
        """The value of a JavaScript expression (a promise is awaited); a thrown error is a BrowserError."""
        result = self.send(
            "Runtime.evaluate",
            {"expression": expression, "awaitPromise": True, "returnByValue": True},
            timeout=timeout,
        )
        if "exceptionDetails" in result:
            raise BrowserError(json.dumps(result["exceptionDetails"])[:2000])
        return result["result"].get("value")

    def wait_for(self, condition: str, timeout: float = 60) -> float:
        """Poll until the expression is truthy; the seconds it took."""
        start = time.monotonic()
        while not self.eval(f"Boolean({condition})", timeout):
            if time.monotonic() - start > timeout:
                raise BrowserError(f"timed out after {timeout} s waiting for {condition}")
            time.sleep(0.1)
        return time.monotonic() - start

    def type(self, text: str) -> None:
        """Type into the focused element, as a keyboard (or an input method, for Chinese) would."""
        self.send("Input.insertText", {"text": text})

    def press(self, key: str) -> None:
        """Press and release a named key such as Enter."""
        codes = {"Enter": 13, "Escape": 27}
        for kind in ("keyDown", "keyUp"):
            params: dict[str, Any] = {"type": kind, "key": key, "code": key, "windowsVirtualKeyCode": codes[key]}
            if kind == "keyDown" and key == "Enter":
                params["text"] = "\r"
            self.send("Input.dispatchKeyEvent", params)

    def screenshot(self) -> bytes:
        return base64.b64decode(self.send("Page.captureScreenshot", {"format": "png"})["data"])

    @property
    def errors(self) -> list[str]:
        """Uncaught exceptions and console.error messages of this tab so far."""
        out = []
        for event in self.browser.events:
            if event.get("sessionId") != self.session:
                continue
            params = event.get("params", {})
            if event.get("method") == "Runtime.exceptionThrown":
                out.append(json.dumps(params.get("exceptionDetails", {}))[:2000])
            elif event.get("method") == "Runtime.consoleAPICalled" and params.get("type") in ("error", "warning"):
                out.append(" ".join(str(a.get("value", a.get("description"))) for a in params.get("args", [])))
        return out
