"""The two checkers the issue asks every public and editor page to pass, for any browser test:

- vnu_check(html_by_url): the W3C Nu HTML checker (vnu.jar from the npm package vnu-jar, run on
  Debian's Java) over many pages in ONE Java run; its errors per URL.
- axe_check(driver, url=None): axe-core (axe.min.js from the npm package) run inside the page the
  Selenium driver shows; its violations of impact "serious" or "critical".

Both come from tests/tools/node_modules, which `scripts/install-deps.sh test` fills with `npm ci`.
For pages behind a sign-in, pass the signed-in driver: axe_check runs in its session, and
served_html(driver, url) fetches the page's HTML as served (not the DOM the browser rebuilt)
with the driver's cookies, for vnu_check:

    import a11y
    assert a11y.axe_check(driver, base + "/quan-tri/") == []           # or axe_check(driver): the page shown
    pages = {u: a11y.served_html(driver, base + u) for u in screens}   # one vnu run for them all
    assert {u: e for u, e in a11y.vnu_check(pages).items() if e} == {}
"""
import json
import os
import shutil
import subprocess
import tempfile
import urllib.request
from pathlib import Path

SOURCE_DIR = Path(os.environ.get("PBGDPL_SOURCE_DIR", Path(__file__).resolve().parents[2]))
TOOLS = SOURCE_DIR / "tests" / "tools" / "node_modules"
VNU_JAR = TOOLS / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = TOOLS / "axe-core" / "axe.min.js"
INSTALL_HINT = "run scripts/install-deps.sh test (it installs Java and runs npm ci in tests/tools)"

FAILING_IMPACTS = ("serious", "critical")


class CheckerMissing(RuntimeError):
    pass


def _java():
    java = os.environ.get("PBGDPL_JAVA") or shutil.which("java")
    if not java:
        raise CheckerMissing("java is needed for vnu.jar: " + INSTALL_HINT)
    if not VNU_JAR.is_file():
        raise CheckerMissing(f"{VNU_JAR} is missing: " + INSTALL_HINT)
    return java


# --- vnu ------------------------------------------------------------------------------------

def vnu_messages(html_by_url, css_by_url=None, timeout=300):
    """Every vnu message (errors, warnings, info) per URL, from one run of vnu.jar.

    html_by_url: {url: str or bytes (UTF-8)}; css_by_url: stylesheets to check the same way.
    Returns {url: [message dict]} with every URL given as a key; the dicts are vnu's JSON
    messages ("type": "error" | "info" (with "subType": "warning") | "non-document-error",
    "message", "lastLine", "extract").
    """
    java = _java()
    css_by_url = css_by_url or {}
    out = {u: [] for u in list(html_by_url) + list(css_by_url)}
    if not out:
        return out
    with tempfile.TemporaryDirectory(prefix="pbgdpl-vnu-") as tmp:
        by_file = {}
        for i, (url, body) in enumerate(list(html_by_url.items()) + list(css_by_url.items())):
            ext = "html" if url in html_by_url else "css"
            path = Path(tmp) / f"page-{i:04d}.{ext}"
            path.write_bytes(body.encode("utf-8") if isinstance(body, str) else body)
            by_file[path.name] = url
        # A larger thread stack: vnu recurses per nesting level of the markup.
        args = [java, "-Xss8m", "-jar", str(VNU_JAR), "--format", "json", "--stdout", "--exit-zero-always"]
        if css_by_url:
            args.append("--also-check-css")
        r = subprocess.run(args + sorted(str(Path(tmp) / f) for f in by_file), capture_output=True,
                           timeout=timeout)
        try:
            report = json.loads(r.stdout.decode("utf-8"))
        except ValueError:
            raise RuntimeError(f"vnu.jar gave no JSON (exit {r.returncode}):\n"
                               + r.stdout.decode("utf-8", "replace")[-2000:]
                               + r.stderr.decode("utf-8", "replace")[-2000:])
    for m in report.get("messages", []):
        name = m.get("url", "").rsplit("/", 1)[-1]
        url = by_file.get(name)
        if url is None:  # a message about no file (a run-level problem): fail every page loudly
            for u in out:
                out[u].append(dict(m, type="error", message="vnu: " + m.get("message", "")))
            continue
        out[url].append(m)
    return out


