"""pbgdpl.signage: the timeline of the seed's legal-staircase playlist in Hà Nội time, what plays
at an instant, the item on screen, priorities and emergencies, and errors for bad schedules."""
import datetime as dt
import json
import pathlib

import pytest

import pbgdpl
from pbgdpl import signage

HANOI = dt.timezone(dt.timedelta(hours=7))


def seed(seed_dir, name):
    return json.loads((seed_dir / f"{name}.json").read_text(encoding="utf-8"))


@pytest.fixture
def entries(seed_dir):
    return seed(seed_dir, "schedules")


@pytest.fixture
def playlists(seed_dir):
    return seed(seed_dir, "playlists")


WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def hhmm(s):
    h, m = s.split(":")
    return dt.time(int(h), int(m))


def test_seed_timeline_follows_the_entries(entries, playlists):
    monday = dt.date(2024, 3, 4)  # inside every seed entry's validity
    for offset in range(7):
        day = monday + dt.timedelta(days=offset)
        active = [e for e in entries if WEEKDAYS[day.weekday()] in e["days"]
                  and e["valid_from"] <= day.isoformat() <= e.get("valid_until", "9999-12-31")]
        slots = signage.timeline(entries, playlists, day)
        assert [s.entry for s in slots] == [e["id"] for e in sorted(active, key=lambda e: e["start_time"])]
        for s, e in zip(slots, sorted(active, key=lambda e: e["start_time"])):
            assert s.start.utcoffset() == dt.timedelta(hours=7)
            assert s.start == dt.datetime.combine(day, hhmm(e["start_time"]), HANOI)
            assert s.end == dt.datetime.combine(day, hhmm(e["end_time"]), HANOI)
            assert s.playlist == e["playlist"] and s.priority == e.get("priority", 0)
            assert s.duration > dt.timedelta(0)


def test_outside_validity_nothing_plays(entries, playlists):
    last = max(e["valid_until"] for e in entries)
    after = dt.date.fromisoformat(last) + dt.timedelta(days=3)
    assert all(signage.timeline(entries, playlists, after + dt.timedelta(days=i)) == [] for i in range(7))
    assert signage.what_plays(entries, playlists, dt.datetime.combine(after, dt.time(9), HANOI)) is None


def test_what_plays_and_the_item_on_screen(entries, playlists):
    sched = signage.Schedule(entries, playlists)
    at = dt.datetime(2024, 3, 4, 8, 0, tzinfo=HANOI)
    slot = sched.what_plays(at)
    weekday = next(e for e in entries if "mon" in e["days"])
    assert slot is not None and slot.entry == weekday["id"]
    assert slot.start <= at < slot.end
    # A naive datetime is Hà Nội time; a UTC one is the same instant.
    assert sched.what_plays(dt.datetime(2024, 3, 4, 8, 0)) == slot
    assert sched.what_plays(at.astimezone(dt.timezone.utc)) == slot
    # Before the day's start nothing plays.
    assert sched.what_plays(dt.datetime.combine(dt.date(2024, 3, 4), hhmm(weekday["start_time"]), HANOI)
                            - dt.timedelta(seconds=1)) is None
    # The playlist loops from the slot's start: the item at a moment follows the durations.
    pl = next(p for p in playlists if p["id"] == slot.playlist)
    durations = [i["duration_seconds"] for i in pl["items"]]
    cycle = sum(durations)
    for k in range(len(durations)):
        t = slot.start + dt.timedelta(seconds=3 * cycle + sum(durations[:k]) + 1)
        item = sched.item_at(t)
        assert item is not None and item.index == k
        assert item.item["media"] == pl["items"][k]["media"]
        assert item.end - item.start == dt.timedelta(seconds=durations[k])
        assert item.start.tzinfo is not None
    assert signage.item_at(pl, slot.start, slot.start - dt.timedelta(seconds=1)) is None


def test_emergency_and_priority_win(entries, playlists):
    day = dt.date(2024, 3, 4)
    base = next(e for e in entries if "mon" in e["days"])
    urgent = dict(base, id="khan-cap", priority=0, emergency=True, start_time="09:00", end_time="09:30",
                  expires_at="2024-03-05T00:00:00Z")
    higher = dict(base, id="uu-tien", priority=base["priority"] + 5, start_time="10:00", end_time="11:00")
    slots = signage.timeline(entries + [urgent, higher], playlists, day)
    ids = [s.entry for s in slots]
    assert ids == [base["id"], "khan-cap", base["id"], "uu-tien", base["id"]]
    assert slots[1].emergency and slots[1].start == dt.datetime(2024, 3, 4, 9, 0, tzinfo=HANOI)
    # Slots do not overlap and are in order.
    assert all(a.end <= b.start for a, b in zip(slots, slots[1:]))


def test_other_time_zones(entries, playlists):
    utc = signage.timeline(entries, playlists, dt.date(2024, 3, 4), time_zone="UTC")
    assert utc and utc[0].start.utcoffset() == dt.timedelta(0)
    first = next(e for e in entries if "mon" in e["days"])
    assert utc[0].start == dt.datetime.combine(dt.date(2024, 3, 4), hhmm(first["start_time"]), dt.timezone.utc)
    with pytest.raises(pbgdpl.ValidationError):
        signage.timeline(entries, playlists, dt.date(2024, 3, 4), time_zone="../etc/passwd")
    with pytest.raises(pbgdpl.NotFoundError):
        signage.timeline(entries, playlists, dt.date(2024, 3, 4), time_zone="Asia/No_Such_City")


