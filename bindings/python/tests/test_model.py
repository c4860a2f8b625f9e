"""pbgdpl.model: one class per stored kind, built from the C++ field lists; JSON round trips of
the seed data, validation with paths and both messages, NFC, hostile input."""
import copy
import datetime as dt
import json
import os
import pathlib
import pickle
import subprocess
import sys
import time
import unicodedata

import pytest

import pbgdpl
from pbgdpl import _core, model
from pbgdpl.model import Article, LegalDocument, Model, Unit

# data/seed/<file>.json -> its kind
SEED_KINDS = {
    "accounts": "account", "approvals": "approval_record", "articles": "article", "attendances": "attendance",
    "banners": "banner", "channel_posts": "channel_post", "channels": "channel", "dialogues": "dialogue_session",
    "display_groups": "display_group", "displays": "display", "layouts": "layout",
    "legal_documents": "legal_document", "media": "media_asset", "playlists": "playlist",
    "publications": "publication", "questions": "question", "report_periods": "report_period",
    "report_submissions": "report_submission", "report_templates": "report_template",
    "schedules": "schedule_entry", "training_courses": "training_course", "units": "unit",
}
UTC = dt.timezone.utc
HANOI = dt.timezone(dt.timedelta(hours=7))


def seed_records(seed_dir, stem):
    return json.loads((seed_dir / f"{stem}.json").read_text(encoding="utf-8"))


@pytest.fixture
def article_dict(seed_dir):
    return seed_records(seed_dir, "articles")[0]


@pytest.fixture
def article(article_dict):
    return Article.from_dict(article_dict)


# --- kinds and classes ---------------------------------------------------------------------------

def test_every_stored_kind_has_a_class_named_in_camel_case():
    assert model.kinds() == _core.model_kinds()
    assert model.kinds()[0] == "unit"  # registry order, not alphabetical
    for kind in model.kinds():
        cls = model.class_for(kind)
        assert issubclass(cls, Model)
        assert cls.__name__ == "".join(p.capitalize() for p in kind.split("_"))
        assert cls.kind == kind and cls.model_kind == kind
        assert getattr(model, cls.__name__) is cls
    assert model.class_for("legal_document") is LegalDocument
    assert model.class_for("report_template").__name__ == "ReportTemplate"


def test_the_seed_files_cover_their_kinds(seed_dir):
    stems = {p.stem for p in seed_dir.glob("*.json")}
    assert stems == set(SEED_KINDS), "a new seed file needs its kind in SEED_KINDS"


def test_unknown_kind_is_a_validation_error_at_kind():
    for call in (lambda: model.class_for("artikel"), lambda: model.load("artikel", {}),
                 lambda: _core.model_decode("artikel", {}), lambda: _core.model_check("", {})):
        with pytest.raises(pbgdpl.ValidationError) as e:
            call()
        assert e.value.path == "/kind"
    with pytest.raises(pbgdpl.ValidationError):
        model.class_for(None)


def test_fields_follow_describe_order_with_types():
    names = [f.name for f in Article.model_fields()]
    assert names[:3] == ["id", "schema_version", "version"]
    assert names.index("title") < names.index("body_markdown") < names.index("workflow")
    by_name = {f.name: f for f in Article.model_fields()}
    assert by_name["title"].type == "str" and by_name["title"].required
    assert by_name["created_at"].type == "datetime.datetime"
    assert by_name["published_at"].type == "Optional[datetime.datetime]"
    assert by_name["tags"].type == "List[str]"
    assert by_name["source"].type == "Optional[Dict[str, Any]]"
    assert by_name["state"].allowed == ["draft", "submitted", "approved", "published", "archived"]
    assert by_name["state"].labels["published"] == ("Đã đăng", "Published")
    assert by_name["title"].allowed is None and by_name["title"].labels is None
    assert {f.name: f.type for f in LegalDocument.model_fields()}["issued_on"] == "datetime.date"


def test_schema_enum_values_carry_both_labels():
    state = next(f for f in _core.model_schema()["article"]["fields"] if f["name"] == "state")
    draft = state["shape"]["values"][0]
    assert draft == {"value": "draft", "vi": "Bản nháp", "en": "Draft"}


