"""PNG charts for replies: energy over time, and a forecast with its uncertainty band.

Uses matplotlib's object API with the Agg canvas (no pyplot global state), so charts can be drawn from worker
threads side by side.
"""

from __future__ import annotations

import io

import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import DateFormatter
from matplotlib.figure import Figure

_SIZE = (8, 4)
_DPI = 100


def _png(fig: Figure) -> bytes:
    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=_DPI, bbox_inches="tight")
    return buf.getvalue()


def energy_chart(kwh: pd.Series, title: str, tz: str) -> bytes:
    """Bars of energy (kWh) per step of `kwh`'s index (hours or days, aware timestamps), in zone `tz`."""
    fig = Figure(figsize=_SIZE)
    ax = fig.add_subplot()
    index = kwh.index.tz_convert(tz) if kwh.index.tz is not None else kwh.index
    daily = len(index) > 1 and (index[1] - index[0]) >= pd.Timedelta(days=1)
    labels = [t.strftime("%a %d %b" if daily else "%H:%M") for t in index]
    positions = list(range(len(index)))
    ax.bar(positions, kwh.to_numpy(), width=0.8, color="#2a7ab9")
    every = max(1, len(positions) // 12)  # at most about a dozen labels
    ax.set_xticks(positions[::every], labels[::every], rotation=30, ha="right")
    ax.set_title(title)
    ax.set_ylabel("kWh")
    ax.grid(axis="y", alpha=0.3)
    return _png(fig)


def forecast_chart(history: pd.Series, forecast: pd.DataFrame, title: str, tz: str) -> bytes:
    """Recent hourly kWh as a line, then the forecast `yhat` with its `yhat_lower`..`yhat_upper` band."""
    fig = Figure(figsize=_SIZE)
    ax = fig.add_subplot()

    def local(index: pd.DatetimeIndex) -> pd.DatetimeIndex:
        index = index.tz_localize("UTC") if index.tz is None else index
        return index.tz_convert(tz).tz_localize(None)

    ax.plot(local(history.index), history.to_numpy(), color="#444444", linewidth=1.2, label="measured")
    fx = local(forecast.index)
    ax.fill_between(fx, forecast["yhat_lower"].to_numpy(), forecast["yhat_upper"].to_numpy(), color="#f0a030",
                    alpha=0.3, label="likely range")
    ax.plot(fx, forecast["yhat"].to_numpy(), color="#d2691e", linewidth=1.8, label="forecast")
    ax.set_title(title)
    ax.set_ylabel("kWh per hour")
    ax.xaxis.set_major_formatter(DateFormatter("%a %H:%M"))
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left")
    fig.autofmt_xdate()
    return _png(fig)
