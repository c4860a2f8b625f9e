"""Legal Q&A over real HTTP (issue 14): the public question form, its anti-spam checks and rate,
the asker's private follow link, and the way from an answer to the questions page and search."""
import re
import time
import urllib.parse

import pytest

from htmlcheck import Page
from portal_proc import Portal

FORM = "/pbgdpl/hoi-dap/gui-cau-hoi"
XSS = '<script>alert(1)</script>"><img src=x onerror=alert(1)>'
FORM_TYPE = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture(scope="module")
def portal():
    # Behind a "proxy" at 127.0.0.1: each test names its own client in X-Forwarded-For, so the
    # per-client rate of one test does not spend another's.
    p = Portal(args=["--trusted-proxy", "127.0.0.1"]).start()
    try:
        yield p
        assert p.alive(), p.log_path.read_text(errors="replace")
        assert p.stop() == 0
    finally:
        p.cleanup()


def client(n):
    return {"X-Forwarded-For": f"198.51.100.{n}"}


def token_of(html):
    m = re.search(r'name="form_token" value="([^"]+)"', html)
    assert m, "the form carries its signed token"
    return m.group(1)


def fresh_token(portal, path=FORM, n=1):
    r = portal.get(path, headers=client(n))
    assert r.status == 200, r
    return token_of(r.text)


def fields(token, **over):
    f = {"name": "Lê Văn Cường", "email": "cuong@example.org", "phone": "0000 000 000",
         "title": "Hỏi về giờ học thêm", "question": "Nhà trường có được tổ chức dạy thêm trong trường không?",
         "category": "Giáo dục", "website": "", "form_token": token}
    f.update(over)
    return f


def post(portal, f, n, path=FORM):
    h = dict(FORM_TYPE)
    h.update(client(n))
    return portal.request("POST", path, body=urllib.parse.urlencode(f), headers=h)


def heading_levels_ok(html):
    last = 0
    for level, _ in Page(html).headings:
        if level > last + 1:
            return False
        last = level
    return True


def inert(html, where):
    p = Page(html)
    assert not p.dangers(), (where, p.dangers())
    for bad in ("<script>alert", "<img src=x"):
        assert bad not in html, (where, bad)
    return p


def test_the_form_labels_every_input_is_never_cached_and_skips_no_heading(portal):
    for path, lang in ((FORM, "vi"), (FORM + "?lang=en", "en")):
        r = portal.get(path, headers=client(1))
        assert r.status == 200
        assert r.header("cache-control") == "no-store"
        p = Page(r.text)
        assert p.html_lang() == lang
        labels = {a.get("for") for a in p.find("label")}
        for name in ("name", "email", "phone", "title", "question", "category"):
            ids = [a.get("id") for t, a in p.tags if t in ("input", "textarea") and a.get("name") == name]
            assert ids and ids[0] in labels, name
        form = p.find("form", method="post")
        assert form and form[0]["action"].endswith(FORM + ("?lang=en" if lang == "en" else ""))
        assert heading_levels_ok(r.text)
    # The questions page and the section's home lead to it (no ask_url is set in the demo).
    for path in ("/pbgdpl/hoi-dap-phap-luat/", "/pbgdpl/"):
        p = Page(portal.get(path).text)
        assert [a for a in p.find("a") if a.get("class") == "ask" and a.get("href") == FORM], path
    # The division that ended sends its askers to the form of the unit that took it over.
    p = Page(portal.get("/don-vi/pgddt-ha-dong/pbgdpl/hoi-dap-phap-luat/").text)
    asks = [a["href"] for a in p.find("a") if a.get("class") == "ask"]
    assert asks and all(h.endswith(FORM) and "pgddt-ha-dong" not in h for h in asks), asks
    assert portal.get("/don-vi/pgddt-ha-dong" + FORM).status == 404


def test_the_questions_category_page_skips_no_heading_level(portal):
    for path in ("/pbgdpl/hoi-dap-phap-luat/", "/pbgdpl/hoi-dap-phap-luat/?lang=en",
                 "/don-vi/pgddt-ha-dong/pbgdpl/hoi-dap-phap-luat/", "/don-vi/th-van-yen/pbgdpl/hoi-dap-phap-luat/"):
        r = portal.get(path)
        assert r.status == 200, path
        assert heading_levels_ok(r.text), (path, Page(r.text).headings)


