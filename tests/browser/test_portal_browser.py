"""The portal in a real browser (headless Chromium): title and headings, the skip link as the first
Tab stop, search through the form, an article page, no console errors or CSP violations, and no
horizontal scrolling on a 375 px phone screen."""
import urllib.parse

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

BANNER = "Trang thông tin điện tử phổ biến pháp luật thành phố Hà Nội"


def problems(driver):
    """Console errors and CSP violations since the last call."""
    out = list(driver.execute_script("return window.__pbgdplViolations || []"))
    try:
        logs = driver.get_log("browser")
    except Exception:  # a driver without the log endpoint: the CSP listener still reports
        logs = []
    out += [e["message"] for e in logs if e.get("level") in ("SEVERE", "ERROR")]
    return out


def test_the_section_home_has_its_title_and_headings(browser, portal, shots):
    browser.get(portal.base + "/pbgdpl/")
    assert "Phổ biến, giáo dục pháp luật" in browser.title
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "vi"
    h1 = browser.find_elements(By.TAG_NAME, "h1")
    assert len(h1) == 1 and h1[0].text == "Phổ biến, giáo dục pháp luật"
    h2 = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "main h2")]
    assert "Tin tức hoạt động" in h2 and "Văn bản pháp luật mới" in h2
    banner = browser.find_element(By.CSS_SELECTOR, "a.banner")
    assert banner.is_displayed() and BANNER in banner.text
    # The stylesheet applied (the header is coloured), so CSS was not blocked.
    bg = browser.execute_script("return getComputedStyle(document.querySelector('header.site')).backgroundColor")
    assert bg not in ("rgba(0, 0, 0, 0)", "transparent"), bg
    browser.save_screenshot(str(shots / "portal-home.png"))
    assert problems(browser) == []


def test_the_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(browser, portal):
    browser.get(portal.base + "/pbgdpl/")
    ActionChains(browser).send_keys(Keys.TAB).perform()
    first = browser.switch_to.active_element
    assert first.tag_name == "a"
    assert first.get_attribute("class") == "skip"
    assert first.get_attribute("href").endswith("#noi-dung")
    assert first.is_displayed(), "the skip link becomes visible when focused"
    first.send_keys(Keys.ENTER)
    WebDriverWait(browser, 5).until(lambda d: d.execute_script("return document.activeElement.id") == "noi-dung")
    assert browser.execute_script("return document.activeElement.tagName") == "MAIN"
    # The next Tab goes on into the content, not back to the header.
    ActionChains(browser).send_keys(Keys.TAB).perform()
    inside = browser.execute_script("return document.querySelector('main').contains(document.activeElement)")
    assert inside
    assert problems(browser) == []


def test_every_link_in_the_header_is_reachable_by_keyboard(browser, portal):
    browser.get(portal.base + "/pbgdpl/")
    header_links = browser.execute_script(
        "return Array.from(document.querySelectorAll('header.site a, header.site input, header.site button')).length")
    reached = set()
    for _ in range(header_links + 2):
        ActionChains(browser).send_keys(Keys.TAB).perform()
        reached.add(browser.execute_script(
            "var e=document.activeElement; return e.closest('header.site') ? (e.outerHTML) : null"))
    reached.discard(None)
    assert len(reached) == header_links


def test_search_through_the_form(browser, portal, shots):
    browser.get(portal.base + "/pbgdpl/")
    box = browser.find_element(By.ID, "q")
    label = browser.find_element(By.CSS_SELECTOR, "label[for=q]")
    assert label.get_attribute("textContent").strip() == "Tìm kiếm"
    box.send_keys("ke hoach")
    box.send_keys(Keys.ENTER)
    WebDriverWait(browser, 10).until(EC.url_contains("/tim-kiem"))
    assert urllib.parse.parse_qs(urllib.parse.urlparse(browser.current_url).query)["q"] == ["ke hoach"]
    links = [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "ol.results h2 a")]
    assert portal.base + "/pbgdpl/van-ban/kh-19-pgddt-2023" in links
    marks = browser.find_elements(By.CSS_SELECTOR, "ol.results mark")
    assert marks and all(m.is_displayed() for m in marks[:3])
    assert browser.find_element(By.ID, "q").get_attribute("value") == "ke hoach"
    browser.save_screenshot(str(shots / "portal-search.png"))
    assert problems(browser) == []


def test_open_an_article_from_the_home_page(browser, portal):
    browser.get(portal.base + "/pbgdpl/")
    link = browser.find_element(By.CSS_SELECTOR, "section.category ul.articles h3 a")
    title = link.text
    link.click()
    WebDriverWait(browser, 10).until(EC.url_contains("/pbgdpl/bai-viet/"))
    assert browser.find_element(By.TAG_NAME, "h1").text == title
    assert title in browser.title
    crumbs = browser.find_elements(By.CSS_SELECTOR, ".crumbs a")
    assert crumbs and crumbs[0].get_attribute("href") == portal.base + "/pbgdpl/"
    assert problems(browser) == []


def test_the_plan_19_document_page(browser, portal):
    browser.get(portal.base + "/pbgdpl/van-ban/kh-19-pgddt-2023")
    assert "19/KH-PGDĐT" in browser.find_element(By.TAG_NAME, "h1").text
    assert "Hà Đông, ngày 22 tháng 3 năm 2023" in browser.find_element(By.CSS_SELECTOR, "table.meta").text
    assert problems(browser) == []


@pytest.mark.parametrize("path", ["/pbgdpl/", "/pbgdpl/van-ban-moi/", "/pbgdpl/van-ban/kh-19-pgddt-2023",
                                  "/pbgdpl/bai-viet/gioi-thieu-kh19", "/tim-kiem?q=ke+hoach"])
def test_a_375px_screen_has_no_horizontal_scroll(browser, portal, shots, path):
    browser.set_window_size(375, 812)
    try:
        browser.get(portal.base + path)
        inner = browser.execute_script("return window.innerWidth")
        assert inner <= 400, f"the window did not get narrow (innerWidth {inner})"
        wide = browser.execute_script("return document.documentElement.scrollWidth")
        culprits = browser.execute_script("""
          var w = document.documentElement.clientWidth, out = [];
          document.querySelectorAll('body *').forEach(function (e) {
            var r = e.getBoundingClientRect();
            if (r.right > w + 1) out.push(e.tagName + '.' + e.className + ' ' + Math.round(r.right));
          });
          return out.slice(0, 8);""")
        if path == "/pbgdpl/":
            browser.save_screenshot(str(shots / "portal-home-375.png"))
        assert wide <= inner, (path, wide, inner, culprits)
        assert problems(browser) == []
    finally:
        browser.set_window_size(1280, 900)
