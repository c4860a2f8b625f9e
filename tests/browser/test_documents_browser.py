"""Legal document records and publications in the editor (/quan-tri/van-ban, /quan-tri/an-pham),
in headless Chromium: the ward office's editor enters a plan; a wrong number is refused next to
its field with everything else kept, rows are added without JavaScript; the right number saves
the draft with its type and year taken from it; the office's approver approves and publishes it
and it shows on the public document page. The records are test data, not real documents."""
import re

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from test_editor_browser import click_and_wait, fetch, sign_in, state, step

DIVISION_EDITOR = "le.thu.trang"             # editor at the ward's office of culture and society
DIVISION_APPROVER = "nguyen.thi.thu.huong"   # approver there
TITLE = "Kế hoạch thử nghiệm nhập văn bản trong trình soạn thảo"


def value(browser, field):
    return browser.find_element(By.ID, "f-" + field).get_attribute("value")


def set_value(browser, field, v):
    el = browser.find_element(By.ID, "f-" + field)
    if el.get_attribute("type") == "date":
        browser.execute_script("arguments[0].value = arguments[1]", el, v)
    else:
        el.clear()
        el.send_keys(v)


def test_a_plan_record_is_entered_checked_approved_and_published(browser, portal, shots):
    sign_in(browser, portal, DIVISION_EDITOR)
    browser.get(portal.base + "/quan-tri/van-ban/moi")
    assert Select(browser.find_element(By.ID, "f-unit")).first_selected_option.get_attribute("value") == "vhxh-phuong-ha-dong"
    set_value(browser, "number", "7-KH-VHXH")  # a dash where the slash goes
    Select(browser.find_element(By.ID, "f-level")).select_by_value("district")
    set_value(browser, "issuer", "Phòng Văn hóa - Xã hội phường Hà Đông")
    set_value(browser, "place", "Hà Đông")
    set_value(browser, "issued_on", "2026-11-20")
    set_value(browser, "title", TITLE)
    set_value(browser, "fields", "Phổ biến, giáo dục pháp luật")
    Select(browser.find_element(By.ID, "f-signed_by-authority")).select_by_value("none")
    set_value(browser, "period_from", "2026")
    set_value(browser, "period_to", "2027")
    set_value(browser, "recipients-0", "Các trường MN, TH, THCS (để thực hiện)")
    set_value(browser, "recipients-1", "Lưu: VT")
    set_value(browser, "relations-0-number", "19/KH-PGDĐT")
    set_value(browser, "relations-0-target", "kh-19-pgddt-2023")
    # One more recipient row, without JavaScript: a submit button that re-renders the form.
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "button[value=add-recipients]"))
    assert browser.find_elements(By.ID, "f-recipients-2")
    assert value(browser, "recipients-1") == "Lưu: VT"
    set_value(browser, "recipients-2", "Phòng Tư pháp (để phối hợp)")
    browser.save_screenshot(str(shots / "editor-document-form.png"))

    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "button[value=save]"))
    error = browser.find_element(By.ID, "f-number-error").text
    assert "không hợp lệ" in error and "19/KH-PGDĐT" in error, error
    assert browser.find_element(By.ID, "f-number").get_attribute("aria-invalid") == "true"
    # Everything typed is still there, and nothing was saved.
    assert value(browser, "number") == "7-KH-VHXH"
    assert value(browser, "title") == TITLE
    assert value(browser, "issued_on") == "2026-11-20"
    assert value(browser, "recipients-2") == "Phòng Tư pháp (để phối hợp)"
    assert value(browser, "relations-0-target") == "kh-19-pgddt-2023"
    assert value(browser, "period_to") == "2027"
    browser.save_screenshot(str(shots / "editor-document-number-refused.png"))

    set_value(browser, "number", "7/KH-VHXH")
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "button[value=save]"))
    m = re.search(r"/quan-tri/van-ban/([0-9a-f]{32})", browser.current_url)
    assert m, browser.page_source[:3000]
    doc = m.group(1)
    assert "Đã lưu." in browser.page_source
    browser.get(portal.base + "/quan-tri/van-ban")
    assert browser.page_source.count(TITLE) == 1  # the refused post saved nothing
    browser.get(portal.base + "/quan-tri/van-ban/" + doc)
    assert state(browser) == "Bản nháp"
    assert value(browser, "type_code") == "KH"  # taken from the number
    assert value(browser, "year") == "2026"
    assert value(browser, "recipients-2") == "Phòng Tư pháp (để phối hợp)"
    step(browser, "submit")
    assert state(browser) == "Chờ duyệt"
    assert not browser.find_elements(By.ID, "b-approve")  # an editor does not approve

    sign_in(browser, portal, DIVISION_APPROVER)
    browser.get(portal.base + "/quan-tri/van-ban/" + doc)
    step(browser, "approve")
    assert state(browser) == "Đã duyệt"
    step(browser, "publish")
    assert state(browser) == "Đã đăng"
    browser.save_screenshot(str(shots / "editor-document-published.png"))

    status, page = fetch(portal.base + "/don-vi/vhxh-phuong-ha-dong/pbgdpl/van-ban/" + doc)
    assert status == 200, page[:2000]
    assert TITLE in page and "7/KH-VHXH" in page and "Lưu: VT" in page


