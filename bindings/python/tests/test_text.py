"""pbgdpl.text: Vietnamese folding, NFC, slugs, the Decree 30/2020 date line, school years,
timestamps and document numbers."""
import datetime as dt
import time
import unicodedata

import pytest

import pbgdpl
from pbgdpl import text

UTC = dt.timezone.utc
NFD = lambda s: unicodedata.normalize("NFD", s)  # noqa: E731


# --- folding and normal forms ---------------------------------------------------------------------

@pytest.mark.parametrize("given, folded", [
    ("Kế hoạch", "ke hoach"),
    ("Đào tạo", "dao tao"),
    ("ĐẠI HỌC Quốc gia", "dai hoc quoc gia"),
    ("Phổ biến, giáo dục pháp luật", "pho bien, giao duc phap luat"),
    ("hoà", "hoa"),
    ("hòa", "hoa"),
    ("", ""),
])
def test_fold(given, folded):
    assert text.fold(given) == folded
    assert text.fold(NFD(given)) == folded  # decomposed input meets the composed one


def test_search_words_meet():
    assert text.fold("ke hoach") in text.fold("Kế hoạch số 19/KH-PGDĐT")
    assert text.fold("dao tao") in text.fold("Phòng Giáo dục và Đào tạo")


def test_nfc_and_nfd():
    s = "Trường Tiểu học Văn Yên"
    d = text.nfd(s)
    assert d != s and len(d) > len(s)
    assert text.nfc(d) == s
    assert text.is_nfc(s) and not text.is_nfc(d)
    assert text.nfc(d) == unicodedata.normalize("NFC", d)


def test_case():
    assert text.upper("Phòng Giáo dục") == "PHÒNG GIÁO DỤC"
    assert text.lower("PHÒNG GIÁO DỤC VÀ ĐÀO TẠO") == "phòng giáo dục và đào tạo"
    assert text.lower(NFD("Đ")) == "đ"


def test_slug():
    assert text.slug("Kế hoạch số 19") == "ke-hoach-so-19"
    assert text.slug("  <script>alert(1)</script> ") == "script-alert-1-script"
    long = text.slug("Hưởng ứng Ngày Pháp luật " * 20, max_len=30)
    assert len(long) <= 30 and not long.endswith("-")
    assert long.startswith("huong-ung-ngay-phap-luat")
    with pytest.raises(TypeError):
        text.slug("x", max_len=-1)
    assert text.slug("Kế hoạch", max_len=10**30) == "ke-hoach"
    assert text.slug("Kế hoạch", max_len=0) == ""


@pytest.mark.parametrize("fn", [text.fold, text.nfc, text.nfd, text.lower, text.upper, text.slug, text.is_nfc])
def test_lone_surrogates_and_wrong_types(fn):
    with pytest.raises(pbgdpl.ValidationError) as e:
        fn("abc\ud800def")
    assert e.value.code == "invalid_utf8"
    assert e.value.message_vi and e.value.message_en
    with pytest.raises(TypeError):
        fn(b"bytes")
    with pytest.raises(TypeError):
        fn(None)


def test_is_valid_utf8():
    assert text.is_valid_utf8("Đào tạo".encode())
    assert not text.is_valid_utf8(b"\xed\xa0\x80")  # an encoded surrogate
    assert not text.is_valid_utf8(b"\xc0\xaf")  # overlong "/"
    assert not text.is_valid_utf8(b"\xf4\x90\x80\x80")  # past U+10FFFF
    assert not text.is_valid_utf8(b"abc\xe1\xba")  # truncated


def test_folding_is_linear():
    # A body of ~1.5 MB (the library's limit is 1 MiB per text, this is the function alone).
    body = "Kế hoạch Đào tạo pháp luật. " * 50_000
    t0 = time.perf_counter()
    out = text.fold(body)
    elapsed = time.perf_counter() - t0
    assert out.startswith("ke hoach dao tao phap luat.")
    assert elapsed < 2.0, elapsed


# --- dates ------------------------------------------------------------------------------------------

def test_vietnamese_date():
    assert text.vietnamese_date(dt.date(2023, 3, 22)) == "ngày 22 tháng 3 năm 2023"
    assert text.vietnamese_date(dt.date(2024, 2, 5)) == "ngày 05 tháng 02 năm 2024"
    assert text.vietnamese_date(dt.date(2023, 11, 9)) == "ngày 09 tháng 11 năm 2023"
    # 20:00 UTC on 21 March is 03:00 on 22 March in Hà Nội.
    assert text.vietnamese_date(dt.datetime(2023, 3, 21, 20, 0, tzinfo=UTC)) == "ngày 22 tháng 3 năm 2023"
    with pytest.raises(TypeError):
        text.vietnamese_date("2023-03-22")


def test_place_date():
    assert text.place_date("Hà Đông", dt.date(2023, 3, 22)) == "Hà Đông, ngày 22 tháng 3 năm 2023"
    assert text.place_date(NFD("Hà Nội"), dt.date(2024, 1, 2)).startswith(NFD("Hà Nội"))
    with pytest.raises(pbgdpl.ValidationError):
        text.place_date("x\udc80", dt.date(2024, 1, 2))


