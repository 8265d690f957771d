"""The pure parts: who may do what, signed buttons, the per-user rate limit, the wording of device results."""

from __future__ import annotations

import pytest

from bot.callbacks import CallbackError, CallbackSigner, key_from_token
from bot.permissions import home_rooms, may_control, may_query, visible_rooms
from bot.ratelimit import RateLimit, RateLimiter
from bot.replies import describe_results, describe_targets
from devices.model import Outcome, SwitchResult


def user(campus, telegram_id):
    return campus.user(telegram_id)


def test_faculty_controls_own_rooms_only(campus):
    meera = user(campus, 2001)
    assert may_control(meera, campus, ["cr-101-lights"]).allowed
    assert not may_control(meera, campus, ["cr-101-lights"]).confirm
    refused = may_control(meera, campus, ["lab-1-lights"])
    assert not refused.allowed and "Computer Lab 1" in refused.reason and "Classroom 101" in refused.reason
    both = may_control(meera, campus, ["cr-101-lights", "cr-102-lights"])
    assert both.allowed and both.confirm  # two rooms: bulk
    assert may_query(meera, campus, ["cr-102"]).allowed and not may_query(meera, campus, ["lab-1"]).allowed
    assert visible_rooms(meera, campus) == ("cr-101", "cr-102")


def test_operator_queries_everything_controls_only_when_granted(campus):
    ravi, priya = user(campus, 3001), user(campus, 3002)
    assert not may_control(ravi, campus, ["lab-1-fans"]).allowed
    assert may_query(ravi, campus, [r.id for r in campus.rooms]).allowed
    own = may_control(priya, campus, ["auditorium-projector"])  # she owns the auditorium panel
    assert own.allowed and not own.confirm
    elsewhere = may_control(priya, campus, ["lab-1-fans"])
    assert elsewhere.allowed and elsewhere.confirm
    assert home_rooms(priya, campus) == ("seminar-hall", "auditorium")


def test_admin_single_room_direct_bulk_confirmed(campus):
    asha = user(campus, 1001)
    assert may_control(asha, campus, ["lab-3-lights"]) .allowed and not may_control(asha, campus, ["lab-3-lights"]).confirm
    everything = [s.id for s in campus.switches]
    bulk = may_control(asha, campus, everything)
    assert bulk.allowed and bulk.confirm
    one_room_many = [s.id for s in campus.switches if s.room_id == "seminar-hall"]
    assert may_control(asha, campus, one_room_many).confirm == (len(one_room_many) > 6)


def test_signed_buttons_expire_and_resist_forgery():
    now = [1_000_000.0]
    signer = CallbackSigner(key_from_token("123:abc"), clock=lambda: now[0])
    data = signer.sign("c", 4242, user_id=7, ttl_s=300)
    assert len(data.encode()) <= 64
    press = signer.verify(data, 7)
    assert (press.kind, press.ident) == ("c", 4242)
    with pytest.raises(CallbackError) as other_user:
        signer.verify(data, 8)
    assert other_user.value.reason == "forged"
    tampered = data.replace("c", "x", 1)
    with pytest.raises(CallbackError) as kind_changed:
        signer.verify(tampered, 7)
    assert kind_changed.value.reason == "forged"
    other_key = CallbackSigner(key_from_token("123:other"), clock=lambda: now[0])
    with pytest.raises(CallbackError):
        other_key.verify(data, 7)
    for junk in ("", "hello", "1c.1.2", "9c1.2.3", None, "1c!!.zz.abc"):
        with pytest.raises(CallbackError):
            signer.verify(junk, 7)
    now[0] += 301
    with pytest.raises(CallbackError) as late:
        signer.verify(data, 7)
    assert late.value.reason == "expired"


def test_rate_limit_bursts_then_refills_and_warns_once():
    clock = [0.0]
    limiter = RateLimiter(RateLimit(burst=3, per_minute=60), clock=lambda: clock[0])
    assert [limiter.check(1).allowed for _ in range(3)] == [True] * 3
    first, second = limiter.check(1), limiter.check(1)
    assert not first.allowed and first.notify and not second.allowed and not second.notify
    assert limiter.check(2).allowed  # per user
    clock[0] += 1.0
    assert limiter.check(1).allowed
    assert RateLimiter(RateLimit(per_minute=0)).check(1).allowed


def test_results_read_one_line_per_room_with_reasons(campus):
    results = [SwitchResult("cr-101-lights", False, Outcome.CONFIRMED, "", 0.05),
               SwitchResult("cr-101-fans", False, Outcome.CONFIRMED, "", 0.05),
               SwitchResult("cr-202-ac", False, Outcome.OFFLINE, "board cr-202-panel is offline: silent for 300 s")]
    text, outcome = describe_results(campus, results)
    lines = text.splitlines()
    assert lines[0] == "Classroom 101: lights and fans off (2/2 confirmed)"  # the room said once
    assert lines[1].startswith("Classroom 202: AC not switched off: board cr-202-panel is offline")
    already, _ = describe_results(campus, results[:2], already=frozenset({"cr-101-lights"}))
    assert already == "Classroom 101: ceiling fans off (1/1 confirmed); lights already off"
    assert outcome == "partial"
    assert describe_targets(campus, ["cr-101-lights", "lab-1-lights"]) == "2 lights in 2 rooms"
