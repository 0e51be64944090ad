#!/usr/bin/env python3
"""Drives headless Chromium over the DevTools protocol the way a person uses the collector's page:
open the sign-in form, type user and password, submit, then visit pages and screenshot them.

Standard library only (a minimal RFC 6455 client), so the test needs nothing beyond Debian's
chromium and python3. Usage:
  chromium_session.py CHROMIUM BASE_URL USER PASSWORD OUT_DIR PATH[|SHOT.png] ...
Prints one JSON object: {"pages": [{"path", "url", "title", "text"}...]}.
"""
import base64, json, os, re, socket, struct, subprocess, sys, tempfile, time, urllib.request


class WebSocket:
    def __init__(self, url):
        m = re.match(r"ws://([^/:]+):(\d+)(/.*)", url)
        self.sock = socket.create_connection((m.group(1), int(m.group(2))), timeout=30)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET {m.group(3)} HTTP/1.1\r\nHost: {m.group(1)}:{m.group(2)}\r\n"
                           f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                           "Sec-WebSocket-Version: 13\r\n\r\n").encode())
        response = b""
        while b"\r\n\r\n" not in response:
            response += self.sock.recv(1)
        if b" 101 " not in response.split(b"\r\n")[0]:
            raise RuntimeError(f"websocket handshake failed: {response!r}")

    def _exact(self, n):
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                raise RuntimeError("websocket closed")
            data += chunk
        return data

    def send(self, text):
        payload = text.encode()
        header = bytes([0x81])
        n = len(payload)
        if n < 126:
            header += bytes([0x80 | n])
        elif n < 65536:
            header += bytes([0x80 | 126]) + struct.pack(">H", n)
        else:
            header += bytes([0x80 | 127]) + struct.pack(">Q", n)
        mask = os.urandom(4)
        self.sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

    def receive(self):
        message = b""
        while True:
            first, second = self._exact(2)
            n = second & 0x7F
            if n == 126:
                n = struct.unpack(">H", self._exact(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", self._exact(8))[0]
            payload = self._exact(n)
            opcode = first & 0x0F
            if opcode in (0x1, 0x0):
                message += payload
                if first & 0x80:
                    return message.decode()
            elif opcode == 0x8:
                raise RuntimeError("websocket closed by the browser")


class Page:
    def __init__(self, ws):
        self.ws, self.next_id, self.events = ws, 0, []

    def call(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.receive())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)

    def wait_for(self, event, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            for i, message in enumerate(self.events):
                if message.get("method") == event:
                    del self.events[: i + 1]
                    return message
            self.events.append(json.loads(self.ws.receive()))
        raise RuntimeError(f"no {event} within {timeout} s")

    def load(self, url):
        self.events.clear()
        self.call("Page.navigate", url=url)
        self.wait_for("Page.loadEventFired")

    def evaluate(self, expression):
        return self.call("Runtime.evaluate", expression=expression, returnByValue=True)["result"].get("value")


def main():
    chromium, base, user, password, out_dir, *visits = sys.argv[1:]
    profile = tempfile.mkdtemp(prefix="nw-chromium-")
    browser = subprocess.Popen(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars",
         f"--user-data-dir={profile}", "--remote-debugging-port=0", "--window-size=1280,900", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        endpoint = None
        deadline = time.time() + 30
        while endpoint is None and time.time() < deadline:
            line = browser.stderr.readline()
            if not line and browser.poll() is not None:
                raise RuntimeError("chromium exited before its DevTools endpoint was up")
            m = re.search(r"DevTools listening on ws://([^/]+)/", line)
            if m:
                endpoint = m.group(1)
        targets = json.load(urllib.request.urlopen(f"http://{endpoint}/json/list", timeout=10))
        page_target = next(t for t in targets if t["type"] == "page")
        page = Page(WebSocket(page_target["webSocketDebuggerUrl"]))
        page.call("Page.enable")
        page.call("Emulation.setDeviceMetricsOverride", width=1280, height=900, deviceScaleFactor=1, mobile=False)

        # Sign in as a person would: the real form, typed into, submitted.
        page.load(base + "/login")
        page.call("Page.captureScreenshot", format="png")
        fill = (f"document.getElementById('username').value = {json.dumps(user)};"
                f"document.getElementById('password').value = {json.dumps(password)};"
                "document.querySelector('form.login').submit(); true")
        page.events.clear()
        page.evaluate(fill)
        page.wait_for("Page.loadEventFired")

        results = []
        for visit in visits:
            path, _, shot = visit.partition("|")
            page.load(base + path)
            entry = {"path": path, "url": page.evaluate("location.href"), "title": page.evaluate("document.title"),
                     "text": page.evaluate("document.body.innerText"),
                     "cookie_visible_to_script": page.evaluate("document.cookie")}
            if shot:
                data = page.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)["data"]
                with open(os.path.join(out_dir, shot), "wb") as f:
                    f.write(base64.b64decode(data))
            results.append(entry)
        print(json.dumps({"pages": results}))
    finally:
        browser.kill()
        browser.wait()


if __name__ == "__main__":
    main()
