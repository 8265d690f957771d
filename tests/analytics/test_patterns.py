import pandas as pd
import pytest

from analytics.patterns import cluster_usage, profile_series
from tests.analytics.conftest import classroom, hostel, lab


def _campus() -> pd.DataFrame:
    cols = {}
    for i in range(4):
        cols[f"classroom-{i}"] = classroom(seed=10 + i, weeks=4)
        cols[f"lab-{i}"] = lab(seed=20 + i, weeks=4) * (1 + i)
        cols[f"hostel-{i}"] = hostel(seed=30 + i, weeks=4)
    return pd.DataFrame(cols)


def test_silhouette_finds_the_three_kinds_of_room():
    result = cluster_usage(_campus())
    assert result.k == 3 and result.silhouette > 0.5
    groups = {frozenset(m.split("-")[0] for m in c.members) for c in result.clusters}
    assert groups == {frozenset({"classroom"}), frozenset({"lab"}), frozenset({"hostel"})}
    by_kind = {c.members[0].split("-")[0]: c for c in result.clusters}
    assert 8 <= by_kind["classroom"].peak_hour <= 16 and by_kind["classroom"].weekend_ratio < 0.3
    assert by_kind["hostel"].peak_hour in (18, 19, 20, 21, 22, 23, 0) and by_kind["hostel"].weekend_ratio == pytest.approx(1, abs=0.1)
    assert "quiet at weekends" in by_kind["classroom"].label
    # Typical daily energy: 0.1 kW all day + 1.4 kW for most of 9 class hours on 5/7 days.
    assert 5 < by_kind["classroom"].daily_energy < 12


def test_given_k_is_used():
    result = cluster_usage(_campus(), k=2)
    assert result.k == 2 and len(result.clusters) == 2
    assert sorted(len(c.members) for c in result.clusters) in ([4, 8],)


def test_profile_needs_a_day_and_bad_k_is_clear():
    assert profile_series("x", classroom(weeks=1).iloc[:10]) is None
    with pytest.raises(ValueError, match="k must be between 1"):
        cluster_usage(_campus(), k=40)