# --- round trips ---------------------------------------------------------------------------------

@pytest.mark.parametrize("stem", sorted(SEED_KINDS))
def test_seed_records_round_trip(seed_dir, stem):
    kind = SEED_KINDS[stem]
    cls = model.class_for(kind)
    records = seed_records(seed_dir, stem)
    assert records
    for rec in records:
        obj = cls.from_dict(rec)
        decoded = _core.model_decode(kind, rec)
        assert obj.to_dict() == decoded, rec.get("id")
        assert model.load(kind, decoded) == obj
        assert cls.from_json(obj.to_json()) == obj
        assert cls.from_json(obj.to_json().encode("utf-8")) == obj
        obj.validate()
        assert pickle.loads(pickle.dumps(obj)) == obj


@pytest.mark.parametrize("kind", _core.model_kinds())
def test_a_default_object_writes_what_the_library_writes(kind):
    cls = model.class_for(kind)
    obj = cls()
    # A default-constructed C++ value, as the library writes it.
    assert obj.to_dict() == _core.model_schema()[kind]["defaults"]
    for f in cls.model_fields():  # ids must be well-formed to decode, dates real (C++ writes 0000-00-00)
        if f.shape["t"] == "id":
            setattr(obj, f.name, "x")
        elif f.shape["t"] == "date":
            setattr(obj, f.name, dt.date(2024, 2, 29))
    d = obj.to_dict()
    # The C++ decoder reads Python's form back and writes the identical JSON.
    assert _core.model_encode(kind, d) == d
    assert model.load(kind, d) == obj


def test_every_member_of_the_library_json_is_an_attribute(article_dict):
    a = Article.from_dict(article_dict)
    for key, value in _core.model_decode("article", article_dict).items():
        assert hasattr(a, key), key


# --- attributes ----------------------------------------------------------------------------------

def test_timestamps_read_as_aware_utc_and_dates_as_dates(article, seed_dir):
    assert article.created_at == dt.datetime(2023, 11, 9, 1, 0, tzinfo=UTC)
    assert article.created_at.utcoffset() == dt.timedelta(0)
    assert article.to_dict()["created_at"] == "2023-11-09T08:00:00+07:00"
    doc = LegalDocument.from_dict(seed_records(seed_dir, "legal_documents")[0])
    assert type(doc.issued_on) is dt.date


def test_setting_a_time_accepts_datetime_date_and_text(article):
    article.updated_at = dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert article.to_dict()["updated_at"] == "2024-01-02T10:04:05+07:00"
    article.updated_at = dt.datetime(2024, 1, 2, 8, 0)  # naive: Hà Nội time
    assert article.updated_at == dt.datetime(2024, 1, 2, 1, 0, tzinfo=UTC)
    article.updated_at = "2024-05-06T07:08:09Z"
    assert article.updated_at == dt.datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)
    article.published_at = dt.date(2024, 5, 6)  # midnight in Hà Nội
    assert article.to_dict()["published_at"] == "2024-05-06T00:00:00+07:00"
    article.published_at = None
    assert "published_at" not in article.to_dict()
    with pytest.raises(pbgdpl.ValidationError) as e:
        article.updated_at = "yesterday"
    assert e.value.code == "bad_date" and e.value.path == "/updated_at"
    with pytest.raises(pbgdpl.ValidationError) as e:
        article.updated_at = 1700000000
    assert e.value.code == "wrong_type"
    with pytest.raises(pbgdpl.ValidationError) as e:  # year 0 in UTC: no datetime holds it
        article.updated_at = dt.datetime(1, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=5)))
    assert (e.value.code, e.value.path) == ("out_of_range", "/updated_at")


