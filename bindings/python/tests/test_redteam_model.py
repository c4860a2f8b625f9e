"""Red team (issue 19): hostile values set on model objects."""
import json
import time

import pytest

import pbgdpl
from pbgdpl import model
from conftest import SEED_DIR


@pytest.fixture
def article():
    rec = json.loads((SEED_DIR / "articles.json").read_text(encoding="utf-8"))[0]
    return model.class_for("article").from_dict(rec)


def test_shared_sublists_in_a_struct_member_are_refused_not_expanded(article):
    # 31 Python lists, 2^30 nodes once written out: to_dict() expanded them in pure Python
    # (2^22 took 30 s and built a dict of 4 million entries; 2^30 would run for hours).
    x: list = []
    for _ in range(30):
        x = [x, x]
    article.source = {"name": x}
    t0 = time.monotonic()
    with pytest.raises(pbgdpl.ValidationError) as info:
        article.to_dict()
    assert info.value.code == "too_large"
    assert info.value.path.startswith("/source/name/")
    assert time.monotonic() - t0 < 20  # was: hours


def test_shared_but_small_values_still_convert(article):
    tags = {"name": "Nguồn", "url": "https://example.edu.vn"}
    article.source = tags
    assert article.to_dict()["source"] == tags


class YesStr(str):
    """A str whose __eq__ says yes to everything (and claims a harmless text when printed)."""

    def __eq__(self, other):
        return True

    __hash__ = str.__hash__

    def __str__(self):
        return "draft"


def test_str_subclass_with_lying_eq_cannot_set_an_enum_outside_its_values(article):
    with pytest.raises(pbgdpl.ValidationError) as info:
        article.state = YesStr("evil")
    assert info.value.code == "out_of_range"
    assert article.to_dict()["state"] in model.class_for("article").model_fields()[
        [f.name for f in model.class_for("article").model_fields()].index("state")].allowed


def test_str_subclass_is_stored_as_plain_str(article):
    article.title = YesStr("Kế hoạch")
    assert type(article.title) is str and article.title == "Kế hoạch"
    assert article.to_dict()["title"] == "Kế hoạch"


@pytest.mark.parametrize("member", ["tags", "documents"])
def test_validate_does_not_pass_what_from_dict_refuses(article, member):
    # An array past the library's item limit: validate() said valid, from_dict()/the store refused.
    d = article.to_dict()
    d[member] = [d[member][0] if d[member] else "a"] * 20000
    with pytest.raises(pbgdpl.ValidationError) as strict:
        model.class_for("article").from_dict(d)
    with pytest.raises(pbgdpl.ValidationError) as checked:
        pbgdpl.model.load("article", d).validate()
    assert checked.value.code == strict.value.code == "too_large"
    assert checked.value.path == strict.value.path == "/" + member


def test_a_date_member_set_from_a_datetime_past_the_calendar():
    import datetime as dt
    unit = model.class_for("unit")()
    with pytest.raises(pbgdpl.ValidationError) as info:
        unit.opened_on = dt.datetime(9999, 12, 31, 23, tzinfo=dt.timezone.utc)  # was OverflowError
    assert info.value.code == "out_of_range" and info.value.path == "/opened_on"
    unit.opened_on = dt.datetime(2023, 3, 21, 20, tzinfo=dt.timezone.utc)
    assert unit.opened_on == dt.date(2023, 3, 22)


def test_load_of_shared_sublists_is_refused_not_expanded():
    # load() copies nested members: x = [x, x] thirty deep was copied node by node (2^30).
    x: list = []
    for _ in range(30):
        x = [x, x]
    t0 = time.monotonic()
    with pytest.raises(pbgdpl.ValidationError) as info:
        model.load("article", {"source": {"name": x}})
    assert info.value.code == "too_large"
    assert time.monotonic() - t0 < 20
    assert model.load("article", {"source": {"name": "Báo", "url": ""}}).source["name"] == "Báo"
