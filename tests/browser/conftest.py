"""Browser fixtures: the real portal (shared helper from tests/integration) and a headless
Chromium driven by /usr/bin/chromedriver with a throw-away profile."""
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "integration"))
from portal_proc import BINARY_DIR, Portal  # noqa: E402

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402


def _find(names, env):
    if os.environ.get(env):
        return os.environ[env]
    for n in names:
        p = shutil.which(n)
        if p:
            return p
    return None


@pytest.fixture(scope="module")
def portal():
    p = Portal().start()
    try:
        yield p
        assert p.alive(), p.log_path.read_text(errors="replace")
        assert p.stop() == 0, "SIGTERM should stop the portal gracefully"
    finally:
        p.cleanup()


@pytest.fixture(scope="module")
def shots():
    d = BINARY_DIR / "tests" / "browser"
    d.mkdir(parents=True, exist_ok=True)
    return d


# Records CSP violations from the first byte of every page (CDP scripts are not subject to the
# page's own policy, so this works under a strict CSP).
VIOLATION_RECORDER = """
window.__pbgdplViolations = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__pbgdplViolations.push(e.violatedDirective + ' ' + e.blockedURI);
});
"""


@pytest.fixture(scope="module")
def browser():
    chromedriver = _find(["chromedriver"], "PBGDPL_CHROMEDRIVER")
    chromium = _find(["chromium", "chromium-browser", "google-chrome"], "PBGDPL_CHROMIUM")
    if not chromedriver or not chromium:
        pytest.fail("chromium and chromedriver are needed (scripts/install-deps.sh installs them)")
    profile = tempfile.mkdtemp(prefix="pbgdpl-chromium-")
    opts = webdriver.ChromeOptions()
    opts.binary_location = chromium
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
              "--disable-background-networking", "--disable-component-update", "--disable-sync",
              "--disable-dev-shm-usage", "--window-size=1280,900", f"--user-data-dir={profile}"):
        opts.add_argument(a)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=chromedriver), options=opts)
    try:
        driver.set_page_load_timeout(30)
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": VIOLATION_RECORDER})
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
