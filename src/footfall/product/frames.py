"""Product API answers as pandas DataFrames (for `footfall.connect(...)`)."""

from __future__ import annotations

from typing import Any

import pandas as pd

FUNNEL_COLUMNS = [
    "step",
    "label",
    "users",
    "conversion_from_previous",
    "conversion_overall",
    "dropoff",
    "median_seconds_from_previous",
]


def funnel_frame(result: dict[str, Any]) -> pd.DataFrame:
    """One row per step; with a breakdown, one row per (value, step) and a `breakdown` column."""
    if "breakdown" in result:
        records = [
            {"breakdown": group["value"], **step}
            for group in result["breakdown"]
            for step in group["steps"]
        ]
        return pd.DataFrame.from_records(records, columns=["breakdown", *FUNNEL_COLUMNS])
    if "people" in result:
        return pd.DataFrame({"person": result["people"]})
    return pd.DataFrame.from_records(result["steps"], columns=FUNNEL_COLUMNS)


def retention_frame(result: dict[str, Any]) -> pd.DataFrame:
    """One row per cohort: its size, then the share active in period 0, 1, 2…"""
    records = []
    for cohort in result["cohorts"]:
        record: dict[str, Any] = {"cohort": cohort["cohort"], "size": cohort["size"]}
        record.update({p["period"]: p["share"] for p in cohort["periods"]})
        records.append(record)
    frame = pd.DataFrame.from_records(records)
    return frame.set_index("cohort") if records else pd.DataFrame(columns=["size"])


def segmentation_frame(result: dict[str, Any]) -> pd.DataFrame:
    """Long form: event, (breakdown), date, total, users."""
    records = [
        {
            "event": entry["event"],
            **({"breakdown": entry["breakdown"]} if "breakdown" in entry else {}),
            **point,
        }
        for entry in result["results"]
        for point in entry["series"]
    ]
    return pd.DataFrame.from_records(records)


def user_frame(result: dict[str, Any]) -> pd.DataFrame:
    """The timeline page; the profile (traits, identities, first/last seen) is in `.attrs`."""
    frame = pd.DataFrame.from_records(
        result["events"]["results"], columns=["timestamp", "event_id", "name", "pathname", "props"]
    )
    frame.attrs["profile"] = {k: v for k, v in result.items() if k != "events"}
    frame.attrs["total"] = result["events"]["total"]
    return frame


def users_frame(result: dict[str, Any]) -> pd.DataFrame:
    records = [
        {k: v for k, v in user.items() if k != "traits"}
        | {f"trait:{k}": v for k, v in user["traits"].items()}
        for user in result["results"]
    ]
    return pd.DataFrame.from_records(records)


def paths_frame(result: dict[str, Any]) -> pd.DataFrame:
    """One row per tree node: its depth, the path to it (labels joined by " → "), people."""
    records: list[dict[str, Any]] = []

    def walk(node: dict[str, Any], trail: list[str]) -> None:
        for child in node["children"]:
            path = [*trail, child["label"]]
            records.append(
                {"depth": len(path) - 1, "path": " → ".join(path), "people": child["people"]}
            )
            walk(child, path)

    walk(result["tree"], [result["tree"]["label"]])
    return pd.DataFrame.from_records(records, columns=["depth", "path", "people"])
