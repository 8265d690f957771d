from __future__ import annotations

import datetime as dt

import pytest

from store.campus import CampusFileError, Closure, load_campus_file, parse_campus_text
from tests.conftest import CLOSURES_CAMPUS, DEMO_CAMPUS, MINIMAL_CAMPUS

CALENDAR_HEAD = "campus:\n  name: T\n  country: IN\n"
MINIMAL_HEAD = """campus: {name: T, timezone: Asia/Kolkata}
buildings:
  - id: block-a
    name: Block A
    rooms:
"""


def test_minimal_campus_loads_with_defaults():
    campus = load_campus_file(MINIMAL_CAMPUS)
    assert campus.timezone == "Asia/Kolkata"
    assert [r.id for r in campus.rooms] == ["cr-101"]
    lights = campus.switches[0]
    assert (lights.id, lights.type, lights.rated_watts, lights.board_id) == ("cr-101-lights", "light", 40.0, None)
    assert campus.rooms[0].aliases == ("room 101",)
    assert campus.rooms[0].class_hours.weekdays == frozenset({0, 1, 2, 3, 4})
    assert campus.subdivision is None and campus.closures == ()  # both optional: older files stay valid


def test_demo_campus_is_big_enough():
    campus = load_campus_file(DEMO_CAMPUS)
    assert len(campus.buildings) >= 3 and len(campus.rooms) >= 12 and len(campus.switches) >= 60
    assert {u.role for u in campus.users} == {"admin", "faculty", "operator"}
    # AutoVolt boards get the firmware's GPIOs in order; Tasmota boards POWER1..n.
    cr101 = [s for s in campus.switches if s.room_id == "cr-101"]
    assert [s.gpio for s in cr101] == [16, 17, 18, 19, 21]
    hall = [s for s in campus.switches if s.room_id == "auditorium"]
    assert [s.channel for s in hall] == [1, 2, 3, 4, 5, 6]
    assert "demo-secret" not in repr(campus.boards[0])


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("campus: {name: T\n", "f.yaml:2: invalid YAML"),
        (MINIMAL_HEAD + "      - id: r1\n        name: R\n        switches:\n          - {id: s1, name: S, type: lamp}\n",
         "f.yaml:9: buildings[0].rooms[0].switches[0].type: unknown switch type 'lamp'"),
        (MINIMAL_HEAD + "      - id: r1\n        name: R\n      - id: r1\n        name: R again\n",
         "f.yaml:8: buildings[0].rooms[1].id: duplicate room id 'r1'"),
        (MINIMAL_HEAD + "      - id: r1\n        nmae: R\n", "f.yaml:6: buildings[0].rooms[0].name: Field required"),
        ("campus: {name: T, timezone: Mars/Olympus}\n", "f.yaml:1: campus.timezone: unknown time zone 'Mars/Olympus'"),
        ("campus: {name: T}\nusers:\n  - {telegram_id: 1, name: A, role: faculty, rooms: [nowhere]}\n",
         "f.yaml:3: users[0].rooms[0]: unknown room 'nowhere'"),
        ("- just a list\n", "f.yaml:1: expected a mapping"),
        (CALENDAR_HEAD + "  closures:\n    - {name: Exams, start: 2025-11-01, end: 2025-11-03}\n"
                         "    - {name: Strike, start: 2025-11-12, end: 2025-11-11}\n",
         "f.yaml:6: campus.closures[1]: closure end is before its start"),
        (CALENDAR_HEAD + "  closures:\n    - {name: Strike, start: 2025-11-12}\n",
         "f.yaml:5: campus.closures[0].end: Field required"),
        (CALENDAR_HEAD + "  closures:\n    - {name: Strike, start: 2025-11-12, end: someday}\n",
         "f.yaml:5: campus.closures[0].end: Input should be a valid date"),
        (CALENDAR_HEAD + "  subdivision: XX\n",
         "f.yaml:4: campus.subdivision: unknown subdivision 'XX' of IN, expected one of AN, AP, AR,"),
        ("campus:\n  name: T\n  subdivision: MH\n",
         "f.yaml:3: campus.subdivision: a subdivision needs the campus country as well"),
        ("campus:\n  name: T\n  country: GB\n  subdivision: MH\n",
         "f.yaml:4: campus.subdivision: unknown subdivision 'MH' of GB, expected one of ENG, NIR, SCT, WLS"),
    ],
)
def test_malformed_campus_is_reported_by_line_and_field(body, expected):
    with pytest.raises(CampusFileError) as info:
        parse_campus_text(body, "f.yaml")
    message = str(info.value)
    assert message.startswith(expected), message
    assert "\n" not in message


def test_two_switches_on_one_relay_are_refused():
    body = MINIMAL_HEAD + """      - id: r1
        name: R
        boards: [{id: p1, mac: "AA:BB:CC:DD:EE:01", secret: s}]
        switches:
          - {id: a, name: A, type: light, gpio: 16}
          - {id: b, name: B, type: fan, gpio: 16}
"""
    with pytest.raises(CampusFileError, match="same relay 16"):
        parse_campus_text(body, "f.yaml")


def test_subdivision_and_closures_load():
    campus = load_campus_file(CLOSURES_CAMPUS)
    assert (campus.country, campus.subdivision) == ("IN", "MH")
    assert campus.closures == (Closure("Diwali break", dt.date(2025, 10, 20), dt.date(2025, 10, 24)),
                               Closure("Strike day", dt.date(2025, 11, 12), dt.date(2025, 11, 12)))


@pytest.mark.parametrize("given", ["MH", "mh", "Maharashtra"])
def test_a_subdivision_is_kept_as_its_holidays_code(given):
    campus = parse_campus_text(f"campus: {{name: T, country: IN, subdivision: {given}}}\n", "f.yaml")
    assert campus.subdivision == "MH"


def test_coordinates_are_optional_and_kept():
    assert load_campus_file(MINIMAL_CAMPUS).coordinates is None
    campus = parse_campus_text("campus: {name: T, latitude: 18.52, longitude: 73.86}\n", "f.yaml")
    assert (campus.latitude, campus.longitude, campus.coordinates) == (18.52, 73.86, (18.52, 73.86))


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        ("  latitude: 18.5\n", "f.yaml:3: campus.latitude: give campus.longitude as well (both or neither)"),
        ("  longitude: 73.8\n", "f.yaml:3: campus.longitude: give campus.latitude as well (both or neither)"),
        ("  latitude: 95\n  longitude: 73.8\n", "f.yaml:3: campus.latitude: Input should be less than or equal to 90"),
        ("  latitude: 18.5\n  longitude: -181\n",
         "f.yaml:4: campus.longitude: Input should be greater than or equal to -180"),
        ("  latitude: north\n  longitude: 73.8\n", "f.yaml:3: campus.latitude: Input should be a valid number"),
    ],
)
def test_bad_coordinates_are_reported_by_line_and_field(head, expected):
    with pytest.raises(CampusFileError) as info:
        parse_campus_text("campus:\n  name: T\n" + head, "f.yaml")
    assert str(info.value).startswith(expected), str(info.value)
