"""Training and channel records (issue 17 item 2) over HTTP: the JSON API's four collections
(/api/v1/training-courses, attendances, channels, channel-posts) and the editor's screen
/quan-tri/tap-huan. Who reads what (attendance names people: never the public), who writes where
(edit_content at the record's unit), the links an attendance and a post must have, bad input
refused with a bilingual message and nothing written, a hostile name escaped in the page."""
import json
import re
import urllib.error
import urllib.request

import pytest

from apihelp import DIVISION, assert_json_error
from editorhelp import EditorClient
from htmlcheck import Page

SCHOOL = "th-van-yen"
OTHER_SCHOOL = "th-le-loi"
SEED_ATTENDANCE = "tap-huan-2023-nguyen-thi-lan"  # th-van-yen's teacher at the old division's course


def passwords(p):
    out = {}
    for line in (p.data_dir / "demo-accounts.txt").read_text().splitlines():
        u, pw = line.split()
        out[u] = pw
    return out


def editor_as(p, user):
    c = EditorClient(p.base)
    c.sign_in(user, passwords(p)[user])
    return c


def session_api(p, client, method, path, body=None):
    """A JSON API call with the editor's session cookie, from the portal's own origin."""
    data = json.dumps(body, ensure_ascii=False).encode() if body is not None else None
    req = urllib.request.Request(p.base + path, data=data, method=method,
                                 headers={"Origin": p.base, "Content-Type": "application/json"})
    try:
        with client.opener.open(req, timeout=30) as r:
            return r.status, json.loads(r.read().decode() or "null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read().decode() or "null")


def all_ids(p, collection, headers=None):
    ids, cursor = [], None
    while True:
        r = p.get(f"/api/v1/{collection}?limit=100" + (f"&cursor={cursor}" if cursor else ""), headers=headers)
        assert r.status == 200, r.body
        j = r.json()
        ids += [x["id"] for x in j["items"]]
        cursor = j["next_cursor"]
        if not cursor:
            return sorted(ids)


def course(id_, unit=DIVISION, **over):
    c = {"id": id_, "title": "Tập huấn kỹ năng tuyên truyền pháp luật " + id_, "organizer": "Phòng Văn hóa - Xã hội",
         "unit": unit, "mode": "in_person", "starts_on": "2026-03-10", "ends_on": "2026-03-11", "hours": 8, "sessions": 2}
    c.update(over)
    return c


def counts(p):
    h = p.auth()
    return {k: all_ids(p, k, h) for k in ("training-courses", "attendances", "channels", "channel-posts")}


def test_the_api_writes_and_reads_the_four_collections(portal):
    h = portal.auth()  # the division's approver (vhxh-phuong-ha-dong)
    r = portal.request("POST", "/api/v1/training-courses", body=course("th-api-1"), headers=h)
    assert r.status == 201, r.body
    assert r.header("location", "").endswith("/api/v1/training-courses/th-api-1")
    assert r.json()["sessions"] == 2
    # Someone of the ward office at its own course.
    a = {"course": "th-api-1", "unit": DIVISION, "person_name": "Lê Thu Trang", "position": "Chuyên viên",
         "status": "completed", "completed_on": "2026-03-11"}
    r = portal.request("POST", "/api/v1/attendances", body=a, headers=h)
    assert r.status == 201, r.body
    att_id = r.json()["id"]
    assert att_id
    ch = {"id": "hotline-vhxh-ha-dong", "kind": "hotline", "name": "Đường dây nóng Phòng VH-XH", "phone": "024 3382 0000",
          "unit": DIVISION}
    assert portal.request("POST", "/api/v1/channels", body=ch, headers=h).status == 201
    post = {"channel": "hotline-vhxh-ha-dong", "unit": DIVISION, "posted_at": "2026-04-01T09:00:00+07:00",
            "title": "Giải đáp pháp luật qua điện thoại"}
    r = portal.request("POST", "/api/v1/channel-posts", body=post, headers=h)
    assert r.status == 201, r.body
    # Read back with the key; filtered by course.
    got = portal.get("/api/v1/attendances?category=th-api-1", headers=h).json()["items"]
    assert [x["id"] for x in got] == [att_id]
    # Channels and posts are public; courses and attendance are not.
    assert portal.get("/api/v1/channels/hotline-vhxh-ha-dong").status == 200
    assert "hotline-vhxh-ha-dong" in all_ids(portal, "channels")
    assert any(x["channel"] == "hotline-vhxh-ha-dong" for x in portal.get("/api/v1/channel-posts?unit=" + DIVISION).json()["items"])
    for path in ("/api/v1/attendances", "/api/v1/attendances/" + att_id, "/api/v1/training-courses",
                 "/api/v1/training-courses/th-api-1", "/api/v1/attendances/" + SEED_ATTENDANCE):
        assert_json_error(portal.get(path), {401})
    # An update keeps the rules; an archive works as for other kinds.
    cur = portal.get("/api/v1/training-courses/th-api-1", headers=h).json()
    r = portal.request("PUT", "/api/v1/training-courses/th-api-1", body=dict(cur, sessions=3), headers=h)
    assert r.status == 200 and r.json()["sessions"] == 3, r.body
    # The OpenAPI document names the collections.
    doc = portal.get("/api/openapi.json").json()
    for c in ("training-courses", "attendances", "channels", "channel-posts"):
        assert "/api/v1/" + c in doc["paths"] and "/api/v1/" + c + "/{id}" in doc["paths"], c


def test_a_stranger_reads_no_attendance_and_a_school_only_its_own(portal):
    # Anonymous: 401 on the list and on one record (names of people).
    assert_json_error(portal.get("/api/v1/attendances?unit=" + SCHOOL), {401})
    # A signage operator at another school (thcs-van-yen) reads its own school's, not th-van-yen's.
    op = editor_as(portal, "do.van.nam")
    st, body = session_api(portal, op, "GET", "/api/v1/attendances/" + SEED_ATTENDANCE)
    assert st == 404, body
    st, body = session_api(portal, op, "GET", "/api/v1/attendances?unit=" + SCHOOL)
    assert st == 200 and body["items"] == [], body
    # th-van-yen's editor reads it; the division above reads it too.
    ed = editor_as(portal, "nguyen.thi.lan")
    st, body = session_api(portal, ed, "GET", "/api/v1/attendances/" + SEED_ATTENDANCE)
    assert st == 200 and body["person_name"] == "Nguyễn Thị Lan", body
    assert portal.get("/api/v1/attendances/" + SEED_ATTENDANCE, headers=portal.auth()).status == 200


def test_a_school_editor_cannot_write_another_schools_course(portal):
    before = counts(portal)
    ed = editor_as(portal, "nguyen.thi.lan")  # th-van-yen
    st, body = session_api(portal, ed, "POST", "/api/v1/training-courses", course("la-truong-khac", unit=OTHER_SCHOOL))
    assert st == 403, body
    assert body["error"]["message"] and body["error"]["message_en"]
    # The division may not write a school's record either (edit_content is the unit's own).
    r = portal.request("POST", "/api/v1/training-courses", body=course("div-cho-truong", unit=OTHER_SCHOOL), headers=portal.auth())
    assert_json_error(r, {403})
    # Nor through the editor's form, even with the option forged in.
    ed.get("/quan-tri/tap-huan")
    ed.submit(action="/quan-tri/tap-huan/khoa", c_unit=OTHER_SCHOOL, c_title="Khóa giả", c_mode="in_person",
              c_starts_on="2026-03-01", c_ends_on="2026-03-01", c_sessions="1")
    assert "Bạn không ghi được nội dung của đơn vị này" in ed.page
    # Its own school's course is written.
    st, body = session_api(portal, ed, "POST", "/api/v1/training-courses", course("th-van-yen-api", unit=SCHOOL))
    assert st == 201, body
    after = counts(portal)
    assert after["training-courses"] == sorted(before["training-courses"] + ["th-van-yen-api"])


BAD = [
    ("training-courses", course("am-gio", hours=-5), "/hours"),
    ("training-courses", course("khong-buoi", sessions=0), "/sessions"),
    ("training-courses", course("nguoc", starts_on="2026-03-11", ends_on="2026-03-10"), "/ends_on"),
    ("training-courses", course("truc-tuyen", mode="online"), "/url"),  # an online course has its URL
    ("attendances", {"course": "khong-co-khoa-nay", "unit": DIVISION, "person_name": "A", "status": "attended"}, "/course"),
    ("attendances", {"course": "tap-huan-cntt-pbgdpl-2023", "unit": DIVISION, "person_name": "A", "status": "completed"},
     "/completed_on"),
    ("channels", {"kind": "hotline", "name": "Không số", "unit": DIVISION}, "/phone"),
    ("channel-posts", {"channel": "khong-co-kenh", "unit": DIVISION, "posted_at": "2026-04-01T09:00:00+07:00"}, "/channel"),
]


@pytest.mark.parametrize("collection,body,path", BAD, ids=[b[2] + " " + b[0] for b in BAD])
def test_bad_input_is_a_4xx_with_a_bilingual_message_and_writes_nothing(portal, collection, body, path):
    before = counts(portal)
    r = portal.request("POST", "/api/v1/" + collection, body=body, headers=portal.auth())
    e = assert_json_error(r, {400, 422})
    blob = json.dumps(r.json(), ensure_ascii=False)
    assert path in blob, blob
    assert counts(portal) == before


def test_an_attendance_of_a_course_of_another_branch_and_a_post_on_another_units_channel_are_refused(portal):
    h = portal.auth()
    before = counts(portal)
    # The ward office of Dương Nội has nothing to do with Hà Đông's course (not below it).
    assert portal.request("POST", "/api/v1/training-courses", body=course("khoa-duong-noi", unit=DIVISION), headers=h).status == 201
    before["training-courses"] = sorted(before["training-courses"] + ["khoa-duong-noi"])
    ed = editor_as(portal, "nguyen.thi.lan")
    # th-van-yen's editor records its teacher at the ward office's course: below it, allowed.
    st, body = session_api(portal, ed, "POST", "/api/v1/attendances",
                           {"course": "khoa-duong-noi", "unit": SCHOOL, "person_name": "Trần Văn B", "status": "registered"})
    assert st == 201, body
    before["attendances"] = sorted(before["attendances"] + [body["id"]])
    # A course of th-van-yen is not attended "from" the ward office above it.
    st, body = session_api(portal, ed, "POST", "/api/v1/training-courses", course("khoa-rieng-truong", unit=SCHOOL))
    assert st == 201, body
    before["training-courses"] = sorted(before["training-courses"] + ["khoa-rieng-truong"])
    r = portal.request("POST", "/api/v1/attendances", headers=h,
                       body={"course": "khoa-rieng-truong", "unit": DIVISION, "person_name": "C", "status": "registered"})
    e = assert_json_error(r, {400, 422})
    assert e.get("path") == "/unit", e
    # A post of the ward office on th-van-yen's Facebook page.
    r = portal.request("POST", "/api/v1/channel-posts", headers=h,
                       body={"channel": "facebook-th-van-yen", "unit": DIVISION, "posted_at": "2026-04-01T09:00:00+07:00"})
    assert_json_error(r, {400, 403, 422})
    assert counts(portal) == before


def test_the_editor_screen_adds_a_course_a_participant_a_channel_and_a_post(portal):
    ed = editor_as(portal, "nguyen.thi.lan")
    page = ed.get("/quan-tri/")
    assert "/quan-tri/tap-huan" in page  # linked from the navigation
    page = ed.get("/quan-tri/tap-huan")
    assert "<h1>Tập huấn và kênh truyền thông</h1>" in page
    assert "Trường Tiểu học Văn Yên" in page  # the seed's channel is listed
    assert 'lang="en"' in ed.get("/quan-tri/tap-huan?lang=en") and "Training and channels" in ed.page
    ed.get("/quan-tri/tap-huan")
    ed.submit(action="/quan-tri/tap-huan/khoa", c_unit=SCHOOL, c_title="Tập huấn Luật Trẻ em cho giáo viên",
              c_organizer="Trường Tiểu học Văn Yên", c_mode="in_person", c_starts_on="2026-04-02", c_ends_on="2026-04-03",
              c_hours="6", c_sessions="3")
    assert "Đã thêm khóa tập huấn." in ed.page, ed.page[:3000]
    assert "Tập huấn Luật Trẻ em cho giáo viên" in ed.page
    courses = session_api(portal, ed, "GET", "/api/v1/training-courses?unit=" + SCHOOL)[1]["items"]
    mine = [c for c in courses if c["title"] == "Tập huấn Luật Trẻ em cho giáo viên"]
    assert len(mine) == 1 and mine[0]["sessions"] == 3 and mine[0]["hours"] == 6 and mine[0]["mode"] == "in_person"
    cid = mine[0]["id"]
    # A participant whose name is hostile: stored as typed, shown as text.
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    ed.submit(action="/quan-tri/tap-huan/hoc-vien", a_course=cid, a_unit=SCHOOL, a_person_name=hostile,
              a_position="Giáo viên", a_status="attended")
    assert "Đã thêm người tham dự." in ed.page, ed.page[:3000]
    assert "&lt;script&gt;" in ed.page
    assert all(d[0] == "script element" and d[1].get("src", "").endswith("/editor.js") for d in Page(ed.page).dangers())
    assert not re.search(r"<img[^>]*onerror", ed.page)
    people = session_api(portal, ed, "GET", "/api/v1/attendances?category=" + cid)[1]["items"]
    assert [p["person_name"] for p in people] == [hostile]
    # The course row counts one participant, trained.
    assert "1 (1)" in ed.page
    # Mark completion.
    ed.submit(action="/quan-tri/tap-huan/hoan-thanh", attendance=people[0]["id"], completed_on="2026-04-03")
    assert "Đã đánh dấu hoàn thành." in ed.page, ed.page[:3000]
    one = session_api(portal, ed, "GET", "/api/v1/attendances/" + people[0]["id"])[1]
    assert one["status"] == "completed" and one["completed_on"] == "2026-04-03"
    # A hotline, then a post on it.
    ed.submit(action="/quan-tri/tap-huan/kenh", k_unit=SCHOOL, k_kind="hotline", k_name="Đường dây nóng TH Văn Yên",
              k_phone="024 3355 1234")
    assert "Đã thêm kênh." in ed.page, ed.page[:3000]
    chans = [c for c in portal.get("/api/v1/channels?unit=" + SCHOOL).json()["items"] if c["kind"] == "hotline"]
    assert len(chans) == 1 and chans[0]["phone"] == "024 3355 1234"
    ed.submit(action="/quan-tri/tap-huan/bai-dang", p_channel=chans[0]["id"], p_posted_on="2026-04-05",
              p_title="Giải đáp về an toàn giao thông")
    assert "Đã ghi nhận bài đăng." in ed.page, ed.page[:3000]
    posts = portal.get("/api/v1/channel-posts?category=" + chans[0]["id"]).json()["items"]
    assert [p["title"] for p in posts] == ["Giải đáp về an toàn giao thông"]
    assert posts[0]["posted_at"].startswith("2026-04-05")


@pytest.mark.parametrize("fields,field", [
    (dict(c_sessions="0"), "c_sessions"),
    (dict(c_hours="-3"), "c_hours"),
    (dict(c_ends_on="2026-04-01"), "c_ends_on"),
    (dict(c_title=""), "c_title"),
    (dict(c_starts_on="2026-13-45"), "c_starts_on"),  # kept as typed, in a text box (a date box holds valid dates only)
])
def test_the_editor_refuses_a_bad_course_with_the_error_by_its_field_and_writes_nothing(portal, fields, field):
    ed = editor_as(portal, "nguyen.thi.lan")
    before = session_api(portal, ed, "GET", "/api/v1/training-courses?unit=" + SCHOOL + "&limit=100")[1]["items"]
    ed.get("/quan-tri/tap-huan?lang=en")
    values = dict(c_unit=SCHOOL, c_title="Khóa sai", c_mode="in_person", c_starts_on="2026-04-02", c_ends_on="2026-04-03",
                  c_hours="2", c_sessions="1")
    values.update(fields)
    ed.submit(action="/quan-tri/tap-huan/khoa?lang=en", **values)
    assert "Not saved" in ed.page, ed.page[:3000]
    assert f'id="f-{field}-error"' in ed.page and f'id="f-{field}"' in ed.page, ed.page[:4000]
    if field == "c_starts_on":
        assert '<input type="text" id="f-c_starts_on" name="c_starts_on"' in ed.page and 'value="2026-13-45"' in ed.page
    after = session_api(portal, ed, "GET", "/api/v1/training-courses?unit=" + SCHOOL + "&limit=100")[1]["items"]
    assert after == before


def test_the_editor_refuses_a_participant_of_an_unknown_course(portal):
    ed = editor_as(portal, "nguyen.thi.lan")
    before = session_api(portal, ed, "GET", "/api/v1/attendances?unit=" + SCHOOL + "&limit=100")[1]["items"]
    ed.get("/quan-tri/tap-huan")
    ed.submit(action="/quan-tri/tap-huan/hoc-vien", a_course="khong-co-khoa-nay", a_unit=SCHOOL, a_person_name="Người thử",
              a_status="attended")
    assert "Không có khóa tập huấn khong-co-khoa-nay" in ed.page, ed.page[:3000]
    after = session_api(portal, ed, "GET", "/api/v1/attendances?unit=" + SCHOOL + "&limit=100")[1]["items"]
    assert after == before


def test_an_editor_form_without_the_csrf_token_is_refused_and_writes_nothing(portal):
    ed = editor_as(portal, "nguyen.thi.lan")
    before = counts(portal)
    for action, fields in (("/quan-tri/tap-huan/khoa", dict(c_unit=SCHOOL, c_title="Không có mã", c_mode="in_person",
                                                            c_starts_on="2026-04-02", c_ends_on="2026-04-03", c_sessions="1")),
                           ("/quan-tri/tap-huan/kenh", dict(k_unit=SCHOOL, k_kind="hotline", k_name="Không mã", k_phone="1")),
                           ("/quan-tri/tap-huan/hoan-thanh", dict(attendance=SEED_ATTENDANCE, completed_on="2026-04-03"))):
        for csrf in (None, "0" * 64):
            values = dict(fields)
            if csrf:
                values["csrf"] = csrf
            ed._post(action, list(values.items()))
            assert "CSRF" in ed.page, (action, ed.page[:2000])
    assert counts(portal) == before
