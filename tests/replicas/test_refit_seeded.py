"""The refit bench's seeded choices (bench/replicas.py refit-many --choices-from): choices drawn from a measured first
night and written through the store's own path are refitted by the next night, not chosen again by backtest, so
the 10,000-series figure is a next night's cost and not a first night's."""

from __future__ import annotations

from pathlib import Path

from bench.replicas import draw_choices, recorded_choices, seed_choices
from autovolt.model_refit import run_refit
from store.db import session_scope
from store.model_runs import latest_run, room_series_key
from store.registry import load_registry


def test_drawn_choices_are_refitted_as_drawn_and_a_room_drawn_none_is_chosen(sqlite_url: str, tmp_path: Path) -> None:
    from autovolt.commands.demo import prepare_demo

    prepare_demo(sqlite_url, weeks=6, reset=True)
    with session_scope(sqlite_url) as session:
        rooms = [r.id for r in load_registry(session).rooms][:4]
    first = run_refit(sqlite_url, tmp_path / "first", room_ids=rooms[:2], workers=1)
    assert {r.status for r in first} == {"chosen"}, [r.line() for r in first]

    measured = recorded_choices(sqlite_url)
    assert set(measured) >= set(rooms) and measured[rooms[3]] is None  # a room the first night did not fit
    drawn = draw_choices(rooms[:3], [measured[rooms[0]], measured[rooms[1]]])
    drawn[rooms[3]] = None
    assert seed_choices(sqlite_url, drawn) == 3

    with session_scope(sqlite_url) as session:
        seeded = {r: latest_run(session, room_series_key(r)) for r in rooms}
    assert seeded[rooms[3]] is None
    for room in rooms[:3]:
        assert seeded[room].model == drawn[room]["model"] and seeded[room].artifact_path is None

    results = {r.series_key: r for r in run_refit(sqlite_url, tmp_path / "next", room_ids=rooms, workers=1)}
    for room in rooms[:3]:
        result = results[room_series_key(room)]
        assert result.status == "refitted", result.line()
        assert result.model == drawn[room]["model"]
        assert result.chosen_at == seeded[room].backtest["chosen_at"]
    assert results[room_series_key(rooms[3])].status == "chosen"
