"""The signage scheduler: what a legal-staircase screen plays, as a pure function of its schedule
entries, its time zone and the instant (the same answers the player and the portal give).

A schedule is a list of schedule entries (dicts or pbgdpl.model ScheduleEntry objects) and the
playlists they name. Times come back as aware datetimes in the display's zone (Hà Nội time,
UTC+7 without daylight saving, by default); naive datetimes given are taken as Hà Nội time.

    sched = signage.Schedule(entries, playlists)
    for slot in sched.timeline(datetime.date(2024, 3, 4)):
        print(slot.start, slot.end, slot.playlist)
    sched.what_plays(datetime.datetime(2024, 3, 4, 8, 0))
"""
from __future__ import annotations

import datetime as _dt
import re as _re
from dataclasses import dataclass
from typing import Any, Dict, Iterable, Iterator, List, Optional

from . import _core
from .errors import ValidationError
from ._util import HANOI, as_dict, from_epoch, handle, ident, load

__all__ = ["HANOI", "Slot", "PlayingItem", "Schedule", "timeline", "what_plays", "item_at", "schedule_for",
           "display_schedule"]


_UTC_OFFSET = _re.compile(r"UTC([+-])([0-9]{2}):([0-9]{2})\Z")
_IANA = _re.compile(r"[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z][A-Za-z0-9_+-]*)*\Z")


def _bad_zone(name: Any) -> ValidationError:
    return ValidationError(f"Invalid time zone name: {name!r}", code="invalid_argument", path="/time_zone",
                           message_vi=f"Tên múi giờ không hợp lệ: {name!r}")


def _zone(name: str) -> _dt.tzinfo:
    # What the library accepts (model/signage is_time_zone_name): "UTC+99:99" or "UTC+ab:cd" were
    # a bare ValueError here, a lone surrogate a TypeError listing the overloads.
    if not isinstance(name, str):
        raise _bad_zone(name)
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationError("The time zone name is not valid UTF-8", code="invalid_utf8", path="/time_zone",
                              message_vi="Tên múi giờ không phải UTF-8 hợp lệ") from None
    if name in ("Asia/Ho_Chi_Minh", "UTC+07:00"):
        return HANOI
    if name == "UTC":
        return _dt.timezone.utc
    if name.startswith("UTC") and len(name) == 9:
        m = _UTC_OFFSET.match(name)
        if not m or int(m.group(2)) > 14 or int(m.group(3)) > 59:
            raise _bad_zone(name)
        sign = 1 if m.group(1) == "+" else -1
        return _dt.timezone(sign * _dt.timedelta(hours=int(m.group(2)), minutes=int(m.group(3))), name)
    if len(name) > 64 or not _IANA.match(name) or ".." in name:  # the library's rule: nothing that walks a path
        raise _bad_zone(name)
    try:
        from zoneinfo import ZoneInfo
        return ZoneInfo(name)
    except Exception:  # no tz database: the instants are right, shown in UTC
        return _dt.timezone.utc


@dataclass(frozen=True)
class Slot:
    """A stretch of time [start, end) during which one schedule entry's playlist plays."""
    start: _dt.datetime
    end: _dt.datetime
    entry: str
    playlist: str
    emergency: bool
    fallback: bool
    priority: int

    @property
    def duration(self) -> _dt.timedelta:
        """The elapsed time from start to end (computed in UTC: on a daylight-saving day of a zone
        that has one, wall-clock subtraction would be an hour off)."""
        return self.end.astimezone(_dt.timezone.utc) - self.start.astimezone(_dt.timezone.utc)


@dataclass(frozen=True)
class PlayingItem:
    """The playlist item playing at an instant: its index in the playlist and its run."""
    index: int
    start: _dt.datetime
    end: _dt.datetime
    item: Any


def _slot(d: Dict[str, Any], tz: _dt.tzinfo) -> Slot:
    return Slot(from_epoch(d["start"], tz), from_epoch(d["end"], tz), d["entry"], d["playlist"], d["emergency"],
                d["fallback"], d["priority"])