def test_bad_schedules_are_refused(entries, playlists):
    day = dt.date(2024, 3, 4)
    with pytest.raises(pbgdpl.ValidationError) as e:
        signage.timeline([dict(entries[0], end_time="25:99")], playlists, day)
    assert e.value.path == "/entries/0/end_time"
    with pytest.raises(pbgdpl.ValidationError) as e:
        signage.timeline([dict(entries[0], start_time="07:00", end_time="07:00")], playlists, day)
    with pytest.raises(pbgdpl.ValidationError):
        signage.timeline([dict(entries[0], days=["funday"])], playlists, day)
    with pytest.raises(pbgdpl.NotFoundError) as e:
        signage.timeline([dict(entries[0], playlist="khong-co")], playlists, day)
    assert e.value.path == "/entries/0/playlist"
    with pytest.raises(pbgdpl.ConflictError):
        signage.timeline([entries[0], entries[0]], playlists, day)
    with pytest.raises(pbgdpl.ValidationError):
        signage.timeline("not a list", playlists, day)
    with pytest.raises(pbgdpl.ValidationError):
        signage.timeline([dict(entries[0], priority="high")], playlists, day)
    with pytest.raises(pbgdpl.ValidationError):
        signage.timeline(entries, [dict(playlists[0], name="bad \ud800")], day)
    with pytest.raises(pbgdpl.ValidationError):
        signage.what_plays(entries, playlists, "tomorrow")
    loop = dict(entries[0])
    loop["self"] = loop
    with pytest.raises(pbgdpl.ValidationError):
        signage.timeline([loop], playlists, day)


def test_schedule_for_display_walks_groups(seed_dir, entries, playlists):
    displays = seed(seed_dir, "displays")
    groups = seed(seed_dir, "display_groups")
    sched = signage.schedule_for(displays[0], groups, entries, playlists)
    assert sorted(e["id"] if isinstance(e, dict) else e.id for e in sched.entries) == sorted(
        e["id"] for e in entries if e["group"] in {g["id"] for g in groups})
    assert sched.time_zone == displays[0]["time_zone"]
    # A parent cycle ends the walk instead of looping.
    cyc = [dict(g, parent=groups[(i + 1) % len(groups)]["id"]) for i, g in enumerate(groups)]
    signage.schedule_for(displays[0], cyc, entries, playlists)
    # A display with no group gets nothing.
    lone = {k: v for k, v in displays[0].items() if k != "group"}
    assert signage.schedule_for(lone, groups, entries, playlists).entries == []


def test_many_entries_cost_stays_small(entries, playlists):
    import time
    base = next(e for e in entries if "mon" in e["days"])
    many = [dict(base, id=f"e{i:05d}", priority=i % 50, start_time=f"{6 + i % 12:02d}:{i % 60:02d}",
                 end_time=f"{7 + i % 12:02d}:{i % 60:02d}") for i in range(3000)]
    t0 = time.perf_counter()
    slots = signage.timeline(many, playlists, dt.date(2024, 3, 4))
    assert time.perf_counter() - t0 < 5
    assert slots and all(a.end <= b.start for a, b in zip(slots, slots[1:]))


@pytest.mark.skipif(not pathlib.Path("/usr/share/zoneinfo/Europe/Paris").is_file(), reason="no tz database")
def test_a_daylight_saving_zone_has_a_short_day(entries, playlists):
    allday = dict(entries[0], id="ca-ngay", days=WEEKDAYS, start_time="00:00", end_time="24:00",
                  valid_from="2024-01-01", valid_until="2024-12-31")
    spring = signage.timeline([allday], playlists, dt.date(2024, 3, 31), time_zone="Europe/Paris")
    normal = signage.timeline([allday], playlists, dt.date(2024, 3, 30), time_zone="Europe/Paris")
    assert sum((s.duration for s in spring), dt.timedelta()) == dt.timedelta(hours=23)
    assert sum((s.duration for s in normal), dt.timedelta()) == dt.timedelta(hours=24)
    # Hà Nội has no such day.
    hn = signage.timeline([allday], playlists, dt.date(2024, 3, 31))
    assert sum((s.duration for s in hn), dt.timedelta()) == dt.timedelta(hours=24)


def test_model_objects_and_dicts_give_the_same_answers(entries, playlists):
    from pbgdpl import model
    objs = [model.load("schedule_entry", e) for e in entries]
    pls = [model.load("playlist", p) for p in playlists]
    day = dt.date(2024, 3, 4)
    assert signage.timeline(objs, pls, day) == signage.timeline(entries, playlists, day)
    sched = signage.Schedule(objs, pls)
    at = dt.datetime(2024, 3, 4, 10, 0, 5, tzinfo=HANOI)
    got = sched.item_at(at)
    assert got is not None and got == signage.Schedule(entries, playlists).item_at(at)
