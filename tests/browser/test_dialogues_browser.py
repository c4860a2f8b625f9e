"""A policy-law dialogue session in a real browser (issue 14 item 7): the school's approver plans
it in the editor, a parent asks a question on its public page, the question is answered and
published, the session is closed with its transcript, and the public page shows both. The
session's page passes vnu and axe while it takes questions and once it is closed."""
import time

import a11y
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from test_editor_browser import APPROVER, click_and_wait, fetch, sign_in


def set_value(browser, element_id, value):
    # A datetime-local box takes typed keys in a locale's order; the value is what the form sends.
    browser.execute_script("document.getElementById(arguments[0]).value = arguments[1]", element_id, value)


def test_a_dialogue_session_from_planning_to_transcript(browser, portal, shots):
    topic = "Đối thoại về an toàn giao thông trước cổng trường"
    sign_in(browser, portal, APPROVER)
    browser.get(portal.base + "/quan-tri/doi-thoai/moi")
    browser.find_element(By.ID, "f-title").send_keys(topic)
    browser.find_element(By.ID, "f-host").send_keys("Ban giám hiệu nhà trường")
    set_value(browser, "f-starts_at", "2030-05-20T09:00")
    set_value(browser, "f-ends_at", "2030-05-20T11:00")
    Select(browser.find_element(By.ID, "f-state")).select_by_value("open")
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
    assert "/quan-tri/doi-thoai/" in browser.current_url and "moi" not in browser.current_url, browser.page_source[:2000]
    editor_url = browser.current_url
    public = browser.find_element(By.PARTIAL_LINK_TEXT, "trang công khai").get_attribute("href")

    # The public page: the session and the question form.
    browser.get(public)
    assert browser.find_element(By.TAG_NAME, "h1").text == topic
    assert browser.find_elements(By.CSS_SELECTOR, "input[type=hidden][name=dialogue]")
    assert a11y.axe_check(browser) == []
    pages = {u: fetch(u)[1] for u in (public, public + "?lang=en")}
    assert {u: e for u, e in a11y.vnu_check(pages).items() if e} == {}
    browser.find_element(By.ID, "ask-name").send_keys("Lê Thị Hoa")
    browser.find_element(By.ID, "ask-title").send_keys("Giờ tan học có người điều tiết giao thông không?")
    browser.find_element(By.ID, "ask-question").send_keys("Xin hỏi nhà trường có bố trí người hướng dẫn học sinh qua đường không?")
    time.sleep(3.2)
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "form.ask-form button[type=submit]"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "Đã nhận câu hỏi"

    # Answered and published in the editor.
    sign_in(browser, portal, APPROVER)
    browser.get(portal.base + "/quan-tri/cau-hoi")
    click_and_wait(browser, browser.find_element(By.LINK_TEXT, "Giờ tan học có người điều tiết giao thông không?"))
    browser.find_element(By.ID, "f-answer_markdown").send_keys("Nhà trường phân công giáo viên trực cổng mỗi buổi tan học.")
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "button[value=answer]"))
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "button[value=publish]"))
    assert "Đã công bố" in browser.page_source

    # Closed with its transcript.
    browser.get(editor_url)
    assert "1 câu hỏi đã gửi" in browser.page_source
    Select(browser.find_element(By.ID, "f-state")).select_by_value("closed")
    browser.find_element(By.ID, "f-conclusion_markdown").send_keys("Kết luận: nhà trường **duy trì** việc trực cổng.")
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
    assert "field-error" not in browser.page_source, browser.page_source[:3000]

    browser.get(public + "?lang=vi")
    main = browser.find_element(By.TAG_NAME, "main").text
    assert "giáo viên trực cổng" in main
    assert "duy trì" in main
    assert not browser.find_elements(By.ID, "ask-name")
    browser.save_screenshot(str(shots / "dialogue-closed.png"))
    assert a11y.axe_check(browser) == []
    assert a11y.axe_check(browser, public + "?lang=en") == []
    pages = {u: fetch(u)[1] for u in (public, public + "?lang=en", public.rsplit("/", 1)[0] + "/")}
    assert {u: e for u, e in a11y.vnu_check(pages).items() if e} == {}
