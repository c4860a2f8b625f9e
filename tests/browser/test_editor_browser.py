"""The editor (/quan-tri/) in headless Chromium, as its users work: a school clerk writes and
submits, the principal approves (signing with their password) and publishes or returns it with a
comment, an article scheduled a few seconds ahead appears on its own, a question is answered and
published, a form without its CSRF token is refused, and a school's editor cannot open another
school's content. Screenshots of each main screen land in the build directory."""
import datetime
import re
import time
import urllib.request

import pytest
from selenium.webdriver.common.by import By
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.support.ui import WebDriverWait

EDITOR = "nguyen.thi.lan"    # school editor, Trường Tiểu học Văn Yên
APPROVER = "tran.van.hung"   # school approver (the principal) of the same school
DIVISION_APPROVER = "nguyen.thi.thu.huong"  # approver at the ward office that manages the schools
OTHER_SCHOOL_ARTICLE = "mn-van-khe-be-vui-hoc-luat"  # a draft-stage article of another school


def click_and_wait(browser, element):
    """Clicks a submit button and waits until the browser has left the page it was on (a click
    returns before the navigation it starts has finished)."""
    element.click()

    def left(_):
        try:
            element.is_enabled()
            return False
        except WebDriverException:  # stale, or (a Chromium race) "does not belong to the document"
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
    assert "/quan-tri/" in browser.current_url and "dang-nhap" not in browser.current_url, browser.page_source[:2000]


def write_article(browser, portal, title, body="Nội dung **bài viết** về pháp luật."):
    browser.get(portal.base + "/quan-tri/bai-viet/moi")
    browser.find_element(By.ID, "f-title").send_keys(title)
    browser.find_element(By.ID, "f-summary").send_keys("Tóm tắt: " + title)
    browser.find_element(By.ID, "f-body_markdown").send_keys(body)
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "button[value=save]"))
    m = re.search(r"/quan-tri/bai-viet/([0-9a-f]{32})", browser.current_url)
    assert m, browser.current_url
    return m.group(1)


def step(browser, name, **fields):
    form = browser.find_element(By.ID, "b-" + name).find_element(By.XPATH, "..")
    for k, v in fields.items():
        el = form.find_element(By.NAME, k)
        if el.get_attribute("type") == "datetime-local":
            browser.execute_script("arguments[0].value = arguments[1]", el, v)
        else:
            el.send_keys(v)
    click_and_wait(browser, browser.find_element(By.ID, "b-" + name))


def state(browser):
    return browser.find_element(By.CSS_SELECTOR, "main p strong").text


def fetch(url):
    try:
        with urllib.request.urlopen(url) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def test_write_submit_approve_publish_and_see_it_public(browser, portal, shots):
    sign_in(browser, portal, EDITOR)
    browser.save_screenshot(str(shots / "editor-dashboard.png"))
    aid = write_article(browser, portal, "Trường hưởng ứng Ngày Pháp luật năm 2026")
    browser.save_screenshot(str(shots / "editor-article-form.png"))
    step(browser, "submit")
    assert state(browser) == "Chờ duyệt"
    # The editor may not approve: the button is not offered, and a hand-made post is refused.
    assert not browser.find_elements(By.ID, "b-approve")

    sign_in(browser, portal, APPROVER)
    assert aid in browser.page_source  # on "waiting for my approval"
    browser.get(portal.base + "/quan-tri/bai-viet/" + aid)
    step(browser, "approve", password="sai-mat-khau")
    assert "Mật khẩu để ký không đúng" in browser.page_source
    assert state(browser) == "Chờ duyệt"
    step(browser, "approve", password=passwords(portal)[APPROVER])
    assert state(browser) == "Đã duyệt"
    browser.save_screenshot(str(shots / "editor-approved.png"))
    step(browser, "publish")
    assert state(browser) == "Đã đăng"

    browser.get(portal.base + "/don-vi/th-van-yen/pbgdpl/bai-viet/" + aid)
    assert "Trường hưởng ứng Ngày Pháp luật năm 2026" in browser.find_element(By.TAG_NAME, "h1").text
    approval = browser.find_element(By.CSS_SELECTOR, ".approval").text
    assert "chữ ký đã được kiểm tra" in approval and "Người duyệt nhà trường" in approval
    browser.save_screenshot(str(shots / "editor-published-public-page.png"))
    status, feed = fetch(portal.base + "/don-vi/th-van-yen/pbgdpl/feed.atom")
    assert status == 200 and "Trường hưởng ứng Ngày Pháp luật năm 2026" in feed