def test_setting_a_date(seed_dir):
    doc = LegalDocument.from_dict(seed_records(seed_dir, "legal_documents")[0])
    doc.issued_on = "2024-02-29"
    assert doc.issued_on == dt.date(2024, 2, 29)
    doc.issued_on = dt.datetime(2024, 3, 1, 20, 0, tzinfo=UTC)  # already 2 March in Hà Nội
    assert doc.issued_on == dt.date(2024, 3, 2)
    with pytest.raises(pbgdpl.ValidationError) as e:
        doc.issued_on = "2023-02-29"
    assert e.value.code == "bad_date" and e.value.path == "/issued_on"


def test_lists_are_live_python_lists(article):
    article.tags.append("mới")
    assert article.to_dict()["tags"][-1] == "mới"
    mine = ["a"]
    article.tags = mine
    mine.append("b")
    assert article.to_dict()["tags"] == ["a", "b"]
    article.documents.append("kh-19-pgddt-2023")
    assert Article.from_dict(article.to_dict()).documents[-1] == "kh-19-pgddt-2023"


def test_typos_and_wrong_types_are_refused(article):
    with pytest.raises(AttributeError):
        article.titel = "x"
    with pytest.raises(AttributeError):
        article.titel
    with pytest.raises(TypeError):
        Article(titel="x")
    with pytest.raises(TypeError):
        Model()
    with pytest.raises(pbgdpl.ValidationError) as e:
        article.title = 42
    assert (e.value.code, e.value.path) == ("wrong_type", "/title")
    with pytest.raises(pbgdpl.ValidationError) as e:
        article.revision = True  # a bool is not an int in JSON
    assert e.value.code == "wrong_type"
    with pytest.raises(pbgdpl.ValidationError) as e:
        article.state = "publishd"
    assert e.value.code == "out_of_range" and "published" in e.value.message_en
    with pytest.raises(pbgdpl.ValidationError) as e:
        article.tags = "not a list"
    assert e.value.code == "wrong_type"
    with pytest.raises(pbgdpl.ValidationError) as e:
        article.tags = ["ok", 3]
    assert e.value.path == "/tags/1"


def test_kind_member_and_class_kind(article):
    assert Article.kind == "article" and type(article).kind == "article"
    assert article.kind == "activity_news" and article.model_kind == "article"
    article.kind = "in_depth"
    assert article.to_dict()["kind"] == "in_depth"
    assert Article.kind == "article"
    a = model.class_for("account")()
    assert a.kind == "account"


def test_a_new_object_takes_the_cpp_defaults_and_keywords():
    a = Article(id="a-1", title="Kế hoạch", body_markdown="Nội dung", unit="th-van-yen", author="acc",
                created_at=dt.datetime(2024, 1, 1, tzinfo=HANOI), updated_at="2024-01-01T00:00:00+07:00")
    assert a.state == "draft" and a.revision == 1 and a.tags == [] and a.published_at is None
    a.validate()
    assert Article.from_dict(a.to_dict()) == a
    b = Article()
    assert b.tags is not a.tags  # each object its own default list


def test_equality_copy_and_repr(article):
    other = article.copy()
    assert other == article and other is not article
    other.tags.append("x")
    assert other != article and "x" not in article.tags
    assert copy.deepcopy(article) == article
    assert article != object() and (article == object()) is False
    assert repr(article).startswith("Article(id='th-van-yen-ngay-phap-luat-2023'")
    article.title = "Tiêu đề " * 1000
    assert len(repr(article)) < 120
    with pytest.raises(TypeError):
        hash(article)


# --- validation ----------------------------------------------------------------------------------

def test_a_missing_required_member_names_its_path_in_both_languages(article_dict):
    del article_dict["title"]
    with pytest.raises(pbgdpl.ValidationError) as e:
        Article.from_dict(article_dict)
    err = e.value
    assert (err.code, err.path) == ("missing_field", "/title")
    assert err.message_vi and err.message_en and err.message_vi != err.message_en
    assert "title" in str(err)


def test_validate_reports_every_problem(article):
    article.title = ""
    article.unit = "có dấu cách"
    article.slug = "Not A Slug"
    with pytest.raises(pbgdpl.ValidationError) as e:
        article.validate()
    paths = {d.path for d in e.value.details}
    assert {"/title", "/unit"} <= paths
    assert len(e.value.details) >= 3
    for d in e.value.details:
        assert d.message_vi and d.message_en


