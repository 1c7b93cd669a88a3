"""Loads a page in a real headless browser, evaluates JavaScript and takes a screenshot.

Herald's tests use this to check how the feeds, feed stylesheets and pages Herald writes look
in real browsers: Debian's `chromium` (driven over the Chrome DevTools Protocol) and
`firefox-esr` (driven over WebDriver BiDi), with no Selenium and no geckodriver: stdlib plus
`websockets`. A test serves its output directory on 127.0.0.1 and runs

  python3 browse.py --browser chromium|firefox --url URL --width W --height H \
      --screenshot OUT.png --eval JS [--timeout 60]

which starts the browser with a fresh temporary profile, opens URL in a viewport of W x H CSS
pixels (device pixel ratio 1; scrollbars take no layout width), waits for the load event,
evaluates the expression JS (its value must be JSON-serialisable; it may be an IIFE or a
promise; it works on XML documents too, where document.body is null), saves a PNG of the
viewport to OUT.png and prints one JSON object:

  {"browser": "chromium", "version": "156.0...", "result": <value of JS>, "console": ["warn: ...", ...]}

`console` holds what the page logged and the errors it raised, as "LEVEL: text" where LEVEL is
the console method (log, info, warn, error, debug...) or the level of a browser message
(Chromium also logs network and deprecation messages, minus its own /favicon.ico request, and
DevTools issues as "issue: CODE[: type]"; Firefox only the page's console and uncaught errors).

--urls-file FILE runs a JSON list of {"url", "width", "height", "screenshot", "eval"} jobs in
one browser (each in a new isolated tab: its own cache and cookies) and prints a JSON list of
such objects. One run takes about 2 s with Chromium and 6 s with Firefox (most of it waiting
for Firefox's start-up tasks); in one browser each further job takes under a second.
--timeout bounds the start and each job. Exit status 0 on success; otherwise one line on
stderr and status 1. The browser, its helper processes and the temporary directory holding the
profile (and the browser's HOME and TMPDIR) are removed in every case, also on a timeout,
SIGTERM or SIGINT; if this script is SIGKILLed the browser is killed too.
"""
import argparse
import base64
import contextlib
import ctypes
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from websockets.sync.client import connect

BINARIES = {"chromium": "/usr/bin/chromium", "firefox": "/usr/bin/firefox-esr"}
FIREFOX_PREFS = {
    "browser.shell.checkDefaultBrowser": False,
    "browser.startup.page": 0,
    "browser.startup.homepage": "about:blank",
    "browser.tabs.warnOnClose": False,
    "browser.sessionstore.resume_from_crash": False,
    "datareporting.policy.dataSubmissionEnabled": False,
    "toolkit.telemetry.reportingpolicy.firstRun": False,
    "app.update.disabledForTesting": True,
    "ui.useOverlayScrollbars": 1,  # like Chromium's --hide-scrollbars: no layout width taken
    "browser.newtabpage.enabled": False,  # and nothing that tries to reach the internet
    "browser.newtab.preload": False,
    "app.normandy.enabled": False,
    "messaging-system.rsexperimentloader.enabled": False,
}


# Chromium's console/log levels named like the console methods and BiDi's levels.
LEVELS = {"warning": "warn", "verbose": "debug"}


class Failure(Exception):
    pass


class Deadline:
    def __init__(self, seconds):
        self.seconds, self.end = seconds, time.monotonic() + seconds

    def left(self, what):
        left = self.end - time.monotonic()
        if left <= 0:
            raise self.expired(what)
        return left

    def expired(self, what):
        return Failure(f"timed out after {self.seconds:g}s {what}")


