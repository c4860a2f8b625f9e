"""The JSON API's write side over HTTP: keys, rights per unit, malformed and invalid bodies,
optimistic versions, and that a failed write stores nothing."""
import json

import pytest

from apihelp import DIVISION, assert_json_error, copy_of, new_article, seed
from htmlcheck import Page


def article_ids(p, auth=True):
    ids, cursor = [], None
    while True:
        q = "/api/v1/articles?limit=100" + (f"&cursor={cursor}" if cursor else "")
        r = p.get(q, headers=p.auth() if auth else None)
        assert r.status == 200
        j = r.json()
        ids += [a["id"] for a in j["items"]]
        cursor = j["next_cursor"]
        if not cursor:
            return ids


def test_a_write_without_a_key_is_401_and_stores_nothing(portal):
    before = article_ids(portal)
    r = portal.request("POST", "/api/v1/articles", body=new_article("khong-khoa", "Không có khóa"))
    assert_json_error(r, {401})
    r = portal.request("POST", "/api/v1/articles", body=new_article("khoa-sai", "Khóa sai"),
                       headers={"Authorization": "Bearer khong-phai-khoa-that"})
    assert_json_error(r, {401})
    r = portal.request("POST", "/api/v1/articles", body=new_article("basic", "Basic"),
                       headers={"Authorization": "Basic YTpi"})
    assert_json_error(r, {401})
    r = portal.request("DELETE", "/api/v1/articles/gioi-thieu-kh19")
    assert_json_error(r, {401})
    assert article_ids(portal) == before
    assert portal.get("/api/v1/articles/gioi-thieu-kh19").status == 200


def test_a_write_on_a_unit_where_the_role_has_no_right_is_403(portal):
    before = article_ids(portal)
    # The division's approver has no rights over the city or the Department of Justice.
    for unit in ("ha-noi", "so-tu-phap-ha-noi"):
        r = portal.request("POST", "/api/v1/articles", body=new_article(f"ngoai-{unit}", "Ngoài quyền", unit=unit),
                           headers=portal.auth())
        assert_json_error(r, {403})
    # Nor may it move a division article to the city.
    cur = portal.get("/api/v1/articles/gioi-thieu-kh19", headers=portal.auth()).json()
    moved = dict(cur, unit="ha-noi")
    assert_json_error(portal.request("PUT", "/api/v1/articles/gioi-thieu-kh19", body=moved, headers=portal.auth()), {403})
    assert article_ids(portal) == before
    assert portal.get("/api/v1/articles/gioi-thieu-kh19", headers=portal.auth()).json() == cur


@pytest.mark.parametrize("body", [
    b"{", b"not json", b"", b"[]", b"null", b'{"id": 1}', b"\xff\xfe{}", b'{"id":"a"' + b"}" * 3,
    b'{"id": "x", "title": "\\ud800"}',
])
def test_malformed_json_is_400_with_a_json_error(portal, body):
    r = portal.request("POST", "/api/v1/articles", body=body,
                       headers=portal.auth({"Content-Type": "application/json"}))
    assert_json_error(r, {400, 422})


def test_a_validation_error_is_422_with_the_path_of_the_bad_field(portal):
    before = article_ids(portal)
    cases = {
        "/title": new_article("tieu-de-rong", ""),
        "/kind": new_article("loai-la", "Loại lạ", kind="khong-co-loai-nay"),
        "/id": new_article("Mã Có Dấu Cách", "Mã sai"),
    }
    for path, body in cases.items():
        r = portal.request("POST", "/api/v1/articles", body=body, headers=portal.auth())
        e = assert_json_error(r, {400, 422})
        paths = [e.get("path", "")] + [d.get("path", "") for d in e.get("details", [])]
        assert any(p.startswith(path) for p in paths), (path, e)
    assert article_ids(portal) == before