def is_error(m):
    return m.get("type") in ("error", "non-document-error")


def is_warning(m):
    return m.get("type") == "info" and m.get("subType") == "warning"


def describe(m):
    where = f"line {m['lastLine']}: " if "lastLine" in m else ""
    extract = " ".join(m.get("extract", "").split())
    return where + m.get("message", "") + (f"  [{extract[:120]}]" if extract else "")


def vnu_check(html_by_url, css_by_url=None):
    """{url: [error text]} from one vnu run: an empty list is a valid page."""
    return {u: [describe(m) for m in ms if is_error(m)] for u, ms in vnu_messages(html_by_url, css_by_url).items()}


# --- axe-core -------------------------------------------------------------------------------

_axe_source = None


def _axe():
    global _axe_source
    if _axe_source is None:
        if not AXE_JS.is_file():
            raise CheckerMissing(f"{AXE_JS} is missing: " + INSTALL_HINT)
        _axe_source = AXE_JS.read_text(encoding="utf-8")
    return _axe_source


def axe_results(driver, url=None, options=None, timeout=60):
    """axe-core's full results for the page the driver shows (after loading `url` if given).

    axe.min.js goes in through execute_script, which is not subject to the page's CSP, so the
    page needs no change and its strict policy stays on.
    """
    if url is not None:
        driver.get(url)
    if not driver.execute_script("return typeof window.axe === 'object'"):
        driver.execute_script(_axe())
    driver.set_script_timeout(timeout)
    res = driver.execute_async_script(
        """var done = arguments[arguments.length - 1];
           axe.run(document, arguments[0]).then(function (r) {
             done({violations: r.violations, incomplete: r.incomplete, url: r.url});
           }, function (e) { done({error: String(e && e.stack || e)}); });""",
        options or {"resultTypes": ["violations", "incomplete"]})
    if "error" in res:
        raise RuntimeError("axe-core failed on " + driver.current_url + ": " + res["error"])
    return res


def describe_violation(v):
    nodes = "; ".join(" ".join(n.get("target", [])) if isinstance(n.get("target"), list) else str(n.get("target"))
                      for n in v.get("nodes", [])[:5])
    more = len(v.get("nodes", [])) - 5
    return f"{v['impact']}: {v['id']}: {v['help']} ({nodes}{f' and {more} more' if more > 0 else ''})"


def axe_check(driver, url=None, impacts=FAILING_IMPACTS, rules=(), options=None, others=None):
    """The violations of the given impacts (serious and critical by default), and of the given
    rule ids whatever their impact, on the page, as readable lines; the page is `url` when given,
    else the one the driver shows now. A list passed as `others` receives the remaining
    violations (to print, not to fail)."""
    res = axe_results(driver, url, options)
    failing = [v for v in res["violations"] if v.get("impact") in impacts or v.get("id") in rules]
    if others is not None:
        others.extend(describe_violation(v) for v in res["violations"] if v not in failing)
    return [describe_violation(v) for v in failing]


# --- pages behind a sign-in -----------------------------------------------------------------

def served_html(driver, url, timeout=15):
    """The HTML the server sends for `url` with the driver's cookies (a signed-in session), as
    bytes: vnu must see what was served, not driver.page_source (the DOM after parsing)."""
    req = urllib.request.Request(url)
    cookies = "; ".join(f"{c['name']}={c['value']}" for c in driver.get_cookies())
    if cookies:
        req.add_header("Cookie", cookies)
    req.add_header("Accept", "text/html")

    class _Keep(urllib.request.HTTPErrorProcessor):
        def http_response(self, request, response):  # a 404 or 403 page is a page to check too
            return response
        https_response = http_response

    with urllib.request.build_opener(_Keep).open(req, timeout=timeout) as r:
        return r.read()