def test_nested_paths(seed_dir):
    rec = seed_records(seed_dir, "articles")[0]
    rec["source"] = {"url": "https://example.vn"}  # name missing
    with pytest.raises(pbgdpl.ValidationError) as e:
        Article.from_dict(rec)
    assert e.value.path == "/source/name"
    rec["source"] = {"name": "Báo", "url": "javascript:alert(1)"}
    with pytest.raises(pbgdpl.ValidationError) as e:
        Article.from_dict(rec)
    assert e.value.path.startswith("/source")


def test_wrong_json_types_in_a_dict(article_dict):
    for key, bad in (("title", 5), ("tags", "x"), ("revision", "1"), ("created_at", 12), ("state", None)):
        rec = dict(article_dict, **{key: bad})
        with pytest.raises(pbgdpl.ValidationError) as e:
            Article.from_dict(rec)
        assert e.value.path.startswith("/" + key), (key, e.value.path)
    with pytest.raises(pbgdpl.ValidationError):
        Article.from_dict(["not", "a", "dict"])
    with pytest.raises(pbgdpl.ValidationError):
        Article.from_dict({1: "int key"})
    with pytest.raises(TypeError):
        Model.from_dict(article_dict)


def test_a_newer_schema_is_refused(article_dict):
    article_dict["schema_version"] = 99
    with pytest.raises(pbgdpl.Error) as e:
        Article.from_dict(article_dict)
    assert e.value.code == "unsupported_version"


# --- text ----------------------------------------------------------------------------------------

def test_nfd_input_is_stored_nfc(article_dict):
    title = "Kế hoạch Đào tạo pháp luật"
    article_dict["title"] = unicodedata.normalize("NFD", title)
    article_dict["tags"] = [unicodedata.normalize("NFD", "Ngày Pháp luật")]
    a = Article.from_dict(article_dict)
    assert a.title == title and unicodedata.is_normalized("NFC", a.title)
    assert a.tags == ["Ngày Pháp luật"]
    assert a.to_dict()["title"] == title


def test_xss_text_is_kept_verbatim(article_dict):
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)> & "quotes"'
    article_dict["title"] = evil
    article_dict["body_markdown"] = evil
    a = Article.from_dict(article_dict)
    assert a.title == evil and a.body_markdown == evil
    assert json.loads(a.to_json())["title"] == evil


def test_lone_surrogates_are_invalid_utf8(article_dict, article):
    article_dict["title"] = "abc\ud800"
    with pytest.raises(pbgdpl.ValidationError) as e:
        Article.from_dict(article_dict)
    assert (e.value.code, e.value.path) == ("invalid_utf8", "/title")
    with pytest.raises(pbgdpl.ValidationError) as e:
        Article.from_json('{"title": "\ud800"}')
    assert e.value.code == "invalid_utf8"
    with pytest.raises(pbgdpl.ValidationError):
        Article.from_json(b'{"id": "\xff\xfe"}')
    article.summary = "x\udfff"  # setting is fine; checking is not
    with pytest.raises(pbgdpl.ValidationError):
        article.validate()


def test_validate_sees_what_decoding_would_refuse(article):
    article.title = "a" * 5000
    with pytest.raises(pbgdpl.ValidationError) as e:
        article.validate()
    assert "/title" in {d.path for d in e.value.details} | {e.value.path}


def test_public_names_have_docstrings():
    import inspect
    from pbgdpl import text
    for mod in (model, text):
        for name in mod.__all__:
            obj = getattr(mod, name)
            if inspect.isfunction(obj) or inspect.isclass(obj):
                assert (obj.__doc__ or "").strip(), f"{mod.__name__}.{name}"
    for name in ("to_dict", "to_json", "from_dict", "from_json", "validate", "copy", "model_fields", "normalized"):
        assert getattr(Model, name).__doc__, name


def test_text_limits(article_dict):
    article_dict["title"] = "a" * 5000  # short text: one line of at most 1000 bytes
    with pytest.raises(pbgdpl.ValidationError) as e:
        Article.from_dict(article_dict)
    assert e.value.path == "/title"