class Connection:
    """One WebSocket speaking CDP or BiDi: both send {id, method, params} and answer by id."""

    def __init__(self, url, on_event, deadline):
        self.exit = contextlib.ExitStack()  # websockets 17 wants connect() used as a context manager
        self.ws = self.exit.enter_context(connect(url, open_timeout=deadline.left("connecting to " + url),
                                                  max_size=None, proxy=None, ping_interval=None))
        self.on_event, self.next_id = on_event, 0
        self.events = []  # those that came while waiting for the last reply, for wait_for

    def call(self, method, params, deadline, session=None):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        self.ws.send(json.dumps(message))
        self.events = []
        while True:
            reply = self.receive(deadline, f"waiting for {method}")
            if reply.get("id") == self.next_id:
                error = reply.get("error")
                if error:  # CDP: {"error": {"message"}}; BiDi: {"error": "...", "message": "..."}
                    text = error.get("message") if isinstance(error, dict) else f"{error}: {reply.get('message')}"
                    raise Failure(f"{method} failed: {text}")
                return reply["result"]
            if "id" not in reply:
                self.events.append(reply)

    def receive(self, deadline, what):
        try:
            reply = json.loads(self.ws.recv(timeout=deadline.left(what)))
        except TimeoutError:
            raise deadline.expired(what) from None
        if "id" not in reply:
            self.on_event(reply)
        return reply

    def wait_for(self, matches, deadline, what):
        """The first event that matches, among those that came with the last reply and the next ones."""
        event = next((event for event in self.events if matches(event)), None)
        while not event:
            reply = self.receive(deadline, what)
            event = reply if "id" not in reply and matches(reply) else None
        return event


LIBC = ctypes.CDLL(None)
PR_SET_PDEATHSIG, PR_SET_CHILD_SUBREAPER = 1, 36


def die_with_parent():
    """In the browser's process, before exec: get SIGKILL if this script dies, even by SIGKILL."""
    LIBC.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def script(js):
    """The expression that gives JSON text of the value of js (awaited if it is a promise)."""
    js = js.strip().rstrip(";")
    return f"(async () => JSON.stringify(await (\n{js}\n)))()"


def remote_text(arg):
    return str(arg["value"]) if "value" in arg else arg.get("description", arg.get("type", "?"))


class Browser:
    def __init__(self, name, timeout):
        self.name, self.timeout = name, timeout
        self.workdir = tempfile.mkdtemp(prefix=f"browse-{name}-")
        self.profile = os.path.join(self.workdir, "profile")
        os.mkdir(self.profile)
        self.log = open(os.path.join(self.workdir, "stderr.log"), "w+b")
        self.process = self.connection = None
        self.console = {}  # CDP session id / BiDi context id -> messages

    def start(self, arguments, endpoint):
        deadline = Deadline(self.timeout)
        home = os.path.join(self.workdir, "home")  # for what they write outside the profile
        os.makedirs(os.path.join(home, "tmp"))
        environment = dict(os.environ, HOME=home, TMPDIR=os.path.join(home, "tmp"), XDG_CONFIG_HOME=home,
                           XDG_CACHE_HOME=home, XDG_DATA_HOME=home)
        LIBC.prctl(PR_SET_CHILD_SUBREAPER, 1)  # the browser's orphaned helpers become ours to reap
        self.process = subprocess.Popen([BINARIES[self.name], *arguments], stdin=subprocess.DEVNULL, env=environment,
                                        stdout=self.log, stderr=self.log, start_new_session=True,
                                        preexec_fn=die_with_parent)
        while True:
            if self.process.poll() is not None:
                raise Failure(f"{self.name} exited with status {self.process.returncode}: {self.stderr()}")
            url = endpoint()
            if url:
                self.connection = Connection(url, self.on_event, deadline)
                return deadline
            deadline.left(f"waiting for {self.name} to listen: {self.stderr()}")
            time.sleep(0.05)

    def stderr(self):
        self.log.seek(0)
        lines = self.log.read().decode(errors="replace").strip().splitlines()
        return " | ".join(lines[-3:]) or "(no output)"

    def read(self, name):
        try:
            with open(os.path.join(self.profile, name)) as file:
                return file.read()
        except OSError:
            return ""

    def quietly(self, method, params):
        try:
            self.connection.call(method, params, Deadline(5))
        except Exception:
            pass  # the job's own error, if any, is the one to report

    def close(self):
        try:
            if self.connection:
                self.connection.exit.close()
        except Exception:
            pass
        if self.process:  # kill it with its helpers (renderers, content processes): the profile goes anyway
            end = time.monotonic() + 5
            while time.monotonic() < end:
                try:
                    os.killpg(self.process.pid, signal.SIGKILL)
                    while os.waitpid(-self.process.pid, os.WNOHANG)[0]:  # reap them: zombies stay in the group
                        pass
                except (ProcessLookupError, ChildProcessError):
                    break
                time.sleep(0.02)
            self.process.poll()
        self.log.close()
        shutil.rmtree(self.workdir, ignore_errors=True)

    def finish(self, job, key, value, png):
        with open(job["screenshot"], "wb") as file:
            file.write(base64.b64decode(png))
        text = value.get("value") if value.get("type") == "string" else None
        return {"browser": self.name, "version": self.version,
                "result": None if text is None else json.loads(text),
                "console": self.console.pop(key, [])}


