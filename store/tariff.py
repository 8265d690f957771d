"""The campus tariff: a flat price per kWh, optionally with time-of-day bands (campus local time), from the campus
file's `campus.tariff`. Bands may wrap midnight ("22:00"-"06:00"); an hour in no band pays the flat price.

    campus:
      tariff:
        currency: INR
        per_kwh: 8.5
        bands:
          - {start: "18:00", end: "22:00", per_kwh: 11.0}   # evening peak
          - {start: "22:00", end: "06:00", per_kwh: 6.0}    # night
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator


@dataclass(frozen=True)
class TariffBand:
    """Hours from `start` (included) to `end` (excluded), campus local time, at `per_kwh`."""

    start: dt.time
    end: dt.time
    per_kwh: float

    def covers(self, at: dt.time) -> bool:
        if self.start <= self.end:
            return self.start <= at < self.end
        return at >= self.start or at < self.end  # wraps midnight


@dataclass(frozen=True)
class Tariff:
    """`currency`: ISO code shown with costs; `per_kwh`: the flat price (hours in no band); `bands`: time-of-day
    prices, the first band covering an hour wins."""

    currency: str
    per_kwh: float
    bands: tuple[TariffBand, ...] = ()

    def price_at(self, local: dt.time) -> float:
        return next((b.per_kwh for b in self.bands if b.covers(local)), self.per_kwh)

    def to_json(self) -> dict[str, Any]:
        return {"currency": self.currency, "per_kwh": self.per_kwh,
                "bands": [{"start": b.start.isoformat("minutes"), "end": b.end.isoformat("minutes"),
                           "per_kwh": b.per_kwh} for b in self.bands]}

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> "Tariff | None":
        if not data:
            return None
        return cls(data["currency"], float(data["per_kwh"]),
                   tuple(TariffBand(dt.time.fromisoformat(b["start"]), dt.time.fromisoformat(b["end"]),
                                    float(b["per_kwh"])) for b in data.get("bands") or ()))


class TariffBandSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    start: dt.time
    end: dt.time
    per_kwh: float = Field(ge=0, description="price per kWh in these hours")

    @model_validator(mode="after")
    def _not_empty(self) -> "TariffBandSpec":
        if self.start == self.end:
            raise ValueError("a tariff band needs different start and end times")
        if self.start.minute or self.end.minute:
            raise ValueError("tariff bands start and end on the hour (readings are hourly)")
        return self


class TariffSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    currency: str = Field("INR", min_length=3, max_length=3, description="ISO 4217 code, e.g. INR")
    per_kwh: float = Field(ge=0, description="flat price per kWh (and the price of hours in no band)")
    bands: tuple[TariffBandSpec, ...] = ()

    def build(self) -> Tariff:
        return Tariff(self.currency.upper(), self.per_kwh,
                      tuple(TariffBand(b.start, b.end, b.per_kwh) for b in self.bands))


def format_money(amount: float, currency: str) -> str:
    symbol = {"INR": "\u20b9", "USD": "$", "EUR": "\u20ac", "GBP": "\u00a3"}.get(currency)
    return f"{symbol}{amount:,.0f}" if symbol else f"{amount:,.0f} {currency}"
