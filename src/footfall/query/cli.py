"""`footfall stats`: terminal reports (rich tables, CSV, JSON) and PNG charts.

Registered by the main CLI with `main.add_command(stats)`. Reads a data directory
in-process, or a server when --data-dir is an http(s) URL (with --api-key).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import click
import pandas as pd
from rich.console import Console
from rich.table import Table

from footfall.errors import FootfallError

DEFAULT_METRICS = "visitors,visits,pageviews,bounce_rate,visit_duration"


def _render(frame: pd.DataFrame, fmt: str, title: str, console: Console) -> None:
    if fmt == "csv":
        click.echo(frame.to_csv(index=False), nl=False)
    elif fmt == "json":
        click.echo(json.dumps(frame.to_dict(orient="records"), default=str, indent=1))
    else:
        table = Table(title=title)
        for column in frame.columns:
            numeric = pd.api.types.is_numeric_dtype(frame[column])
            table.add_column(str(column), justify="right" if numeric else "left")
        for row in frame.itertuples(index=False):
            table.add_row(
                *("" if v is None else f"{v:,}" if isinstance(v, int) else str(v) for v in row)
            )
        console.print(table)


def _plot(stats: Any, site: str, period: Any, metric: str, filters: list, path: Path) -> None:
    """A time series of `metric` and the top pages, side by side, as one PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    series = stats.timeseries(site, period, [metric], filters=filters)
    pages = stats.breakdown(site, "event:page", period, [metric], filters=filters, limit=10)
    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 4.5))
    left.plot(range(len(series)), series[metric].to_numpy(), marker="o", linewidth=1.5)
    step = max(1, len(series) // 8)
    left.set_xticks(
        range(0, len(series), step), list(series.index)[::step], rotation=30, ha="right", fontsize=8
    )
    left.set_title(f"{metric} over time")
    left.grid(alpha=0.3)
    if len(pages):
        right.barh(list(pages["event:page"])[::-1], list(pages[metric])[::-1])
    right.set_title(f"top pages by {metric}")
    fig.suptitle(f"{site} — {period}")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


@click.command()
@click.option(
    "--data-dir",
    default=None,
    help="Data directory, or http(s) URL of a server [env FOOTFALL_DATA_DIR].",
)
@click.option("--api-key", default=None, help="Stats API key for a server [env FOOTFALL_API_KEY].")
@click.option("--site", required=True, help="Site domain, e.g. example.com.")
@click.option(
    "--period",
    default="30d",
    show_default=True,
    help="day, 7d, 30d, month, 6mo, 12mo, year, all… or START,END dates.",
)
@click.option(
    "--metrics", default=DEFAULT_METRICS, show_default=True, help="Comma-separated metrics."
)
@click.option(
    "--by",
    "dimension",
    default=None,
    help="Break down by a dimension: event:page, visit:source, time:day…",
)
@click.option(
    "--filter",
    "filters",
    multiple=True,
    help="v1 syntax, repeatable: 'visit:country==US|DE', 'event:page==/blog/*'.",
)
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 10_000))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
)
@click.option(
    "--plot",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also save charts (time series and top pages) to this PNG.",
)
def stats(
    data_dir: str | None,
    api_key: str | None,
    site: str,
    period: str,
    metrics: str,
    dimension: str | None,
    filters: tuple[str, ...],
    limit: int,
    fmt: str,
    plot: Path | None,
) -> None:
    """Show traffic stats for a site."""
    from footfall.query.client import connect
    from footfall.query.v1 import parse_filters

    target = data_dir or os.environ.get("FOOTFALL_DATA_DIR") or "footfall-data"
    date_range: Any = period.split(",") if "," in period else period
    metric_list = [m.strip() for m in metrics.split(",") if m.strip()]
    console = Console()
    try:
        parsed = [f for text in filters for f in parse_filters(text)]
        with connect(target, api_key=api_key) as client:
            spec: dict[str, Any] = {
                "site_id": site,
                "date_range": date_range,
                "metrics": metric_list,
                "filters": parsed,
            }
            if dimension:
                spec["dimensions"] = [dimension]
                spec["pagination"] = {"limit": limit}
            else:
                spec["include"] = {"comparisons": {"mode": "previous_period"}}
            frame = client.query(spec)
            if not dimension:  # top stats read better as one metric per line
                frame = pd.DataFrame(
                    {
                        "metric": metric_list,
                        "value": [frame.iloc[0][m] for m in metric_list],
                        "change %": [frame.iloc[0].get(f"{m}_change") for m in metric_list],
                    }
                )
            title = f"{site} · {period}" + (f" · by {dimension}" if dimension else "")
            _render(frame, fmt, title, console)
            if plot is not None:
                _plot(client, site, date_range, metric_list[0], parsed, plot)
                if fmt == "table":
                    console.print(f"charts saved to {plot}")
    except FootfallError as exc:
        raise click.ClickException(str(exc)) from exc
