"""Red team (issue 19): out-of-range years and instants in the text bindings."""
import datetime as dt

import pytest

import pbgdpl
from pbgdpl import _core, text


@pytest.mark.parametrize("year", [2**31 - 1, 65535 + 2024, -5, 0, 10000])
def test_years_past_the_calendar_are_refused_not_truncated(year):
    # std::chrono::year keeps 16 bits: 2^31 - 1 became the year -1, 67559 the year 2023.
    with pytest.raises(pbgdpl.ValidationError) as info:
        _core.text_vietnamese_date(year, 1, 1)
    assert info.value.code == "bad_date"
    with pytest.raises(pbgdpl.ValidationError):
        _core.text_school_year_of(year, 1, 1)
    with pytest.raises(pbgdpl.ValidationError):
        _core.text_place_date("Hà Nội", year, 1, 1)


def test_edge_years_still_work():
    assert _core.text_vietnamese_date(1, 3, 22).endswith("năm 1")
    assert _core.text_vietnamese_date(9999, 12, 31) == "ngày 31 tháng 12 năm 9999"


@pytest.mark.parametrize("seconds", [2**63 - 1, -2**63, 10**15, -10**15])
def test_format_timestamp_refuses_instants_past_year_9999(seconds):
    with pytest.raises(pbgdpl.ValidationError) as info:
        _core.text_format_timestamp(seconds, True)
    assert info.value.code == "out_of_range"
    with pytest.raises(pbgdpl.ValidationError):
        _core.text_format_timestamp(seconds, False)


def test_format_timestamp_never_writes_text_parse_refuses():
    # 9999-12-31T23:00Z is 10000-01-01 in Hà Nội: formatting it gave "10000-01-01T06:00:00+07:00".
    with pytest.raises(pbgdpl.ValidationError):
        text.format_timestamp(dt.datetime(9999, 12, 31, 23, 0, tzinfo=dt.timezone.utc))
    with pytest.raises(pbgdpl.ValidationError):
        text.format_timestamp(dt.datetime(1, 1, 1, 0, 0, tzinfo=dt.timezone.utc), utc=True)
    s = text.format_timestamp(dt.datetime(2023, 3, 22, 1, 30, tzinfo=dt.timezone.utc))
    assert s == "2023-03-22T08:30:00+07:00"
    assert text.parse_timestamp(s) == dt.datetime(2023, 3, 22, 1, 30, tzinfo=dt.timezone.utc)


def test_parse_timestamp_in_year_10000_utc_is_a_validation_error():
    # Was a bare ValueError from datetime.fromtimestamp (not a pbgdpl.Error).
    with pytest.raises(pbgdpl.ValidationError) as info:
        text.parse_timestamp("9999-12-31T23:00:00-14:00")
    assert info.value.code == "out_of_range"
    with pytest.raises(pbgdpl.ValidationError):
        pbgdpl.model.class_for("article")(created_at="9999-12-31T23:00:00-14:00")


@pytest.mark.parametrize("when", [
    dt.datetime(9999, 12, 31, 23, tzinfo=dt.timezone.utc),  # the year 10000 in Hà Nội
    dt.datetime(1, 1, 1, 0, tzinfo=dt.timezone(dt.timedelta(hours=14))),  # the year 0 in Hà Nội
])
def test_dates_past_the_calendar_in_hanoi_are_validation_errors(when):
    # Were bare OverflowError from astimezone.
    for f in (text.vietnamese_date, text.school_year, lambda d: text.place_date("Hà Nội", d)):
        with pytest.raises(pbgdpl.ValidationError) as info:
            f(when)
        assert info.value.code == "out_of_range"


@pytest.mark.parametrize("day", [dt.date(1, 1, 1), dt.date(9999, 10, 1)])
def test_school_years_without_real_days_are_refused(day):
    # SchoolYear(0) and SchoolYear(9999) were returned; their first_day / last_day raised ValueError.
    with pytest.raises(pbgdpl.ValidationError) as info:
        text.school_year(day)
    assert info.value.code == "out_of_range"
    assert text.school_year(dt.date(2023, 9, 5)).name == "2023-2024"
