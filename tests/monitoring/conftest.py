from __future__ import annotations

import shutil

import pytest


@pytest.fixture(autouse=True)
def _prometheus_tools() -> None:
    # Debian's prometheus and prometheus-alertmanager (scripts/setup.sh installs them); fail loudly, never skip.
    missing = [tool for tool in ("promtool", "amtool", "prometheus") if shutil.which(tool) is None]
    if missing:
        pytest.fail(f"monitoring tests need {', '.join(missing)}: run scripts/setup.sh")