class Chromium(Browser):
    def launch(self):
        active = lambda: self.read("DevToolsActivePort").splitlines()
        deadline = self.start(["--headless", "--no-sandbox", "--remote-debugging-port=0",
                               f"--user-data-dir={self.profile}", "--no-first-run",
                               "--no-default-browser-check", "--disable-dev-shm-usage",
                               "--disable-background-networking", "--disable-component-update",
                               "--disable-sync", "--hide-scrollbars", "--mute-audio",
                               "--force-color-profile=srgb", "--password-store=basic",
                               "--use-mock-keychain", "about:blank"],
                              lambda: len(active()) >= 2 and f"ws://127.0.0.1:{active()[0]}{active()[1]}")
        self.version = self.connection.call("Browser.getVersion", {}, deadline)["product"].split("/")[-1]

    def on_event(self, event):
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.consoleAPICalled":  # console.warn is type "warning"
            text = f"{LEVELS.get(params['type'], params['type'])}: " + " ".join(map(remote_text, params["args"]))
        elif method == "Runtime.exceptionThrown":
            details = params["exceptionDetails"]
            text = "error: " + details.get("exception", {}).get("description", details.get("text", ""))
        elif method == "Log.entryAdded":
            entry = params["entry"]
            if entry.get("url", "").endswith("/favicon.ico") and entry.get("source") == "network":
                return  # Chromium's own request for /favicon.ico; Firefox doesn't report those
            text = f"{LEVELS.get(entry['level'], entry['level'])}: {entry['text']}"
            text += f" ({entry['url']})" if entry.get("url") else ""
        elif method == "Audits.issueAdded":  # e.g. deprecations, which Chromium no longer logs
            issue = params["issue"]
            details = next(iter(issue.get("details", {}).values()), {})
            text = f"issue: {issue['code']}" + (f": {details['type']}" if "type" in details else "")
        else:
            return
        self.console.setdefault(event.get("sessionId"), []).append(text)

    def run(self, job):
        deadline, call = Deadline(self.timeout), self.connection.call
        isolated = call("Target.createBrowserContext", {}, deadline)["browserContextId"]  # own cache, cookies
        try:
            target = call("Target.createTarget", {"url": "about:blank", "browserContextId": isolated},
                          deadline)["targetId"]
            session = call("Target.attachToTarget", {"targetId": target, "flatten": True}, deadline)["sessionId"]
            for domain in ("Page", "Runtime", "Log", "Audits"):
                call(f"{domain}.enable", {}, deadline, session)
            call("Page.setLifecycleEventsEnabled", {"enabled": True}, deadline, session)
            call("Emulation.setDeviceMetricsOverride", {"width": job["width"], "height": job["height"],
                                                        "deviceScaleFactor": 1, "mobile": False}, deadline, session)
            navigation = call("Page.navigate", {"url": job["url"]}, deadline, session)
            if navigation.get("errorText"):
                raise Failure(f"loading {job['url']} failed: {navigation['errorText']}")
            if navigation.get("loaderId"):  # else a same-document navigation: nothing to wait for
                self.connection.wait_for(lambda e: e.get("method") == "Page.lifecycleEvent"
                                         and e.get("sessionId") == session and e["params"]["name"] == "load"
                                         and e["params"]["loaderId"] == navigation["loaderId"],
                                         deadline, f"loading {job['url']}")
            value = call("Runtime.evaluate", {"expression": script(job["eval"]), "returnByValue": True,
                                              "awaitPromise": True}, deadline, session)
            if "exceptionDetails" in value:
                details = value["exceptionDetails"]
                raise Failure("evaluating the script threw: " +
                              details.get("exception", {}).get("description", details.get("text", "")))
            png = call("Page.captureScreenshot", {"format": "png"}, deadline, session)["data"]
            return self.finish(job, session, value["result"], png)
        finally:
            self.quietly("Target.disposeBrowserContext", {"browserContextId": isolated})


