"""Building API bodies from the seed's own records, so the tests write what the model accepts."""
import copy
import datetime
import json

from portal_proc import SEED_DIR

# The unit that manages the schools today: the Hà Đông ward's office of culture and society, which
# took over the Hà Đông education division's duties on 1 July 2025 (the division's own pages stay
# as an archive nobody writes to). The division's approver account holds a grant there too.
DIVISION = "vhxh-phuong-ha-dong"
APPROVER = "acc-division-approver"


def seed(name):
    return json.loads((SEED_DIR / f"{name}.json").read_text(encoding="utf-8"))


def seed_one(name, id_):
    return next(x for x in seed(name) if x["id"] == id_)


def now_iso(offset_seconds=0):
    tz = datetime.timezone(datetime.timedelta(hours=7))
    t = datetime.datetime.now(tz).replace(microsecond=0) + datetime.timedelta(seconds=offset_seconds)
    return t.isoformat()


def new_article(id_, title, **over):
    """A published activity-news article of the division, written by the division's approver."""
    a = {
        "id": id_,
        "kind": "activity_news",
        "title": title,
        "summary": "Tóm tắt " + title,
        "body_markdown": "Nội dung **" + title + "**.",
        "category": "Phổ biến, giáo dục pháp luật",
        "tags": ["kiểm thử"],
        "unit": DIVISION,
        "author": APPROVER,
        "state": "published",
        "created_at": now_iso(),
        "updated_at": now_iso(),
        "published_at": now_iso(),
        "revision": 1,
        "documents": [],
        "schema_version": 1,
        "version": 0,
    }
    a.update(over)
    return a


def copy_of(seed_name, id_, new_id, **over):
    """A new record like a seed one. Nothing new is filed under the ended division (1 July 2025):
    a copy of one of its records goes under the unit that took its duties over (DIVISION)."""
    x = copy.deepcopy(seed_one(seed_name, id_))
    x["id"] = new_id
    x["version"] = 0
    if x.get("unit") == "pgddt-ha-dong":
        x["unit"] = DIVISION
    x.update(over)
    return x


def assert_json_error(r, statuses):
    assert r.status in statuses, (r.status, r.body[:400])
    assert r.header("content-type", "").startswith("application/json"), r.header("content-type")
    e = r.json()["error"]
    assert isinstance(e["code"], str) and e["code"]
    assert isinstance(e["message"], str) and e["message"], "a Vietnamese message"
    assert isinstance(e["message_en"], str) and e["message_en"], "an English message"
    return e
