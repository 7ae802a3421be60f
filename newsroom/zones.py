"""Time zones: the one place where a time is turned from UTC into a person's or a place's clock,
and back.

The database keeps every time in UTC. An editor types and reads times on their own clock (their
account's zone, else the site's, SITE_TIMEZONE); a story's page shows them on its dateline's. The
story form, the admin lists and the reader pages all convert here.
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from flask import current_app

UTC_ZONE = ZoneInfo("UTC")
# The names the region uses where the time-zone database gives only an offset ("+07").
LOCAL_ABBREVIATIONS = {
    "Asia/Bangkok": "ICT",
    "Asia/Ho_Chi_Minh": "ICT",
    "Asia/Phnom_Penh": "ICT",
    "Asia/Vientiane": "ICT",
    "Asia/Jakarta": "WIB",
    "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA",
    "Asia/Jayapura": "WIT",
    "Asia/Singapore": "SGT",
    "Asia/Kuala_Lumpur": "MYT",
    "Asia/Kuching": "MYT",
    "Asia/Brunei": "BNT",
    "Asia/Yangon": "MMT",
    "Asia/Kathmandu": "NPT",
    "Asia/Thimphu": "BTT",
    "Asia/Dubai": "GST",
    "Asia/Kabul": "AFT",
    "Asia/Dili": "TLT",
    "Asia/Ulaanbaatar": "ULAT",
    "Asia/Tashkent": "UZT",
}
# The plain English name of each zone the newsroom's countries use: a country front's fact line
# says "Philippine Time (UTC+8)". Zones that move their clocks get the name that fits all year.
PLAIN_NAMES = {
    "Asia/Shanghai": "China Standard Time",
    "Asia/Hong_Kong": "Hong Kong Time",
    "Asia/Macau": "Macau Standard Time",
    "Asia/Taipei": "Taipei Standard Time",
    "Asia/Tokyo": "Japan Standard Time",
    "Asia/Seoul": "Korea Standard Time",
    "Asia/Pyongyang": "Pyongyang Time",
    "Asia/Ulaanbaatar": "Ulaanbaatar Time",
    "Asia/Brunei": "Brunei Time",
    "Asia/Bangkok": "Indochina Time",
    "Asia/Ho_Chi_Minh": "Indochina Time",
    "Asia/Phnom_Penh": "Indochina Time",
    "Asia/Vientiane": "Indochina Time",
    "Asia/Jakarta": "Western Indonesia Time",
    "Asia/Pontianak": "Western Indonesia Time",
    "Asia/Makassar": "Central Indonesia Time",
    "Asia/Jayapura": "Eastern Indonesia Time",
    "Asia/Kuala_Lumpur": "Malaysia Time",
    "Asia/Kuching": "Malaysia Time",
    "Asia/Yangon": "Myanmar Time",
    "Asia/Manila": "Philippine Time",
    "Asia/Singapore": "Singapore Standard Time",
    "Asia/Dili": "East Timor Time",
    "Asia/Kabul": "Afghanistan Time",
    "Asia/Dhaka": "Bangladesh Standard Time",
    "Asia/Thimphu": "Bhutan Time",
    "Asia/Kolkata": "India Standard Time",
    "Indian/Maldives": "Maldives Time",
    "Asia/Kathmandu": "Nepal Time",
    "Asia/Karachi": "Pakistan Standard Time",
    "Asia/Colombo": "Sri Lanka Standard Time",
    "Asia/Almaty": "Kazakhstan Time",
    "Asia/Bishkek": "Kyrgyzstan Time",
    "Asia/Dushanbe": "Tajikistan Time",
    "Asia/Ashgabat": "Turkmenistan Time",
    "Asia/Tashkent": "Uzbekistan Time",
    "Asia/Yerevan": "Armenia Time",
    "Asia/Baku": "Azerbaijan Time",
    "Asia/Tbilisi": "Georgia Time",
    "Asia/Tehran": "Iran Time",
    "Asia/Baghdad": "Arabia Standard Time",
    "Asia/Bahrain": "Arabia Standard Time",
    "Asia/Kuwait": "Arabia Standard Time",
    "Asia/Qatar": "Arabia Standard Time",
    "Asia/Riyadh": "Arabia Standard Time",
    "Asia/Aden": "Arabia Standard Time",
    "Asia/Dubai": "Gulf Standard Time",
    "Asia/Muscat": "Gulf Standard Time",
    "Asia/Jerusalem": "Israel Time",
    "Asia/Amman": "Jordan Time",
    "Asia/Damascus": "Syria Time",
    "Asia/Beirut": "Eastern European Time",
    "Asia/Nicosia": "Eastern European Time",
    "Asia/Gaza": "Eastern European Time",
    "Europe/Istanbul": "Turkey Time",
    "UTC": "Coordinated Universal Time",
}
# Letters the time-zone database gives that name another zone elsewhere: Manila's "PST" reads as
# US Pacific, Beijing's and Taipei's "CST" as US Central. These zones show their offset instead.
AMBIGUOUS_ABBREVIATIONS = frozenset({"PST", "CST"})


class NoSuchTime(ValueError):
    """A wall-clock time that does not happen in a zone: the clocks jump over it (DST)."""


@functools.cache
def zone_names() -> frozenset[str]:
    """Every zone name the time-zone database knows (Asia/Bangkok, Europe/London, UTC...)."""
    return frozenset(available_timezones())


def is_zone(name: str | None) -> bool:
    return bool(name) and name in zone_names()


def site_zone() -> ZoneInfo:
    """The newsroom's home zone (SITE_TIMEZONE): everyone's until they choose their own."""
    return _zone(current_app.config.get("SITE_TIMEZONE")) or UTC_ZONE


def zone_of(user) -> ZoneInfo:
    """The zone this person reads and types times in: their own, else the site's."""
    return _zone(getattr(user, "timezone", None)) or site_zone()


