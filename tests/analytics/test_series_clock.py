"""UTC hours <-> campus wall-clock hours, and timestamp texts read on the clock they state."""

import pandas as pd

from analytics.series import hourly_series, local_hours, utc_hours, wall_clock


def test_utc_hours_to_a_campus_clock_across_both_daylight_saving_changes():
    utc = pd.date_range("2025-03-30 00:00", "2025-03-30 02:00", freq="h")  # 01:00 UTC: London's clocks go forward
    spring = local_hours(pd.Series([1.0, 2.0, 3.0], index=utc), "Europe/London")
    assert list(spring.index) == list(pd.date_range("2025-03-30 00:00", "2025-03-30 03:00", freq="h"))
    assert spring.iloc[0] == 1.0 and pd.isna(spring.iloc[1]) and list(spring.iloc[2:]) == [2.0, 3.0]  # 01:00 skipped
    autumn_utc = pd.date_range("2025-10-26 00:00", "2025-10-26 01:00", freq="h")  # 01:00 local happens twice
    autumn = local_hours(pd.Series([1.0, 2.0], index=autumn_utc), "Europe/London")
    assert list(autumn.index) == [pd.Timestamp("2025-10-26 01:00")] and autumn.iloc[0] == 3.0
    ist = local_hours(pd.Series([5.0], index=pd.DatetimeIndex(["2025-01-06 03:00"])), "Asia/Kolkata")
    assert list(ist.index) == [pd.Timestamp("2025-01-06 08:00")]  # 08:30 IST, filed under 08:00
    assert list(utc_hours(ist.index, "Asia/Kolkata")) == [pd.Timestamp("2025-01-06 02:30")]


def test_timestamp_texts_keep_their_wall_clock():
    raw = pd.Series(["2025-03-30T00:00:00+00:00", "2025-03-30T02:00:00+01:00", "2025-03-30 03:00", "2025-03-30"])
    assert list(wall_clock(raw)) == ["2025-03-30T00:00:00", "2025-03-30T02:00:00", "2025-03-30 03:00", "2025-03-30"]
    series = hourly_series(pd.DataFrame({"timestamp": raw[:2], "value": [1.0, 2.0]}))  # mixed offsets: no error
    assert list(series.index) == list(pd.date_range("2025-03-30 00:00", "2025-03-30 02:00", freq="h"))
