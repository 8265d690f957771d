from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.weather.fake_open_meteo import FakeOpenMeteo

COORDS = (18.5204, 73.8567)
# The minimal campus (Asia/Kolkata) at Pune.
CAMPUS_WITH_COORDS = """campus: {name: Demo Institute of Technology, timezone: Asia/Kolkata, latitude: 18.5204, longitude: 73.8567}
buildings:
  - id: block-a
    name: Block A
    rooms:
      - id: cr-101
        name: Classroom 101
        switches:
          - {id: cr-101-ac, name: AC, type: ac}
"""


@pytest.fixture
def open_meteo() -> Iterator[FakeOpenMeteo]:
    with FakeOpenMeteo() as fake:
        yield fake
