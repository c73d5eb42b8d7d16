"""Paths: what people do after (or before) a page or event, as a tree of counts.

For each person, the anchor is their first matching event in the range; the path is
their next (or previous) `depth` product events in (timestamp, event_id) order, each
labelled by its pathname (pageviews) or its name (custom events); "(end)" / "(start)"
marks a path that stops early. SQL returns one row
per distinct path with the number of people who followed it; the tree (children sorted
by count, the top `width` kept, the rest summed into "(other)") is built here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlglot import exp

from footfall.product.funnel import Step, parse_step, step_matches
from footfall.product.persons import PersonTree, window
from footfall.product.spec import Common, choice, parse_common, positive_int, require
from footfall.query.sqltree import col, eq, lit

END = {"after": "(end)", "before": "(start)"}
OTHER = "(other)"


@dataclass(frozen=True, slots=True)
class PathsQuery:
    common: Common
    anchor: Step
    direction: str = "after"
    depth: int = 3
    width: int = 5


def parse_paths(body: Any) -> PathsQuery:
    common = parse_common(body, ("start", "direction", "depth", "width"))
    require(common.breakdown is None, "breakdown", "paths have no breakdown")
    require("start" in body, "start", 'required: {"page": pattern} or {"event": name}')
    anchor = parse_step(body["start"], "start")
    direction = choice(body, "direction", ("after", "before"), "after")
    return PathsQuery(
        common,
        anchor,
        direction,
        positive_int(body, "depth", 3, 5),
        positive_int(body, "width", 5, 20),
    )


def compile_paths(tree: PersonTree, q: PathsQuery) -> exp.Select:
    pev = tree.events()
    label = exp.If(
        this=eq(col("name", "p"), lit("pageview")),
        true=col("pathname", "p"),
        false=col("name", "p"),
    )
    seq = (
        exp.select(
            col("person", "p"),
            label.as_("label"),
            step_matches(tree, q.anchor).as_("hit"),
            window(exp.RowNumber(), "person", ("timestamp", "event_id")).as_("rn"),
        )
        .from_(exp.to_table(pev).as_("p"))
        .where(tree.where(q.common.filters))
    )
    seq_name = tree.cte("ff_seq", seq)
    anchor = (
        exp.select(col("person"), exp.Min(this=col("rn")).as_("r0"))
        .from_(seq_name)
        .where(col("hit"))
        .group_by(col("person"))
    )
    anchor_name = tree.cte("ff_anchor", anchor)
    after = q.direction == "after"
    offset = (
        exp.Sub(this=col("rn", "s"), expression=col("r0", "a"))
        if after
        else exp.Sub(this=col("r0", "a"), expression=col("rn", "s"))
    )
    steps = (
        exp.select(
            col("person", "a"),
            *(
                exp.Max(
                    this=exp.If(
                        this=eq(offset.copy(), lit(k)), true=col("label", "s"), false=lit("")
                    )
                ).as_(f"l{k}")
                for k in range(1, q.depth + 1)
            ),
        )
        .from_(exp.to_table(anchor_name).as_("a"))
        .join(
            exp.to_table(seq_name).as_("s"),
            on=eq(col("person", "s"), col("person", "a")),
        )
        .group_by(col("person", "a"))
    )
    steps_name = tree.cte("ff_path", steps)
    levels = [col(f"l{k}") for k in range(1, q.depth + 1)]
    select = (
        exp.select(*levels, exp.Count(this=exp.Star()).as_("people"))
        .from_(steps_name)
        .group_by(*(c.copy() for c in levels))
    )
    return tree.finish(select)


def build_tree(q: PathsQuery, rows: list[tuple]) -> dict[str, Any]:
    """Nested {"label", "people", "children"} from (l1..ld, people) rows."""
    end = END[q.direction]
    paths = [(tuple(str(v) if v else end for v in row[:-1]), int(row[-1])) for row in rows]

    def node(prefix: tuple[str, ...], items: list[tuple[tuple[str, ...], int]]) -> list[dict]:
        depth = len(prefix)
        if depth >= q.depth:
            return []
        groups: dict[str, list[tuple[tuple[str, ...], int]]] = {}
        for path, people in items:
            groups.setdefault(path[depth], []).append((path, people))
        ranked = sorted(groups.items(), key=lambda kv: (-sum(p for _, p in kv[1]), kv[0]))
        out = []
        for label, members in ranked[: q.width]:
            child = {"label": label, "people": sum(p for _, p in members), "children": []}
            if label != end:
                child["children"] = node((*prefix, label), members)
            out.append(child)
        rest = sum(p for _, members in ranked[q.width :] for _, p in members)
        if rest:
            out.append({"label": OTHER, "people": rest, "children": []})
        return out

    anchor = q.anchor.label
    return {
        "label": anchor,
        "people": sum(p for _, p in paths),
        "direction": q.direction,
        "children": node((), paths),
    }