def timeline(entries: Iterable[Any], playlists: Iterable[Any], day: _dt.date, *,
             time_zone: str = "Asia/Ho_Chi_Minh") -> List[Slot]:
    """A local day's slots, in order, merged when adjacent slots have the same entry; empty
    stretches have no slot. ValidationError for a malformed entry or playlist (path names it),
    NotFoundError for an entry whose playlist is not given or an unknown time zone."""
    tz = _zone(time_zone)
    return [_slot(d, tz) for d in _core.signage_timeline(list(entries), list(playlists), day, time_zone)]


def what_plays(entries: Iterable[Any], playlists: Iterable[Any], at: _dt.datetime, *,
               time_zone: str = "Asia/Ho_Chi_Minh") -> Optional[Slot]:
    """The slot that wins at `at` (emergency over the rest, fallback last, then priority), with its
    contiguous run around `at`; None when nothing plays."""
    tz = _zone(time_zone)
    d = _core.signage_what_plays(list(entries), list(playlists), at, time_zone)
    return None if d is None else _slot(d, tz)


def item_at(playlist: Any, slot_start: _dt.datetime, at: _dt.datetime, *,
            time_zone: str = "Asia/Ho_Chi_Minh") -> Optional[PlayingItem]:
    """Which item of a playlist plays at `at` when it loops from slot_start; None before the slot
    or for an empty playlist."""
    tz = _zone(time_zone)
    d = _core.signage_item_at(playlist, slot_start, at)
    if d is None:
        return None
    items = as_dict(playlist).get("items", [])
    item = items[d["index"]] if d["index"] < len(items) else None
    return PlayingItem(d["index"], from_epoch(d["start"], tz), from_epoch(d["end"], tz), item)


class Schedule:
    """A display's schedule: entries and the playlists they name, in one time zone."""

    def __init__(self, entries: Iterable[Any], playlists: Iterable[Any], *,
                 time_zone: str = "Asia/Ho_Chi_Minh") -> None:
        self.entries: List[Any] = list(entries)
        self.playlists: List[Any] = list(playlists)
        self.time_zone = time_zone

    def _playlist(self, pid: str) -> Any:
        for p in self.playlists:
            if ident(p, "playlist") == pid:
                return p
        return None

    def timeline(self, day: _dt.date) -> List[Slot]:
        """The day's slots (see pbgdpl.signage.timeline)."""
        return timeline(self.entries, self.playlists, day, time_zone=self.time_zone)

    def days(self, first: _dt.date, last: _dt.date) -> Iterator[Slot]:
        """The slots of every day from first to last (both included), in order."""
        d = first
        while d <= last:
            yield from self.timeline(d)
            d += _dt.timedelta(days=1)

    def what_plays(self, at: _dt.datetime) -> Optional[Slot]:
        """The slot playing at `at`, or None."""
        return what_plays(self.entries, self.playlists, at, time_zone=self.time_zone)

    def item_at(self, at: _dt.datetime) -> Optional[PlayingItem]:
        """The playlist item on screen at `at` (the winning slot's playlist looped from its start)."""
        s = self.what_plays(at)
        if s is None:
            return None
        p = self._playlist(s.playlist)
        return None if p is None else item_at(p, s.start, at, time_zone=self.time_zone)


def schedule_for(display: Any, groups: Iterable[Any], entries: Iterable[Any], playlists: Iterable[Any]) -> Schedule:
    """What a display may play: the entries of its group and of every group above it (a parent
    cycle ends the walk) and the playlists they name, in the display's time zone."""
    d = _core.signage_schedule_for(display, list(groups), list(entries), list(playlists))
    zone = as_dict(display).get("time_zone") or "Asia/Ho_Chi_Minh"
    return Schedule([load("schedule_entry", e) for e in d["entries"]], [load("playlist", p) for p in d["playlists"]],
                    time_zone=zone)


def display_schedule(store: Any, display: Any) -> Schedule:
    """The schedule of a stored display (by id or record), read from the store."""
    d = _core.signage_display_schedule(handle(store), ident(display, "display"))
    return Schedule([load("schedule_entry", e) for e in d["entries"]], [load("playlist", p) for p in d["playlists"]],
                    time_zone=d["time_zone"] or "Asia/Ho_Chi_Minh")
