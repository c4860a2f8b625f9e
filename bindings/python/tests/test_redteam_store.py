"""Red team (issue 19, round 2): careless arguments to pbgdpl.Store."""
import pytest

import pbgdpl
from pbgdpl.store import Store


@pytest.fixture
def db(seed_dir):
    with Store.memory() as s:
        s.import_dataset(seed_dir)
        yield s


def first_article(db):
    return next(iter(db.list("article", limit=1)))


@pytest.mark.parametrize("bad,code", [(False, "wrong_type"), (True, "wrong_type"), (1.0, "wrong_type"),
                                      ("1", "wrong_type"), (-1, "out_of_range"), (2 ** 64, "out_of_range")])
def test_remove_with_a_bool_or_odd_version_is_refused_and_removes_nothing(db, bad, code):
    # expected_version=False was 0, "any version": the record went whatever its version.
    a = first_article(db)
    with pytest.raises(pbgdpl.ValidationError) as info:
        db.remove("article", a.id, expected_version=bad)
    assert info.value.code == code
    assert db.get("article", a.id).version == a.version


@pytest.mark.parametrize("bad", [True, -1, 2 ** 70])
def test_archive_with_a_bool_or_odd_version_is_refused(db, bad):
    a = first_article(db)
    with pytest.raises(pbgdpl.ValidationError):
        db.archive("article", a.id, expected_version=bad)
    assert db.get("article", a.id).version == a.version


def test_remove_with_the_version_read_still_works(db):
    a = first_article(db)
    with pytest.raises(pbgdpl.ConflictError):
        db.remove("article", a.id, expected_version=a.version + 1)
    db.remove("article", a.id, expected_version=a.version)
    with pytest.raises(pbgdpl.NotFoundError):
        db.get("article", a.id)


def test_a_dataset_path_with_a_nul_is_refused_not_cut_short(seed_dir):
    # "seed\0/../elsewhere": is_directory() stopped at the NUL and listed seed's files, then every
    # read failed (a parse_error naming accounts.json).
    with Store.memory() as s:
        with pytest.raises(pbgdpl.ValidationError) as info:
            s.import_dataset(str(seed_dir) + "\0/../elsewhere")
        assert info.value.code == "invalid_argument" and info.value.path == "/path"
        assert s.count("unit") == 0


@pytest.mark.parametrize("op", ["remove", "archive"])
def test_remove_of_an_object_never_read_does_not_remove_any_version(db, op):
    # remove(obj) promises "only if still at obj.version"; an object built in Python has version 0,
    # which the store reads as "any version": the stored record went.
    stored = first_article(db)
    d = stored.to_dict()
    d["version"] = 0
    local = type(stored).from_dict(d) if hasattr(type(stored), "from_dict") else stored
    assert local.version == 0
    with pytest.raises(pbgdpl.ValidationError) as info:
        getattr(db, op)(local)
    assert info.value.path == "/version"
    assert db.get("article", stored.id).version == stored.version
    db.remove(local, expected_version=0)  # asked for explicitly: any version
    with pytest.raises(pbgdpl.NotFoundError):
        db.get("article", stored.id)


def test_the_python_store_has_no_way_to_keep_a_callers_html(tmp_path):
    # render_html=False let a script store <script> in body_html, which the portal serves as it is.
    import inspect
    for name in ("create", "update", "import_dataset"):
        assert "render_html" not in inspect.signature(getattr(pbgdpl.Store, name)).parameters
    with pbgdpl.Store.open(tmp_path / "s.db") as st:
        with pytest.raises(TypeError):
            st.create(pbgdpl.model.class_for("article")(title="x"), render_html=False)