# --- hostile structure -----------------------------------------------------------------------------

def test_a_dict_that_contains_itself_is_refused(article_dict, article):
    article_dict["source"] = article_dict
    with pytest.raises(pbgdpl.ValidationError) as e:
        Article.from_dict(article_dict)
    assert e.value.code == "too_large"
    loop = {"name": "x"}
    loop["self"] = loop
    article.source = loop
    with pytest.raises(pbgdpl.ValidationError):
        article.to_dict()
    ring = []
    ring.append(ring)
    with pytest.raises(pbgdpl.ValidationError):
        article.tags = ring


def test_deep_nesting_is_refused_cheaply(article_dict):
    deep = {}
    cur = deep
    for _ in range(100_000):
        cur["x"] = {}
        cur = cur["x"]
    article_dict["source"] = deep
    t0 = time.perf_counter()
    with pytest.raises(pbgdpl.ValidationError):
        Article.from_dict(article_dict)
    text = '{"source":' + "[" * 1_000_000 + "]" * 1_000_000 + "}"
    with pytest.raises(pbgdpl.ValidationError):
        Article.from_json(text)
    assert time.perf_counter() - t0 < 5


def test_malformed_json_text():
    for bad in ("", "{", "[1,2", '{"id": }', "nul", "{} trailing", "\x00"):
        with pytest.raises(pbgdpl.ValidationError):
            Article.from_json(bad)
    with pytest.raises(TypeError):
        Article.from_json(42)


def test_many_array_items_are_refused(article_dict):
    article_dict["tags"] = ["t"] * 20_000
    with pytest.raises(pbgdpl.ValidationError) as e:
        Article.from_dict(article_dict)
    assert e.value.path == "/tags"


def test_load_trusts_library_output_but_checks_its_argument(article_dict):
    a = model.load("article", {"id": "x", "title": "T"})  # missing members: defaults
    assert a.title == "T" and a.state == "draft"
    with pytest.raises(pbgdpl.ValidationError):
        model.load("article", ["x"])
    loop = {"name": "x"}
    loop["again"] = loop
    with pytest.raises(pbgdpl.ValidationError):
        model.load("article", {"id": "x", "source": loop})
    junk = model.load("article", {"id": "x", "tags": "x"})  # no check: kept as given...
    assert junk.tags == "x"
    with pytest.raises(pbgdpl.ValidationError) as e:  # ...and refused where it is checked
        Article.from_dict(junk.to_dict())
    assert e.value.path == "/tags"


def test_a_kind_without_a_kind_member_keeps_kind_read_only():
    unit_less = model.class_for("account")()
    with pytest.raises(AttributeError):
        unit_less.kind = "x"
    assert unit_less.kind == "account"


# --- decoding is thread-safe and releases the GIL --------------------------------------------------

def test_decoding_from_threads(seed_dir):
    import threading
    recs = seed_records(seed_dir, "legal_documents")
    errors = []

    def work():
        try:
            for _ in range(50):
                for r in recs:
                    LegalDocument.from_dict(r)
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


# --- the generated stub ------------------------------------------------------------------------------

def test_the_committed_stub_matches_the_generator():
    tool = pathlib.Path(__file__).resolve().parents[1] / "tools" / "gen_model_stubs.py"
    r = subprocess.run([sys.executable, str(tool), "--check"], env=dict(os.environ), capture_output=True, text=True)
    assert r.returncode == 0, "pbgdpl/model.pyi is stale: run tools/gen_model_stubs.py\n" + r.stderr


def test_the_stub_names_every_class():
    import ast
    stub = pathlib.Path(model.__file__).with_suffix(".pyi")
    if not stub.exists():  # the source tree's copy (the build stages it beside model.py)
        stub = pathlib.Path(__file__).resolve().parents[1] / "pbgdpl" / "model.pyi"
    tree = ast.parse(stub.read_text(encoding="utf-8"))
    classes = {n.name for n in tree.body if isinstance(n, ast.ClassDef)}
    assert {model.class_for(k).__name__ for k in model.kinds()} <= classes