def test_a_stale_version_on_put_is_409_and_nothing_is_overwritten(fresh_portal):
    p = fresh_portal
    created = p.request("POST", "/api/v1/articles", body=new_article("phien-ban", "Phiên bản một"), headers=p.auth())
    assert created.status == 201, created.body
    v1 = created.json()
    assert created.header("location") == "/api/v1/articles/phien-ban"
    first = dict(v1, title="Phiên bản hai")
    r = p.request("PUT", "/api/v1/articles/phien-ban", body=first, headers=p.auth())
    assert r.status == 200, r.body
    v2 = r.json()
    assert v2["version"] > v1["version"]
    # A second writer still holding version 1 loses, and its title is not stored.
    stale = dict(v1, title="Ghi đè bằng bản cũ")
    assert_json_error(p.request("PUT", "/api/v1/articles/phien-ban", body=stale, headers=p.auth()), {409})
    now = p.get("/api/v1/articles/phien-ban").json()
    assert now["title"] == "Phiên bản hai" and now["version"] == v2["version"]
    page = p.get("/pbgdpl/bai-viet/phien-ban").text
    assert "Phiên bản hai" in page and "Ghi đè bằng bản cũ" not in page
    # Path and body ids must agree.
    assert_json_error(p.request("PUT", "/api/v1/articles/phien-ban", body=dict(v2, id="khac"), headers=p.auth()), {400})
    # Archiving with a stale version is refused too; with the current one it works.
    assert_json_error(p.request("DELETE", f"/api/v1/articles/phien-ban?version={v1['version']}", headers=p.auth()), {409})
    r = p.request("DELETE", f"/api/v1/articles/phien-ban?version={v2['version']}", headers=p.auth())
    assert r.status == 200 and r.json()["state"] == "archived"
    assert p.get("/api/v1/articles/phien-ban").status == 404
    assert p.get("/pbgdpl/bai-viet/phien-ban").status == 404


def test_without_a_key_unknown_ids_and_bad_bodies_are_401_too(portal):
    # Authentication comes first: an anonymous caller cannot probe which ids exist (a draft's,
    # say) nor learn the body's schema from 400/422 answers.
    body = new_article("khong-ton-tai", "Không tồn tại", version=1)
    assert_json_error(portal.request("PUT", "/api/v1/articles/khong-ton-tai", body=body), {401})
    assert_json_error(portal.request("DELETE", "/api/v1/articles/khong-ton-tai"), {401})
    assert_json_error(portal.request("POST", "/api/v1/articles", body=b"{"), {401})
    assert_json_error(portal.request("PUT", "/api/v1/articles/gioi-thieu-kh19", body=b"not json",
                                     headers={"Authorization": "Bearer khong-phai-khoa-that"}), {401})


def test_writes_on_unknown_ids_are_404(portal):
    body = new_article("khong-ton-tai", "Không tồn tại", version=1)
    assert_json_error(portal.request("PUT", "/api/v1/articles/khong-ton-tai", body=body, headers=portal.auth()), {404})
    assert_json_error(portal.request("DELETE", "/api/v1/articles/khong-ton-tai", headers=portal.auth()), {404})


def test_a_duplicate_id_is_refused(portal):
    body = new_article("gioi-thieu-kh19", "Trùng mã")
    r = portal.request("POST", "/api/v1/articles", body=body, headers=portal.auth())
    assert_json_error(r, {409, 400, 422})
    assert portal.get("/api/v1/articles/gioi-thieu-kh19").json()["title"] != "Trùng mã"


def test_the_public_reads_only_published_content(portal):
    pub = portal.get("/api/v1/articles?limit=100").json()["items"]
    assert pub and all(a["state"] == "published" for a in pub)
    assert portal.get("/api/v1/articles/mn-van-khe-be-vui-hoc-luat").status == 404
    assert portal.get("/api/v1/articles/mn-van-khe-be-vui-hoc-luat", headers=portal.auth()).status == 200
    # The asker's e-mail is not public.
    for q in portal.get("/api/v1/questions?limit=100").json()["items"]:
        assert "asker_email" not in q or not q["asker_email"]
    assert_json_error(portal.get("/api/v1/articles?limit=0"), {400})
    assert_json_error(portal.get("/api/v1/articles?limit=abc"), {400})
    assert_json_error(portal.get("/api/v1/articles?from=2023-13-45"), {400})
    assert_json_error(portal.get("/api/v1/articles?cursor=%27%20OR%201%3D1--"), {400})