def test_reject_with_a_comment_returns_it_to_the_author(browser, portal, shots):
    sign_in(browser, portal, EDITOR)
    aid = write_article(browser, portal, "Bài cần sửa lại")
    step(browser, "submit")
    sign_in(browser, portal, APPROVER)
    browser.get(portal.base + "/quan-tri/bai-viet/" + aid)
    click_and_wait(browser, browser.find_element(By.ID, "b-reject"))  # no reason: refused, next to the field
    assert "Cần ghi lý do trả lại" in browser.page_source
    assert state(browser) == "Chờ duyệt"
    step(browser, "reject", comment="Thiếu số hiệu văn bản được giới thiệu")
    assert state(browser) == "Bản nháp"
    sign_in(browser, portal, EDITOR)
    browser.get(portal.base + "/quan-tri/bai-viet/" + aid)
    assert "Thiếu số hiệu văn bản được giới thiệu" in browser.page_source
    assert browser.find_element(By.ID, "f-title").get_attribute("value") == "Bài cần sửa lại"
    browser.save_screenshot(str(shots / "editor-returned-draft.png"))


def test_an_article_scheduled_a_few_seconds_ahead_appears_on_its_own(browser, portal):
    sign_in(browser, portal, EDITOR)
    aid = write_article(browser, portal, "Bài hẹn giờ đăng")
    step(browser, "submit")
    sign_in(browser, portal, APPROVER)
    browser.get(portal.base + "/quan-tri/bai-viet/" + aid)
    step(browser, "approve", password=passwords(portal)[APPROVER])
    vn = datetime.timezone(datetime.timedelta(hours=7))
    at = datetime.datetime.now(vn) + datetime.timedelta(seconds=6)
    step(browser, "publish", publish_at=at.strftime("%Y-%m-%dT%H:%M:%S"))
    assert "hẹn đăng lúc" in browser.page_source
    public = portal.base + "/don-vi/th-van-yen/pbgdpl/bai-viet/" + aid
    assert fetch(public)[0] == 404
    assert "Bài hẹn giờ đăng" not in fetch(portal.base + "/don-vi/th-van-yen/pbgdpl/feed.atom")[1]
    time.sleep(max(0.0, (at - datetime.datetime.now(vn)).total_seconds()) + 1.5)
    assert fetch(public)[0] == 200
    assert "Bài hẹn giờ đăng" in fetch(portal.base + "/don-vi/th-van-yen/pbgdpl/feed.atom")[1]


def test_a_question_is_answered_and_published(browser, portal, shots):
    # The question comes in through the API (the public form is tested with the Q&A pages).
    import json
    body = json.dumps({"unit": "vhxh-phuong-ha-dong", "asker_name": "Phụ huynh lớp 3A", "title": "Con tôi đi xe đạp điện được không?",
                       "body": "Học sinh tiểu học có được đi xe đạp điện đến trường không?", "state": "asked"}).encode()
    req = urllib.request.Request(portal.base + "/api/v1/questions", data=body, method="POST",
                                 headers={"Content-Type": "application/json", "Authorization": "Bearer " + portal.api_key})
    with urllib.request.urlopen(req) as r:
        qid = json.loads(r.read())["id"]
    sign_in(browser, portal, DIVISION_APPROVER)
    browser.get(portal.base + "/quan-tri/cau-hoi")
    browser.save_screenshot(str(shots / "editor-questions.png"))
    click_and_wait(browser, browser.find_element(By.LINK_TEXT, "Con tôi đi xe đạp điện được không?"))
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "button[value=answer]"))  # empty answer: refused
    assert "Hãy viết câu trả lời" in browser.page_source
    browser.find_element(By.ID, "f-answer_markdown").send_keys("Theo Luật Giao thông đường bộ, người dưới 16 tuổi không được điều khiển xe máy điện.")
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "button[value=answer]"))
    assert "Đã trả lời" in browser.page_source
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "button[value=publish]"))
    assert "Đã công bố" in browser.page_source
    status, page = fetch(portal.base + "/don-vi/vhxh-phuong-ha-dong/pbgdpl/hoi-dap/" + qid)
    assert status == 200 and "người dưới 16 tuổi" in page


def test_a_form_without_its_csrf_token_is_refused(browser, portal):
    sign_in(browser, portal, EDITOR)
    browser.get(portal.base + "/quan-tri/bai-viet/moi")
    browser.execute_script("document.querySelector('main form input[name=csrf]').remove()")
    browser.find_element(By.ID, "f-title").send_keys("Không được lưu")
    browser.find_element(By.ID, "f-body_markdown").send_keys("x")
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "button[value=save]"))
    assert "CSRF" in browser.page_source and "Yêu cầu bị từ chối" in browser.page_source
    browser.get(portal.base + "/quan-tri/")
    assert "Không được lưu" not in browser.page_source