def test_missing_fields_get_errors_next_to_them_and_keep_what_was_typed(portal):
    token = fresh_token(portal, n=10)
    time.sleep(3.2)
    before = len(portal.get("/api/v1/questions?limit=100&state=asked", headers=portal.auth()).json()["items"])
    r = post(portal, fields(token, name="", question="", email="khong-phai-email", title="Tiêu đề giữ lại ♥"), 10)
    assert r.status == 400
    p = Page(r.text)
    for name, err in (("name", "ask-name-error"), ("question", "ask-question-error"), ("email", "ask-email-error")):
        field = [a for t, a in p.tags if t in ("input", "textarea") and a.get("name") == name][0]
        assert field.get("aria-describedby") == err and field.get("aria-invalid") == "true", name
        assert [a for a in p.find("span") if a.get("id") == err], err
    title = [a for t, a in p.tags if t == "input" and a.get("name") == "title"][0]
    assert title["value"] == "Tiêu đề giữ lại ♥" and "aria-invalid" not in title
    assert "Tên người hỏi" in p.text
    r = post(portal, fields(token, name=""), 10, FORM + "?lang=en")
    assert r.status == 400 and "Asker name" in Page(r.text).text
    # Hostile text in every field comes back escaped, in the inputs and the textarea alike.
    hostile = {k: XSS for k in ("email", "phone", "title", "question", "category")}
    r = post(portal, fields(token, name="", **hostile), 10)
    assert r.status == 400
    p = inert(r.text, "the form shown again")
    kept = [a.get("value") for t, a in p.tags if t == "input" and a.get("name") in ("email", "title", "category")]
    assert kept == [XSS, XSS, XSS]
    assert XSS in p.text  # the textarea's content, as text
    after = len(portal.get("/api/v1/questions?limit=100&state=asked", headers=portal.auth()).json()["items"])
    assert after == before, "a question that fails a check is not stored"


def test_the_honeypot_and_bad_tokens_are_refused(portal):
    token = fresh_token(portal, n=20)
    # Too soon after the form was served.
    r = post(portal, fields(token), 20)
    assert r.status == 400 and "quá nhanh" in r.text
    time.sleep(3.2)
    before = len(portal.get("/api/v1/questions?limit=100&state=asked", headers=portal.auth()).json()["items"])
    r = post(portal, fields(token, website="http://spam.example/"), 20)
    assert r.status == 400 and "ô cần để trống" in r.text
    forged = token[:-1] + ("1" if token[-1] == "0" else "0")
    assert post(portal, fields(forged), 20).status == 403
    assert post(portal, fields(""), 20).status == 403
    # Another unit's form token is not this form's.
    other = fresh_token(portal, "/don-vi/th-van-yen" + FORM, n=20)
    time.sleep(3.2)
    assert post(portal, fields(other), 20).status == 403
    # Not a form post.
    h = {"Content-Type": "application/json"}
    h.update(client(20))
    assert portal.request("POST", FORM, body={"name": "x"}, headers=h).status == 415
    after = len(portal.get("/api/v1/questions?limit=100&state=asked", headers=portal.auth()).json()["items"])
    assert after == before


def test_a_token_from_another_site_is_refused(portal, fresh_portal):
    foreign = fresh_token(fresh_portal)
    time.sleep(3.2)
    r = post(portal, fields(foreign), 30)
    assert r.status == 403
    assert "không phải của trang này" in r.text


def test_too_many_posts_from_one_client_get_a_429_page_in_both_languages(portal):
    statuses = []
    for _ in range(12):
        r = post(portal, fields("x"), 40)
        statuses.append(r.status)
        if r.status == 429:
            break
    assert statuses[-1] == 429, statuses
    assert int(r.header("retry-after")) >= 1
    assert r.header("content-type").startswith("text/html")
    assert "Bạn đã gửi quá nhiều câu hỏi" in r.text
    en = post(portal, fields("x"), 40, FORM + "?lang=en")
    assert en.status == 429 and "too many questions" in en.text
    # Another client is not limited by this one.
    assert post(portal, fields("x"), 41).status == 403


