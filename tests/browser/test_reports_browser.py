"""The editor's "Báo cáo" screens in headless Chromium, as their users work: the school's principal
opens the demo draft pre-filled from the data, adds the narrative, saves, signs and sends it with
the password (a wrong one is refused); the ward office's approver sees the review screen, approves
it with her password. Every report
screen, in both languages, is valid HTML (vnu) with no serious axe violation."""
import datetime
import re
import urllib.request

from selenium.webdriver.common.by import By
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.support.ui import WebDriverWait

SCHOOL = "th-van-yen"
WARD_OFFICE = "vhxh-phuong-ha-dong"
PRINCIPAL = "tran.van.hung"
REVIEWER = "nguyen.thi.thu.huong"
HANOI = datetime.timezone(datetime.timedelta(hours=7))


def click_and_wait(browser, element):
    element.click()

    def left(_):
        try:
            element.is_enabled()
            return False
        except WebDriverException:
            return True

    WebDriverWait(browser, 15).until(left)


def passwords(portal):
    out = {}
    for line in (portal.data_dir / "demo-accounts.txt").read_text().splitlines():
        user, pw = line.split()
        out[user] = pw
    return out


def sign_in(browser, portal, user):
    browser.delete_all_cookies()
    browser.get(portal.base + "/quan-tri/dang-nhap")
    browser.find_element(By.ID, "f-username").send_keys(user)
    browser.find_element(By.ID, "f-password").send_keys(passwords(portal)[user])
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
    assert "dang-nhap" not in browser.current_url, browser.page_source[:2000]


def round2_id(browser, portal):
    """The current year's round 2 ("<template>-<year>-dot-2"), whose demo draft the list links to."""
    browser.get(portal.base + "/quan-tri/bao-cao")
    year = datetime.datetime.now(HANOI).year
    links = [a.get_attribute("href") or "" for a in browser.find_elements(By.CSS_SELECTOR, "main a")]
    ids = {m.group(1) for h in links for m in [re.search(r"/bao-cao/([^/?]+-%d-dot-2)/%s" % (year, SCHOOL), h)] if m}
    assert len(ids) == 1, (ids, browser.page_source[:3000])
    return ids.pop()


def test_a_report_is_filled_signed_sent_and_approved(browser, portal, shots):
    sign_in(browser, portal, PRINCIPAL)
    period = round2_id(browser, portal)
    browser.get(portal.base + f"/quan-tri/bao-cao/{period}/{SCHOOL}")
    assert "Số liệu từ cổng" in browser.page_source
    browser.save_screenshot(str(shots / "reports-form.png"))
    # The principal completes what the data could not say: the narrative, the yes/no answers
    # without data, the figures the portal does not hold.
    for a in browser.find_elements(By.CSS_SELECTOR, "form textarea[name^=v-]"):
        a.clear()
        a.send_keys("Nhà trường tổ chức tốt Ngày Pháp luật 9/11.")
    for sel in browser.find_elements(By.CSS_SELECTOR, "form select[name^=v-]"):
        if not sel.get_attribute("value"):
            sel.find_element(By.CSS_SELECTOR, "option[value=co]").click()
    for box in browser.find_elements(By.CSS_SELECTOR, "form input[type=text][name^=v-]"):
        if not box.get_attribute("value"):
            box.send_keys("40")
    click_and_wait(browser, browser.find_element(By.ID, "b-luu"))
    assert "Đã lưu bản nháp" in browser.page_source, browser.page_source[:3000]
    # A wrong password signs nothing.
    browser.find_element(By.CSS_SELECTOR, "form[action*='/gui'] input[type=password]").send_keys("sai-mat-khau")
    click_and_wait(browser, browser.find_element(By.ID, "b-gui"))
    assert "Mật khẩu để ký không đúng" in browser.page_source, browser.page_source[:3000]
    browser.find_element(By.CSS_SELECTOR, "form[action*='/gui'] input[type=password]").send_keys(passwords(portal)[PRINCIPAL])
    click_and_wait(browser, browser.find_element(By.ID, "b-gui"))
    assert "Đã ký và gửi" in browser.page_source, browser.page_source[:3000]

    sign_in(browser, portal, REVIEWER)
    browser.get(portal.base + f"/quan-tri/bao-cao/{period}/xet/{WARD_OFFICE}")
    assert "Tiểu học Văn Yên" in browser.page_source
    browser.save_screenshot(str(shots / "reports-review.png"))
    browser.get(portal.base + f"/quan-tri/bao-cao/{period}/{SCHOOL}")
    browser.find_element(By.CSS_SELECTOR, "form[action*='/duyet'] input[type=password]").send_keys(passwords(portal)[REVIEWER])
    click_and_wait(browser, browser.find_element(By.ID, "b-duyet"))
    assert "Đã ký duyệt" in browser.page_source, browser.page_source[:3000]


def test_every_report_screen_is_valid_html_and_has_no_serious_axe_violation(browser, portal):
    import a11y
    pages, problems = {}, {}
    sign_in(browser, portal, PRINCIPAL)
    period = round2_id(browser, portal)
    paths = ["/bao-cao", f"/bao-cao/{period}/{SCHOOL}"]
    for path in paths:
        for lang in ("", "?lang=en"):
            u = portal.base + "/quan-tri" + path + lang
            pages[u] = a11y.served_html(browser, u)
            problems[u] = a11y.axe_check(browser, u)
    sign_in(browser, portal, REVIEWER)
    for path in ("/bao-cao", f"/bao-cao/{period}/{SCHOOL}", f"/bao-cao/{period}/xet/{WARD_OFFICE}"):
        for lang in ("", "?lang=en"):
            u = portal.base + "/quan-tri" + path + lang
            pages[u] = a11y.served_html(browser, u)
            problems[u] = a11y.axe_check(browser, u)
    bad_axe = {u: v for u, v in problems.items() if v}
    assert bad_axe == {}, bad_axe
    bad_html = {u: e for u, e in a11y.vnu_check(pages).items() if e}
    assert bad_html == {}, bad_html
