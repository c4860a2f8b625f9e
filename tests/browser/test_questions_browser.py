"""Asking a legal question in a real browser (issue 14): from the questions page to the form, the
errors next to their fields, the thank-you page with the private link, and the follow page. No
script is needed (the pages have none); no console errors or CSP violations."""
import time

from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait


def problems(driver):
    out = list(driver.execute_script("return window.__pbgdplViolations || []"))
    try:
        logs = driver.get_log("browser")
    except Exception:
        logs = []
    # A 400 answer to the form is the form shown again with its errors, not a fault of the page.
    out += [e["message"] for e in logs if e.get("level") in ("SEVERE", "ERROR") and "400" not in e["message"]]
    return out


def wait_for_h1(browser, text):
    # The page may be replaced between finding the heading and reading it (a navigation under
    # way): a stale element is read again, not a failure.
    WebDriverWait(browser, 10, ignored_exceptions=(StaleElementReferenceException, NoSuchElementException)).until(
        lambda d: d.find_element(By.TAG_NAME, "h1").text == text)


def test_a_person_asks_a_question_and_follows_it(browser, portal, shots):
    browser.get(portal.base + "/pbgdpl/hoi-dap-phap-luat/")
    browser.find_element(By.CSS_SELECTOR, "a.ask").click()
    wait_for_h1(browser, "Gửi câu hỏi pháp luật")
    # The honeypot is not shown to people.
    assert not browser.find_element(By.ID, "ask-website").is_displayed()
    # Sent empty: an error by each required field, announced with it.
    browser.find_element(By.ID, "ask-title").send_keys("Hỏi về bảo hiểm y tế học sinh")
    browser.find_element(By.CSS_SELECTOR, "form.ask-form button[type=submit]").click()
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".field-error"))
    name = browser.find_element(By.ID, "ask-name")
    assert name.get_attribute("aria-invalid") == "true"
    err = browser.find_element(By.ID, name.get_attribute("aria-describedby"))
    assert err.is_displayed() and "Tên người hỏi" in err.text
    assert browser.find_element(By.ID, "ask-title").get_attribute("value") == "Hỏi về bảo hiểm y tế học sinh"
    browser.save_screenshot(str(shots / "ask-form-errors.png"))
    # Filled in, a few seconds later (as a person would): received.
    browser.find_element(By.ID, "ask-name").send_keys("Phạm Thu Hà")
    browser.find_element(By.ID, "ask-question").send_keys("Học sinh có bắt buộc tham gia bảo hiểm y tế không?")
    time.sleep(3.2)
    browser.find_element(By.CSS_SELECTOR, "form.ask-form button[type=submit]").click()
    wait_for_h1(browser, "Đã nhận câu hỏi")
    link = browser.find_element(By.CSS_SELECTOR, ".follow-link a")
    assert "/pbgdpl/hoi-dap/theo-doi/" in link.get_attribute("href")
    browser.save_screenshot(str(shots / "ask-thanks.png"))
    link.click()
    wait_for_h1(browser, "Theo dõi câu hỏi")
    assert "Chờ trả lời" in browser.find_element(By.CSS_SELECTOR, "p.state").text
    assert "Hỏi về bảo hiểm y tế học sinh" in [e.text for e in browser.find_elements(By.TAG_NAME, "h2")]
    browser.save_screenshot(str(shots / "ask-follow.png"))
    assert problems(browser) == []


def test_a_public_question_is_moderated_answered_and_published_and_the_asker_sees_it(browser, portal, shots):
    from test_editor_browser import DIVISION_APPROVER, click_and_wait, sign_in
    title = "Trẻ 5 tuổi có được ngồi ghế trước ô tô không?"
    browser.delete_all_cookies()
    browser.get(portal.base + "/pbgdpl/hoi-dap/gui-cau-hoi")
    browser.find_element(By.ID, "ask-name").send_keys("Đỗ Minh Khoa")
    browser.find_element(By.ID, "ask-title").send_keys(title)
    browser.find_element(By.ID, "ask-question").send_keys("Xin hỏi quy định về chỗ ngồi của trẻ em trên ô tô.")
    time.sleep(3.2)
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "form.ask-form button[type=submit]"))
    follow = browser.find_element(By.CSS_SELECTOR, ".follow-link a").get_attribute("href")
    # The ward office's approver moderates it in, answers and publishes it.
    sign_in(browser, portal, DIVISION_APPROVER)
    browser.get(portal.base + "/quan-tri/cau-hoi")
    click_and_wait(browser, browser.find_element(By.LINK_TEXT, title))
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "button[value=accept]"))
    assert "Đã tiếp nhận" in browser.page_source
    browser.find_element(By.ID, "f-answer_markdown").send_keys("Trả lời: theo quy định hiện hành, hãy cho trẻ ngồi hàng ghế sau.")
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "button[value=answer]"))
    assert "Đã trả lời" in browser.page_source
    # The asker reads the answer before it is published.
    browser.get(follow)
    assert "hàng ghế sau" in browser.find_element(By.TAG_NAME, "main").text
    browser.get(portal.base + "/quan-tri/cau-hoi")
    click_and_wait(browser, browser.find_element(By.LINK_TEXT, title))
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "button[value=publish]"))
    assert "Đã công bố" in browser.page_source
    browser.get(follow)
    assert "Đã công bố" in browser.find_element(By.CSS_SELECTOR, "p.state").text
    browser.save_screenshot(str(shots / "ask-follow-published.png"))
    # (?lang=vi: the browser may still hold the page of the first test, public for 60 s.)
    browser.get(portal.base + "/pbgdpl/hoi-dap-phap-luat/?lang=vi")
    assert title in [e.text for e in browser.find_elements(By.CSS_SELECTOR, "main h2")]
