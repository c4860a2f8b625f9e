"""The widgets (issue 20) embedded in a page of ANOTHER origin (a tiny HTTP server on another
127.0.0.1 port) whose CSP is strict: default-src 'none', and only script-src and frame-src for the
portal's origin. Each widget goes in through the script snippet; headless Chromium must show the
four iframes with their content (the news titles, the banner, the question link, the screen's
approved content), report no CSP violation and no console error in the host page or the frames, and
apply the theme given in data-* attributes. The iframe pages pass vnu and axe-core."""
import datetime
import http.server
import re
import threading
import urllib.request

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

import a11y
from portal_proc import SOURCE_DIR, Portal

HANOI = datetime.timezone(datetime.timedelta(hours=7))
SCHOOL = "thcs-van-yen"
DISPLAY = "thcs-van-yen-cau-thang-a-t2"


def offset_to(hour):
    now = datetime.datetime.now(HANOI)
    target = now.replace(hour=hour, minute=0, second=0, microsecond=0)
    if target <= now:
        target += datetime.timedelta(days=1)
    return int((target - now).total_seconds())


@pytest.fixture(scope="module")
def portal():
    # 10:00 in Hà Nội: the demo screens' schedule plays, so the preview has content.
    p = Portal(args=["--clock-offset", str(offset_to(10))]).start(timeout=90)
    try:
        yield p
        assert p.alive(), p.log_path.read_text(errors="replace")
        assert p.stop() == 0
    finally:
        p.cleanup()


def host_page(portal_origin):
    """examples/widgets/host-page.html, the page docs/integrating.md gives vendors, filled in."""
    text = (SOURCE_DIR / "examples" / "widgets" / "host-page.html").read_text(encoding="utf-8")
    for token, value in (("@PORTAL@", portal_origin), ("@UNIT@", SCHOOL), ("@DISPLAY@", DISPLAY)):
        assert token in text, token
        text = text.replace(token, value)
    assert "@" not in text.split("-->", 1)[1], "a token left unfilled in the example's markup"
    return text


@pytest.fixture(scope="module")
def host(portal):
    """Another origin: 127.0.0.1 on another port, its page under a strict CSP naming the portal only."""
    body = host_page(portal.base).encode("utf-8")
    csp = f"default-src 'none'; script-src {portal.base}; frame-src {portal.base}"

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path != "/":
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Security-Policy", csp)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def problems(driver):
    out = list(driver.execute_script("return window.__pbgdplViolations || []"))
    try:
        logs = driver.get_log("browser")
    except Exception:
        logs = []
    out += [e["message"] for e in logs if e.get("level") in ("SEVERE", "ERROR")]
    return out


def frame_text(driver, frame):
    driver.switch_to.frame(frame)
    try:
        WebDriverWait(driver, 15).until(EC.presence_of_element_located((By.CSS_SELECTOR, "section.pbgdpl-w")))
        return (driver.find_element(By.TAG_NAME, "body").text,
                driver.execute_script("return window.__pbgdplViolations || []"),
                driver.execute_script(
                    "var s = getComputedStyle(document.querySelector('section.pbgdpl-w'));"
                    "return [s.borderTopColor, s.backgroundColor];"))
    finally:
        driver.switch_to.default_content()


def test_the_snippets_insert_working_iframes_under_a_strict_host_csp(browser, portal, host, shots):
    problems(browser)  # clear the log
    browser.get(host + "/")
    WebDriverWait(browser, 20).until(lambda d: len(d.find_elements(By.TAG_NAME, "iframe")) == 4)
    frames = browser.find_elements(By.TAG_NAME, "iframe")
    srcs = [f.get_attribute("src") for f in frames]
    assert all(s.startswith(portal.base + f"/don-vi/{SCHOOL}/pbgdpl/tien-ich/") for s in srcs), srcs
    assert all(f.get_attribute("title") for f in frames)
    by_name = {re.search(r"/tien-ich/([a-z-]+)", s).group(1): f for s, f in zip(srcs, frames)}

    news, v_news, (accent, _) = frame_text(browser, by_name["tin-moi"])
    assert "Tin phổ biến, giáo dục pháp luật" in news
    assert "Ứng dụng mạng xã hội trong tuyên truyền" in news, news
    assert accent == "rgb(176, 0, 32)", accent  # data-accent="b00020" through the stylesheet
    banner, v_banner, _ = frame_text(browser, by_name["bieu-ngu"])
    assert "Trang thông tin điện tử phổ biến pháp luật thành phố Hà Nội" in banner
    ask, v_ask, (_, dark_bg) = frame_text(browser, by_name["hoi-dap"])
    assert "Gửi câu hỏi" in ask
    assert dark_bg == "rgb(18, 24, 32)", dark_bg  # data-theme="dark"
    screen, v_screen, _ = frame_text(browser, by_name["man-hinh"])
    assert "Now on the screen" in screen and "Infographic: Quyền và bổn phận của trẻ em" in screen, screen
    assert v_news == v_banner == v_ask == v_screen == []
    # Each frame took the height its page reported (khung.js → tien-ich.js), not the default.
    for name, f in by_name.items():
        browser.switch_to.frame(f)
        inner = browser.execute_script("return Math.ceil(document.documentElement.getBoundingClientRect().height)")
        browser.switch_to.default_content()
        WebDriverWait(browser, 10).until(lambda d: abs(int(f.get_attribute("height")) - inner) <= 1,
                                         f"{name}: frame {f.get_attribute('height')} px, content {inner} px")
    browser.save_screenshot(str(shots / "widgets-host-page.png"))
    assert problems(browser) == []


def test_the_iframe_pages_pass_vnu_and_axe(browser, portal):
    base = portal.base + f"/don-vi/{SCHOOL}/pbgdpl/tien-ich/"
    urls = [base + w + "/khung" + q for w in ("tin-moi", "bieu-ngu", "hoi-dap", "man-hinh/" + DISPLAY)
            for q in ("", "?lang=en", "?theme=dark")]
    html = {u: urllib.request.urlopen(u, timeout=10).read() for u in urls}
    css = {base + "tien-ich.css": urllib.request.urlopen(base + "tien-ich.css", timeout=10).read()}
    errors = a11y.vnu_check(html, css)
    assert {u: e for u, e in errors.items() if e} == {}
    for u in urls:
        assert a11y.axe_check(browser, u) == [], u