def test_api_list_pagination_visits_every_item_once(fresh_portal):
    p = fresh_portal
    for i in range(12):
        r = p.request("POST", "/api/v1/articles", body=new_article(f"phan-trang-{i:02d}", f"Phân trang {i:02d}"),
                      headers=p.auth())
        assert r.status == 201, r.body
    seen, cursor, pages = [], None, 0
    while True:
        r = p.get("/api/v1/articles?limit=5&kind=activity_news" + (f"&cursor={cursor}" if cursor else ""))
        j = r.json()
        seen += [a["id"] for a in j["items"]]
        pages += 1
        cursor = j["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen))
    assert {f"phan-trang-{i:02d}" for i in range(12)} <= set(seen)
    assert pages >= 3
    # The category page paginates with ?sau= and reaches every article once.
    titles, url = [], "/pbgdpl/tin-hoat-dong/"
    for _ in range(10):
        page = Page(p.get(url).text)
        # Category pages head their items h2 under the h1 (the aside's h2 headings repeat on every page).
        titles += [t for lvl, t in page.headings if lvl == 2 and t.startswith("Phân trang")]
        nxt = [a["href"] for a in page.find("a") if a.get("rel") == "next"]
        if not nxt:
            break
        url = nxt[0].replace("&amp;", "&")
    assert len(titles) == len(set(titles))
    assert {f"Phân trang {i:02d}" for i in range(12)} <= set(titles)


def test_other_collections_accept_writes_from_the_division(fresh_portal):
    p = fresh_portal
    doc = copy_of("legal_documents", "kh-19-pgddt-2023", "kh-20-pgddt-2023", number="20/KH-PGDĐT")
    r = p.request("POST", "/api/v1/legal-documents", body=doc, headers=p.auth())
    assert r.status == 201, r.body
    assert "20/KH-PGDĐT" in p.get("/pbgdpl/van-ban/kh-20-pgddt-2023").text
    q = copy_of("questions", "hoi-xe-may-dien", "hoi-moi", title="Câu hỏi mới qua API")
    r = p.request("POST", "/api/v1/questions", body=q, headers=p.auth())
    assert r.status == 201, r.body
    assert "Câu hỏi mới qua API" in p.get("/pbgdpl/hoi-dap/hoi-moi").text
    m = copy_of("media", "anh-bia-kh19", "anh-moi", title="Ảnh mới")
    r = p.request("POST", "/api/v1/media", body=m, headers=p.auth())
    assert r.status == 201, r.body
    assert p.get("/api/v1/media/anh-moi").json()["title"] == "Ảnh mới"


@pytest.mark.parametrize("content_type", [
    "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "text/plain", None,
    "application/json; charset=iso-8859-1",
])
def test_a_write_whose_body_is_not_json_is_415_and_stores_nothing(portal, content_type):
    # What an HTML form on any site can post without asking first: never read as JSON, even when
    # the text inside is JSON (issue 11: a form-encoded body was accepted as JSON).
    before = article_ids(portal)
    body = json.dumps(new_article("bieu-mau", "Biểu mẫu"), ensure_ascii=False).encode("utf-8")
    headers = portal.auth({"Content-Type": content_type} if content_type else {})
    r = portal.request("POST", "/api/v1/articles", body=body, headers=headers)
    assert_json_error(r, {415})
    cur = portal.get("/api/v1/articles/gioi-thieu-kh19", headers=portal.auth()).body
    r = portal.request("PUT", "/api/v1/articles/gioi-thieu-kh19", body=cur, headers=headers)
    assert_json_error(r, {415})
    assert article_ids(portal) == before


def test_a_create_without_an_id_gets_one_and_its_location(fresh_portal):
    p = fresh_portal
    body = new_article("x", "Bài không có mã")
    del body["id"]
    r = p.request("POST", "/api/v1/articles", body=body, headers=p.auth())
    assert r.status == 201, r.body
    new_id = r.json()["id"]
    assert len(new_id) == 32 and r.header("location") == f"/api/v1/articles/{new_id}"
    assert p.get(r.header("location")).json()["title"] == "Bài không có mã"


def test_document_families_through_the_api(fresh_portal):
    """Issue 13: an administrative document with a validity status is a 422 with both messages;
    a normative one carries its status; the family, period and a three-line signer block go
    through the API and back as written."""
    p = fresh_portal
    bad = copy_of("legal_documents", "kh-19-pgddt-2023", "kh-21-pgddt-2023", number="21/KH-PGDĐT", status="in_force")
    e = assert_json_error(p.request("POST", "/api/v1/legal-documents", body=bad, headers=p.auth()), (400, 422))
    assert "tình trạng hiệu lực" in e["message"] and "validity status" in e["message_en"]
    assert e["path"] == "/status"
    assert p.get("/api/v1/legal-documents/kh-21-pgddt-2023").status == 404
    # Leaving the family out does not let the status slip through: the type decides the family.
    quiet = copy_of("legal_documents", "kh-19-pgddt-2023", "kh-25-pgddt-2023", number="25/KH-PGDĐT", status="in_force")
    quiet.pop("family", None)
    e = assert_json_error(p.request("POST", "/api/v1/legal-documents", body=quiet, headers=p.auth()), (400, 422))
    assert e["path"] == "/status"
    assert p.get("/api/v1/legal-documents/kh-25-pgddt-2023").status == 404
    # A plan declared normative is refused too.
    wrong = copy_of("legal_documents", "kh-19-pgddt-2023", "kh-22-pgddt-2023", number="22/KH-PGDĐT", family="normative")
    e = assert_json_error(p.request("POST", "/api/v1/legal-documents", body=wrong, headers=p.auth()), (400, 422))
    assert e["path"] == "/family"
    ok = copy_of("legal_documents", "kh-19-pgddt-2023", "kh-23-pgddt-2023", number="23/KH-PGDĐT",
                 signed_by={"authority": "kt", "authority_title": "CHỦ TỊCH", "position": "PHÓ CHỦ TỊCH",
                            "name": "Nguyễn Văn A", "above": [{"authority": "tm", "title": "ỦY BAN NHÂN DÂN"}]})
    r = p.request("POST", "/api/v1/legal-documents", body=ok, headers=p.auth())
    assert r.status == 201, r.body
    back = p.get("/api/v1/legal-documents/kh-23-pgddt-2023").json()
    assert back["family"] == "administrative" and "status" not in back
    assert (back["period_from"], back["period_to"]) == (2023, 2027)
    assert back["signed_by"]["above"] == [{"authority": "tm", "title": "ỦY BAN NHÂN DÂN"}]
    law = p.get("/api/v1/legal-documents/luat-pbgdpl-2012").json()
    assert law["family"] == "normative" and law["status"] == "in_force" and law["type_code"] == "Luật"
    # Five title lines: refused.
    deep = copy_of("legal_documents", "kh-19-pgddt-2023", "kh-24-pgddt-2023", number="24/KH-PGDĐT",
                   signed_by={"authority": "kt", "authority_title": "CHỦ TỊCH", "position": "PHÓ CHỦ TỊCH", "name": "A",
                              "above": [{"authority": "tm", "title": "X"}, {"authority": "tl", "title": "Y"},
                                        {"authority": "tuq", "title": "Z"}]})
    e = assert_json_error(p.request("POST", "/api/v1/legal-documents", body=deep, headers=p.auth()), (400, 422))
    assert "tối đa 4" in e["message"] and "at most 4" in e["message_en"]