def test_a_school_editor_cannot_open_or_change_another_schools_content(browser, portal):
    sign_in(browser, portal, EDITOR)
    browser.get(portal.base + "/quan-tri/bai-viet/" + OTHER_SCHOOL_ARTICLE)
    assert "Không tìm thấy" in browser.find_element(By.TAG_NAME, "h1").text
    # A post made by hand, with this session's valid CSRF token, changes nothing either.
    browser.get(portal.base + "/quan-tri/bai-viet/moi")
    browser.execute_script(
        "var f=document.querySelector('main form'); f.action=arguments[0];"
        "var v=document.createElement('input'); v.type='hidden'; v.name='step'; v.value='approve'; f.appendChild(v);",
        portal.base + "/quan-tri/bai-viet/" + OTHER_SCHOOL_ARTICLE + "/buoc")
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "button[value=save]"))
    assert "Không tìm thấy" in browser.page_source
    # Nor can it create content for another school by naming it.
    browser.get(portal.base + "/quan-tri/bai-viet/moi")
    browser.execute_script("var o=document.createElement('option'); o.value='mn-van-khe'; o.selected=true;"
                           "document.getElementById('f-unit').appendChild(o);")
    browser.find_element(By.ID, "f-title").send_keys("Bài giả cho trường khác")
    browser.find_element(By.ID, "f-body_markdown").send_keys("x")
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "button[value=save]"))
    assert "Bạn không viết bài cho đơn vị này" in browser.page_source


def test_every_editor_screen_is_valid_html_and_has_no_serious_axe_violation(browser, portal, shots):
    import a11y
    browser.delete_all_cookies()
    screens = ["/quan-tri/dang-nhap", "/quan-tri/dang-nhap?lang=en"]
    pages = {portal.base + u: a11y.served_html(browser, portal.base + u) for u in screens}
    problems = {u: a11y.axe_check(browser, portal.base + u) for u in screens}
    # The principal of Trường Tiểu học Văn Yên: its article (with revisions) and every screen.
    sign_in(browser, portal, APPROVER)
    aid = write_article(browser, portal, "Bài để kiểm tra trợ năng")
    for path in ("/", "/bai-viet/moi", "/bai-viet/" + aid, "/bai-viet/" + aid + "/lich-su",
                 "/bai-viet/th-van-yen-ngay-phap-luat-2023", "/bai-viet/th-van-yen-ngay-phap-luat-2023/lich-su",
                 "/cau-hoi", "/van-ban", "/van-ban/moi", "/an-pham", "/an-pham/moi", "/tep", "/webhook", "/tap-huan"):
        for lang in ("", "?lang=en"):
            u = portal.base + "/quan-tri" + path + lang
            pages[u] = a11y.served_html(browser, u)
            problems[u] = a11y.axe_check(browser, u)
    browser.get(portal.base + "/quan-tri/webhook")
    browser.save_screenshot(str(shots / "editor-webhooks.png"))
    bad_axe = {u: v for u, v in problems.items() if v}
    assert bad_axe == {}, bad_axe
    bad_html = {u: e for u, e in a11y.vnu_check(pages).items() if e}
    assert bad_html == {}, bad_html


def test_a_webhook_is_added_in_the_editor_and_its_secret_shown_once(browser, portal):
    sign_in(browser, portal, APPROVER)
    browser.get(portal.base + "/quan-tri/webhook")
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "#them-webhook ~ form button[type=submit]"))
    assert "Địa chỉ" in browser.page_source and "field-error" in browser.page_source  # no URL: refused by the field
    browser.find_element(By.ID, "f-url").send_keys("ftp://127.0.0.1/nhan")
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "#them-webhook ~ form button[type=submit]"))
    assert "http" in browser.find_element(By.CSS_SELECTOR, ".field-error").text
    assert browser.find_element(By.ID, "f-url").get_attribute("value") == "ftp://127.0.0.1/nhan"  # kept
    url = browser.find_element(By.ID, "f-url")
    url.clear()
    url.send_keys("http://127.0.0.1:9/nhan-su-kien")
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "#them-webhook ~ form button[type=submit]"))
    notice = browser.find_element(By.CSS_SELECTOR, ".notice code").text
    assert re.fullmatch(r"[0-9a-f]{64}", notice), notice
    assert "http://127.0.0.1:9/nhan-su-kien" in browser.page_source
    browser.get(portal.base + "/quan-tri/webhook")
    assert notice not in browser.page_source  # shown once only


def test_sign_in_is_throttled_after_repeated_failures(browser, portal):
    browser.delete_all_cookies()
    for _ in range(5):
        browser.get(portal.base + "/quan-tri/dang-nhap")
        browser.find_element(By.ID, "f-username").send_keys("do.van.nam")
        browser.find_element(By.ID, "f-password").send_keys("khong-dung-mat-khau")
        click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
        assert "Tên đăng nhập hoặc mật khẩu không đúng" in browser.page_source
    browser.get(portal.base + "/quan-tri/dang-nhap")
    browser.find_element(By.ID, "f-username").send_keys("do.van.nam")
    browser.find_element(By.ID, "f-password").send_keys(passwords(portal)["do.van.nam"])
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
    assert "Đăng nhập sai quá nhiều lần" in browser.page_source  # even the right password waits
    # The username typed is kept.
    assert browser.find_element(By.ID, "f-username").get_attribute("value") == "do.van.nam"