class Firefox(Browser):
    def launch(self):
        with open(os.path.join(self.profile, "user.js"), "w") as file:
            for name, value in FIREFOX_PREFS.items():
                file.write(f"user_pref({json.dumps(name)}, {json.dumps(value)});\n")

        def endpoint():  # port 0: Firefox picks a free port and writes it to the profile
            try:
                server = json.loads(self.read("WebDriverBiDiServer.json"))
                return f"ws://{server['ws_host']}:{server['ws_port']}/session"
            except ValueError:
                return None

        deadline = self.start(["--headless", "--no-remote", "--profile", self.profile,
                               "--remote-debugging-port", "0", "about:blank"], endpoint)
        capabilities = self.connection.call("session.new", {"capabilities": {}}, deadline)["capabilities"]
        self.version = capabilities["browserVersion"]
        self.connection.call("session.subscribe", {"events": ["log.entryAdded"]}, deadline)

    def on_event(self, event):
        if event.get("method") == "log.entryAdded":
            params = event["params"]
            text = f"{params.get('method') or params.get('level')}: {params.get('text')}"
            self.console.setdefault(params.get("source", {}).get("context"), []).append(text)

    def run(self, job):
        deadline, call = Deadline(self.timeout), self.connection.call
        isolated = call("browser.createUserContext", {}, deadline)["userContext"]  # own cache, cookies
        try:
            context = call("browsingContext.create", {"type": "tab", "userContext": isolated}, deadline)["context"]
            call("browsingContext.setViewport", {"context": context, "devicePixelRatio": 1,
                                                 "viewport": {"width": job["width"], "height": job["height"]}},
                 deadline)
            call("browsingContext.navigate", {"context": context, "url": job["url"], "wait": "complete"}, deadline)
            value = call("script.evaluate", {"expression": script(job["eval"]), "target": {"context": context},
                                             "awaitPromise": True, "resultOwnership": "none"}, deadline)
            if value["type"] == "exception":
                raise Failure("evaluating the script threw: " + value["exceptionDetails"]["text"])
            png = call("browsingContext.captureScreenshot", {"context": context}, deadline)["data"]
            return self.finish(job, context, value["result"], png)
        finally:
            self.quietly("browser.removeUserContext", {"userContext": isolated})


def describe(error):
    text = str(error) or repr(error)
    return (text if isinstance(error, Failure) else f"{type(error).__name__}: {text}").replace("\n", " ")


def read_jobs(options, fields):
    if not options.urls_file:
        missing = [f"--{name}" for name in fields if getattr(options, name) is None]
        if missing:
            raise Failure("missing " + ", ".join(missing) + " (or give --urls-file)")
        return [{name: getattr(options, name) for name in fields}]
    try:
        with open(options.urls_file) as file:
            jobs = json.load(file)
    except (OSError, ValueError) as error:
        raise Failure(f"reading {options.urls_file}: {error}") from None
    if not isinstance(jobs, list) or not all(isinstance(job, dict) and set(fields) <= job.keys() for job in jobs):
        raise Failure(f"{options.urls_file} must hold a JSON list of objects with " + ", ".join(fields))
    return jobs


class Parser(argparse.ArgumentParser):
    def error(self, message):  # one line and status 1, like every other failure
        sys.exit(f"browse.py: {message}")


def main():
    parser = Parser(description=__doc__.split("\n")[0])
    parser.add_argument("--browser", required=True, choices=BINARIES)
    parser.add_argument("--url")
    parser.add_argument("--width", type=int)
    parser.add_argument("--height", type=int)
    parser.add_argument("--screenshot", help="where to write the PNG")
    parser.add_argument("--eval", help="JavaScript expression with a JSON-serialisable value")
    parser.add_argument("--urls-file", help='JSON list of {"url", "width", "height", "screenshot", "eval"}')
    parser.add_argument("--timeout", type=float, default=60, help="seconds for start-up and for each job")
    options = parser.parse_args()
    for number in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):  # clean up on the way out
        signal.signal(number, lambda number, _: sys.exit(f"browse.py: {signal.Signals(number).name}"))
    browser, results = None, []
    try:
        jobs = read_jobs(options, ("url", "width", "height", "screenshot", "eval"))
        browser = (Chromium if options.browser == "chromium" else Firefox)(options.browser, options.timeout)
        browser.launch()
        for number, job in enumerate(jobs):
            try:
                results.append(browser.run(job))
            except Exception as error:
                where = f"job {number}, " if options.urls_file else ""
                raise Failure(f"{where}{job['url']}: {describe(error)}") from error
    except Exception as error:  # Failure, OSError, websockets' ConnectionClosed...
        print(f"browse.py: {options.browser}: {describe(error)}", file=sys.stderr)
        return 1
    finally:
        if browser:
            browser.close()
    print(json.dumps(results if options.urls_file else results[0]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