def test_a_document_of_another_unit_cannot_be_entered_by_naming_it(browser, portal):
    sign_in(browser, portal, DIVISION_EDITOR)
    browser.get(portal.base + "/quan-tri/van-ban/moi?lang=en")
    assert "Number and symbol" in browser.page_source
    browser.get(portal.base + "/quan-tri/van-ban/moi")
    # Records of no unit (a higher authority's) need the right at every root: not offered here.
    units = [o.get_attribute("value") for o in Select(browser.find_element(By.ID, "f-unit")).options]
    assert units == ["vhxh-phuong-ha-dong"], units
    browser.execute_script("var o=document.createElement('option'); o.value='th-van-yen'; o.selected=true;"
                           "document.getElementById('f-unit').appendChild(o);")
    set_value(browser, "number", "8/KH-THVY")
    set_value(browser, "issuer", "Trường Tiểu học Văn Yên")
    set_value(browser, "issued_on", "2026-11-20")
    set_value(browser, "title", "Văn bản giả của trường khác")
    Select(browser.find_element(By.ID, "f-signed_by-authority")).select_by_value("none")
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "button[value=save]"))
    assert "Bạn không nhập văn bản cho đơn vị này" in browser.page_source
    assert value(browser, "title") == "Văn bản giả của trường khác"


def test_a_publication_is_added_and_goes_through_the_workflow(browser, portal, shots):
    sign_in(browser, portal, "nguyen.thi.lan")  # school editor, Trường Tiểu học Văn Yên
    browser.get(portal.base + "/quan-tri/an-pham/moi")
    Select(browser.find_element(By.ID, "f-kind")).select_by_value("legal_story")
    set_value(browser, "title", "Câu chuyện pháp luật thử nghiệm")
    set_value(browser, "partners", "Công an phường Hà Đông")
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "button[value=save]"))
    m = re.search(r"/quan-tri/an-pham/([0-9a-f]{32})", browser.current_url)
    assert m, browser.page_source[:3000]
    assert state(browser) == "Bản nháp"
    browser.save_screenshot(str(shots / "editor-publication.png"))
    # Submitting needs a file: refused with the reason, still a draft.
    step(browser, "submit")
    assert "ít nhất một tệp" in browser.find_element(By.ID, "f-media-error").text
    assert state(browser) == "Bản nháp"
    set_value(browser, "media", "infographic-quyen-tre-em")
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "button[value=save]"))
    step(browser, "submit")
    assert state(browser) == "Chờ duyệt"
    browser.get(portal.base + "/quan-tri/an-pham")
    assert "Câu chuyện pháp luật thử nghiệm" in browser.page_source