def test_parse_date():
    assert text.parse_date("2024-02-29") == dt.date(2024, 2, 29)
    for bad in ("2023-02-29", "2023-3-22", "22/03/2023", "2023-03-22T00:00:00", "", "２０２３-03-22"):
        with pytest.raises(pbgdpl.ValidationError) as e:
            text.parse_date(bad)
        assert e.value.code == "bad_date", bad


def test_timestamps():
    t = text.parse_timestamp("2023-03-22T08:30:00+07:00")
    assert t == dt.datetime(2023, 3, 22, 1, 30, tzinfo=UTC) and t.tzinfo is not None
    assert text.parse_timestamp("2023-03-22T01:30:00Z") == t
    assert text.format_timestamp(t) == "2023-03-22T08:30:00+07:00"
    assert text.format_timestamp(t, utc=True) == "2023-03-22T01:30:00Z"
    assert text.format_timestamp(dt.datetime(2023, 3, 22, 8, 30)) == "2023-03-22T08:30:00+07:00"  # naive: Hà Nội
    assert text.format_timestamp(dt.datetime(1969, 12, 31, 23, 59, 59, 999999, tzinfo=UTC), utc=True) \
        == "1969-12-31T23:59:59Z"
    for bad in ("2023-03-22", "2023-03-22T25:00:00Z", "yesterday", "2023-03-22T08:30:00"):
        with pytest.raises(pbgdpl.ValidationError) as e:
            text.parse_timestamp(bad)
        assert e.value.code == "bad_date", bad
    with pytest.raises(TypeError):
        text.format_timestamp(dt.date(2023, 1, 1))


def test_school_years():
    y = text.school_year(dt.date(2023, 9, 1))
    assert y.name == "2023-2024" and str(y) == "2023-2024"
    assert text.school_year(dt.date(2024, 8, 31)) == y
    assert text.school_year(dt.date(2023, 8, 31)).name == "2022-2023"
    assert dt.date(2024, 5, 1) in y and dt.date(2024, 9, 1) not in y
    assert (y.first_day, y.last_day) == (dt.date(2023, 9, 1), dt.date(2024, 8, 31))
    assert text.SchoolYear.parse("2023-2024") == y
    for bad in ("2023-2025", "2023/2024", "23-24", ""):
        with pytest.raises(pbgdpl.ValidationError):
            text.SchoolYear.parse(bad)


# --- document numbers --------------------------------------------------------------------------------

def test_plan_19_parses():
    n = text.parse_document_number("19/KH-PGDĐT")
    assert (n.number, n.year, n.type_code, n.issuer, n.form) == ("19", None, "KH", "PGDĐT", "typed")
    assert str(n) == n.text == "19/KH-PGDĐT"
    assert n.type.name_vi == "Kế hoạch" and n.type.name_en == "Plan"
    with pytest.raises(dataclasses_frozen_error()):
        n.number = "20"


def dataclasses_frozen_error():
    import dataclasses
    return dataclasses.FrozenInstanceError


@pytest.mark.parametrize("given, number, year, type_code, issuer, drafting, form", [
    ("30/2020/NĐ-CP", "30", 2020, "NĐ", "CP", "", "typed"),
    ("123/UBND-VX", "123", None, "CV", "UBND", "VX", "official_letter"),
    ("14/2012/QH13", "14", 2012, "", "QH13", "", "issuer_only"),
    ("80-KL/TW", "80", None, "KL", "TW", "", "party"),
    ("02/KH-PGD&ĐT", "02", None, "KH", "PGD&ĐT", "", "typed"),
])
def test_number_forms(given, number, year, type_code, issuer, drafting, form):
    n = text.DocumentNumber.parse(given)
    assert (n.number, n.year, n.type_code, n.issuer, n.drafting_unit, n.form) == \
        (number, year, type_code, issuer, drafting, form)
    assert n.text == given


def test_nfd_number_gives_nfc():
    n = text.parse_document_number(NFD("19/KH-PGDĐT"))
    assert n.text == "19/KH-PGDĐT" and unicodedata.is_normalized("NFC", n.issuer)


@pytest.mark.parametrize("bad", ["", "19", "19/", "/KH-PGDĐT", "19/KH-", "1/2/3/4", "19/KH PGD",
                                 "19/<script>-X", "x" * 5000, "19/KH-PGD&&ĐT"])
def test_bad_numbers(bad):
    with pytest.raises(pbgdpl.ValidationError) as e:
        text.parse_document_number(bad)
    assert e.value.code == "bad_document_number"
    assert e.value.message_vi and e.value.message_en


def test_number_errors_for_bad_text():
    with pytest.raises(pbgdpl.ValidationError) as e:
        text.parse_document_number("19/KH-\udcff")
    assert e.value.code == "invalid_utf8"
    with pytest.raises(TypeError):
        text.parse_document_number(19)


def test_document_types():
    types = text.document_types()
    codes = [t.code for t in types]
    assert "KH" in codes and "NĐ" in codes and "QyĐ" in codes
    kh = text.find_document_type("KH")
    assert (kh.name_vi, kh.name_en, kh.families, kh.in_symbol) == ("Kế hoạch", "Plan", "administrative", True)
    assert text.find_document_type(NFD("NĐ")).families == "normative"
    assert text.find_document_type("Luật").in_symbol is False
    assert text.find_document_type("XYZ") is None
    types.clear()  # the caller's copy
    assert text.document_types()
