"""Prometheus text for /metrics: ingestion health the owner can watch and alert on."""

from __future__ import annotations

from footfall.context import AppContext


def render_metrics(ctx: AppContext) -> str:
    counters = ctx.counters
    writer = ctx.writer
    lines = [
        "# HELP footfall_events_accepted_total Events accepted and spooled.",
        "# TYPE footfall_events_accepted_total counter",
        f"footfall_events_accepted_total {counters.accepted}",
        "# HELP footfall_events_dropped_total Events dropped, by reason.",
        "# TYPE footfall_events_dropped_total counter",
    ]
    for reason, count in sorted(counters.drops.counts.items()):
        lines.append(f'footfall_events_dropped_total{{reason="{reason}"}} {count}')
    lines += [
        "# HELP footfall_requests_invalid_total Requests rejected as malformed.",
        "# TYPE footfall_requests_invalid_total counter",
        f"footfall_requests_invalid_total {counters.invalid}",
        "# HELP footfall_events_stored_total Events written to the store by this process.",
        "# TYPE footfall_events_stored_total counter",
        f"footfall_events_stored_total {writer.stored}",
        "# HELP footfall_events_duplicate_total Events dropped as repeats of a message id.",
        "# TYPE footfall_events_duplicate_total counter",
        f"footfall_events_duplicate_total {writer.duplicates}",
        "# HELP footfall_writer_lag_bytes Spooled bytes not yet in the store.",
        "# TYPE footfall_writer_lag_bytes gauge",
        f"footfall_writer_lag_bytes {writer.lag_bytes()}",
        "# HELP footfall_writer_errors_total Failed batch writes (retried from the spool).",
        "# TYPE footfall_writer_errors_total counter",
        f"footfall_writer_errors_total {writer.errors}",
    ]
    return "\n".join(lines) + "\n"