def _zone(name: str | None) -> ZoneInfo | None:
    if not is_zone(name):
        return None
    try:
        return zone_named(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


@functools.cache
def zone_named(name: str) -> ZoneInfo:
    """The zone of this name, made once per process: ZoneInfo keeps only its last few zones, and
    a page with stories from many countries would read their tzdata files again on every call."""
    return ZoneInfo(name)


def to_utc(wall: datetime, zone: ZoneInfo) -> datetime:
    """A wall-clock time typed in `zone`, as an aware UTC datetime.

    A time the clocks skip (02:30 when they go forward) is refused (NoSuchTime); a time that
    happens twice (when they go back) is the first of the two."""
    local = wall.replace(tzinfo=zone, fold=0)
    there = local.astimezone(UTC)
    if there.astimezone(zone).replace(tzinfo=None) != wall.replace(tzinfo=None):
        raise NoSuchTime(
            f"{wall:%H:%M} does not exist on {wall.day} {wall:%b %Y} in {place_name(zone)}: "
            "the clocks go forward then. Choose another time."
        )
    return there


def wall_clock(when: datetime, zone: ZoneInfo) -> datetime:
    """A UTC time as the naive wall-clock time a form field shows in `zone`, to the minute."""
    return when.astimezone(zone).replace(tzinfo=None, second=0, microsecond=0)


def abbreviation(there: datetime) -> str:
    """The newsroom's label: KST, JST, ICT, BST; for zones without a letter abbreviation, or
    with one that names another zone too (Manila's PST, Beijing's CST), UTC+8 rather than '+08'."""
    key = getattr(there.tzinfo, "key", None)
    if key in LOCAL_ABBREVIATIONS:
        return LOCAL_ABBREVIATIONS[key]
    name = there.strftime("%Z")
    if name and (name[0] in "+-" or name in AMBIGUOUS_ABBREVIATIONS):
        return utc_offset(there)
    return name


def utc_offset(there: datetime) -> str:
    """The readers' label, the same in every zone: UTC+8, UTC+5:30, UTC-5, UTC."""
    return "UTC" + _offset(there)


def _offset(there: datetime) -> str:
    """'+8', '+5:30', '-3:30', or '' for UTC itself."""
    minutes = int((there.utcoffset() or timedelta()).total_seconds() // 60)
    if not minutes:
        return ""
    sign = "+" if minutes > 0 else "-"
    hours, mins = divmod(abs(minutes), 60)
    return f"{sign}{hours}" + (f":{mins:02d}" if mins else "")


def place_name(zone: ZoneInfo) -> str:
    """Asia/Ho_Chi_Minh -> Ho Chi Minh: the place a zone is named after."""
    return str(zone.key).rsplit("/", 1)[-1].replace("_", " ")


def clock(when: datetime, zone: ZoneInfo) -> str:
    """'09:00 ICT' in the zone."""
    there = when.astimezone(zone)
    return f"{there:%H:%M} {abbreviation(there)}"


def readings(
    when: datetime, editor: ZoneInfo, dateline: ZoneInfo | None = None, dateline_place: str = ""
) -> list[str]:
    """The instant on the editor's clock, then on UTC and on the dateline's unless that is the
    editor's own: ["09:00 ICT (Bangkok)", "02:00 UTC", "11:00 JST Tokyo dateline"], the line
    beside the story form's time. A clock on another day than the editor's says which."""
    mine = when.astimezone(editor)
    shown = [f"{clock(when, editor)} ({place_name(editor)})"]
    others = [(UTC_ZONE, "")]
    if dateline is not None:
        others.append((dateline, f" {dateline_place or place_name(dateline)} dateline"))
    for zone, label in others:
        there = when.astimezone(zone)
        if abbreviation(there) == abbreviation(mine) and there.utcoffset() == mine.utcoffset():
            continue  # the editor's own clock, said once
        day = f" ({there:%a} {there.day} {there:%b})" if there.date() != mine.date() else ""
        shown.append(f"{clock(when, zone)}{label}{day}")
    return shown


def zone_name(zone: ZoneInfo, when: datetime | None = None) -> str:
    """The zone's plain English name ("Philippine Time"), else its offset now ("UTC+8")."""
    return PLAIN_NAMES.get(str(zone.key)) or utc_offset(
        (when or datetime.now(UTC)).astimezone(zone)
    )
