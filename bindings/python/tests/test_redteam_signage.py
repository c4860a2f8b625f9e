"""Red team (issue 19, round 2): time zone names handed to pbgdpl.signage."""
import datetime as dt

import pytest

import pbgdpl
from pbgdpl import signage

AT = dt.datetime(2024, 1, 1, 3, tzinfo=dt.timezone.utc)


@pytest.mark.parametrize("zone,code", [("UTC+99:99", "invalid_argument"), ("UTC+ab:cd", "invalid_argument"),
                                       ("UTC+15:00", "invalid_argument"), ("\ud800", "invalid_utf8"),
                                       ("../../etc/passwd", "invalid_argument")])
@pytest.mark.parametrize("call", ["timeline", "what_plays", "item_at"])
def test_a_bad_zone_is_a_validation_error(zone, code, call):
    # "UTC+99:99" was a bare ValueError (datetime.timezone's), "\ud800" a TypeError listing overloads.
    with pytest.raises(pbgdpl.ValidationError) as info:
        if call == "timeline":
            signage.timeline([], [], AT.date(), time_zone=zone)
        elif call == "what_plays":
            signage.what_plays([], [], AT, time_zone=zone)
        else:
            signage.item_at({"id": "p", "name": "p", "unit": "u", "items": []}, AT, AT, time_zone=zone)
    assert info.value.code == code


@pytest.mark.parametrize("zone,hours", [("UTC+14:00", 14), ("UTC-03:30", -3.5), ("UTC", 0), ("Asia/Ho_Chi_Minh", 7)])
def test_good_zones_still_work(zone, hours):
    assert signage.timeline([], [], AT.date(), time_zone=zone) == []
