"""A stand-in for Open-Meteo on 127.0.0.1 (this machine cannot reach the real one): answers the forecast and
archive endpoints with Open-Meteo-shaped JSON, records every request, and misbehaves on demand."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

UTC = dt.timezone.utc


def mild(ts: dt.datetime) -> float:
    """A deterministic daily cycle: 20 C at midnight UTC up to 31 C at 11:00."""
    return 20.0 + ts.hour % 12


@dataclass
class FakeOpenMeteo:
    """mode: ok, some-nulls, all-nulls, http-500, http-429, slow, not-json, ragged (lists of two lengths), offset
    (times not on UTC). temperature: the value served for each hour."""

    mode: str = "ok"
    temperature: Callable[[dt.datetime], float] = mild
    slow_s: float = 2.0
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    @property
    def forecast_url(self) -> str:
        return f"{self.base}/v1/forecast"

    @property
    def archive_url(self) -> str:
        return f"{self.base}/v1/archive"

    def hours(self, path: str, query: dict[str, str]) -> list[dt.datetime]:
        if path.endswith("/forecast"):
            today = dt.datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
            start = today - dt.timedelta(days=int(query["past_days"]))
            count = 24 * (int(query["past_days"]) + int(query["forecast_days"]))
        else:
            start = dt.datetime.fromisoformat(query["start_date"]).replace(tzinfo=UTC)
            end = dt.datetime.fromisoformat(query["end_date"]).replace(tzinfo=UTC)
            count = 24 * ((end - start).days + 1)
        return [start + dt.timedelta(hours=i) for i in range(count)]

    def answer(self, path: str, query: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        if self.mode == "http-500":
            return 500, {}, b"internal error"
        if self.mode == "http-429":
            return 429, {"Retry-After": "60"}, json.dumps({"error": True, "reason": "Too many requests"}).encode()
        if self.mode == "not-json":
            return 200, {}, b"<html>maintenance</html>"
        if self.mode == "slow":
            time.sleep(self.slow_s)
        hours = self.hours(path, query)
        temps: list[float | None] = [round(self.temperature(h), 1) for h in hours]
        if self.mode == "all-nulls":
            temps = [None] * len(hours)
        if self.mode == "some-nulls":
            temps = [None if i % 10 == 0 else t for i, t in enumerate(temps)]
        if self.mode == "ragged":
            temps = temps[:-1]
        body = {"latitude": float(query["latitude"]), "longitude": float(query["longitude"]),
                "utc_offset_seconds": 19800 if self.mode == "offset" else 0, "timezone": query.get("timezone"),
                "hourly_units": {"time": "iso8601", "temperature_2m": "°C"},
                "hourly": {"time": [h.strftime("%Y-%m-%dT%H:%M") for h in hours], "temperature_2m": temps}}
        return 200, {"Content-Type": "application/json"}, json.dumps(body).encode()

    def __enter__(self) -> "FakeOpenMeteo":
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                fake.requests.append((parts.path, query))
                status, headers, body = fake.answer(parts.path, query)
                try:
                    self.send_response(status)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (the timeout test)
                    pass

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