def test_a_question_from_the_form_is_followed_answered_published_and_found(portal):
    marker = "zqhoidapx"
    token = fresh_token(portal, n=50)
    time.sleep(3.2)
    f = fields(token, name=f"Người hỏi {XSS}", email="hoi@example.org", phone=f"0000 {XSS}",
               title=f"{marker} Câu hỏi {XSS}", question=f"Nội dung {marker}\n\n{XSS}", category=f"Giáo dục {XSS}")
    r = post(portal, f, 50)
    if r.status == 400:  # the phone field may refuse markup: the rest is the same test
        f["phone"] = "0000 000 000"
        r = post(portal, f, 50)
    assert r.status == 200, r.text[:2000]
    assert r.header("cache-control") == "no-store"
    assert r.header("referrer-policy") == "no-referrer"
    inert(r.text, "thank-you page")
    m = re.search(r'href="(https?://[^"/]+)(/pbgdpl/hoi-dap/theo-doi/([0-9a-f]{64}))"', r.text)
    assert m, "the thank-you page shows the private follow link"
    follow, secret = m.group(2), m.group(3)

    r = portal.get(follow)
    assert r.status == 200
    assert r.header("cache-control") == "no-store"
    assert r.header("referrer-policy") == "no-referrer"
    assert "noindex" in r.header("x-robots-tag")
    p = inert(r.text, "follow page")
    assert "Chờ trả lời" in p.text
    assert "hoi@example.org" not in r.text
    assert "Awaiting an answer" in portal.get(follow + "?lang=en").text
    wrong = follow[:-1] + ("b" if follow[-1] == "a" else "a")
    assert portal.get(wrong).status == 404
    assert portal.get("/pbgdpl/hoi-dap/theo-doi/" + "0" * 64).status == 404

    # The moderator's API view: contact details, never the follow hash.
    items = portal.get("/api/v1/questions?limit=100&state=asked", headers=portal.auth()).json()["items"]
    q = [x for x in items if x["title"].startswith(marker)]
    assert len(q) == 1
    q = q[0]
    assert q["asker_email"] == "hoi@example.org"
    assert "follow_hash" not in q
    one = portal.get("/api/v1/questions/" + q["id"], headers=portal.auth())
    assert "follow_hash" not in one.json() and secret not in one.text

    # Answered through the API; a follow_hash the client sends is not taken.
    q["state"] = "answered"
    q["answer_markdown"] = f"Trả lời: **không được** {XSS}"
    q["follow_hash"] = "0" * 64
    r = portal.request("PUT", "/api/v1/questions/" + q["id"], body=q, headers=portal.auth())
    assert r.status == 200, r.text
    assert "follow_hash" not in r.json()
    r = portal.get(follow)
    assert r.status == 200, "the asker's link still works: the client's follow_hash was ignored"
    p = inert(r.text, "follow page, answered")
    assert "Đã trả lời" in p.text and "không được" in p.text
    assert portal.get("/pbgdpl/hoi-dap/theo-doi/" + "0" * 64).status == 404

    # Published: on the questions page, in search, and the follow page links to it.
    q = r_json = portal.get("/api/v1/questions/" + q["id"], headers=portal.auth()).json()
    q["state"] = "published"
    r = portal.request("PUT", "/api/v1/questions/" + q["id"], body=q, headers=portal.auth())
    assert r.status == 200, r.text
    p = inert(portal.get(follow).text, "follow page, published")
    assert "Đã công bố" in p.text
    assert [a for a in p.find("a") if a.get("href") == "/pbgdpl/hoi-dap/" + q["id"]]
    r = portal.get("/pbgdpl/hoi-dap-phap-luat/")
    assert marker in r.text
    inert(r.text, "questions page")
    assert heading_levels_ok(r.text)
    r = portal.get("/tim-kiem?q=" + marker)
    assert "/pbgdpl/hoi-dap/" + q["id"] in r.text
    inert(r.text, "search")
    r = portal.get("/pbgdpl/hoi-dap/" + q["id"])
    assert r.status == 200
    inert(r.text, "question page")
    assert "hoi@example.org" not in r.text
    pub = portal.get("/api/v1/questions/" + q["id"])
    assert "follow_hash" not in pub.json() and "asker_email" not in pub.json() or pub.json().get("asker_email") == ""
