"""Read knowledge-base YAML files and validate them, first one by one, then as a tree.

Every problem names the file and the node it concerns. Validation collects all
problems before raising, so `zhuoyue check` can list every one of them.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from knowledge.base import KnowledgeBase, OldIdMapping
from knowledge.digest import yaml_files
from knowledge.errors import KnowledgeBaseError, Problem
from knowledge.models import Node, id_sort_key

#: Points of the whole standard; a user's variant must keep the same total.
TOTAL_POINTS = 1000
MAX_FILE_BYTES = 5 * 1024 * 1024

_PARENT_LEVELS: dict[str, tuple[str, ...]] = {
    "category": (),
    "general": ("category",),
    "item": ("category",),
    "summary": ("item",),
    "area": ("item", "category"),
    "point": ("area", "item", "category"),
}


def builtin_data_dir() -> Path:
    """The folder of the packaged GB/T 19580-2012 knowledge base."""
    return Path(str(resources.files("knowledge") / "data"))


def read_yaml(path: Path) -> tuple[Any, Problem | None]:
    """Parse one YAML file, turning every way it can fail into a Problem."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, Problem(path, None, f"cannot read: {exc.strerror or exc}", "unreadable")
    if len(raw) > MAX_FILE_BYTES:
        return None, Problem(path, None, f"file too large ({len(raw)} bytes)", "unreadable")
    if b"\x00" in raw:
        return None, Problem(path, None, "binary file, not YAML text", "unreadable")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return None, Problem(path, None, f"not UTF-8 text (byte {exc.start})", "unreadable")
    try:
        alias = _first_alias(text)
        if alias is not None:
            return None, Problem(
                path,
                None,
                f"YAML anchors and aliases (&name, *name) are not allowed (line {alias}); write the value out",
                "syntax",
            )
        return yaml.load(text, Loader=_Loader), None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        reason = getattr(exc, "problem", None) or str(exc)
        return None, Problem(path, None, f"invalid YAML{where}: {reason}", "syntax")


_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _first_alias(text: str) -> int | None:
    """The line of the first anchor or alias, read from the event stream before anything is built.

    An alias makes the constructor share (and a dumper, or our own walk over the
    data, expand) the anchored value: a few lines of nested aliases become
    gigabytes. Events are flat, so scanning them costs nothing of the sort.
    """
    if "&" not in text and "*" not in text:
        return None  # no anchor or alias can be written without them; skips the scan for most files
    loader = _Loader(text)
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                return int(event.start_mark.line) + 1
    finally:
        loader.dispose()
    return None


def _node_problems(path: Path, index: int, raw: Any) -> tuple[Node | None, list[Problem]]:
    if not isinstance(raw, dict):
        return None, [Problem(path, f"#{index + 1}", "a node must be a mapping")]
    node_id = raw.get("id")
    label = str(node_id) if node_id is not None else f"#{index + 1}"
    problems = []
    for field in ("id", "parent"):
        value = raw.get(field)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            problems.append(
                Problem(
                    path,
                    label,
                    f'{field} {value!r} was read by YAML as a number; quote it (e.g. {field}: "{value}")',
                    "unquoted-id",
                )
            )
    if problems:
        return None, problems
    try:
        return Node.model_validate(raw), []
    except ValidationError as exc:
        out = []
        for err in exc.errors():
            loc = ".".join(str(p) for p in err["loc"])
            msg = err["msg"].removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                msg = f"unknown field {loc!r}"
            elif err["type"] == "missing":
                msg = f"missing field {loc!r}"
            elif loc:
                msg = f"{loc}: {msg}"
            out.append(Problem(path, label, msg, "invalid"))
        return None, out


def _parse_nodes(path: Path, data: Any) -> tuple[list[Node], list[Problem]]:
    raw_nodes = data.get("nodes")
    if not isinstance(raw_nodes, list):
        return [], [Problem(path, None, "'nodes' must be a list of nodes", "invalid")]
    unknown = set(data) - {"nodes"}
    problems = [Problem(path, None, f"unknown top-level key {k!r}") for k in sorted(unknown)]
    nodes = []
    for index, raw in enumerate(raw_nodes):
        node, found = _node_problems(path, index, raw)
        problems.extend(found)
        if node is not None:
            nodes.append(node)
    return nodes, problems


def _parse_map(path: Path, data: Any) -> tuple[list[OldIdMapping], list[Problem]]:
    rows = data.get("map_2004")
    if not isinstance(rows, list):
        return [], [Problem(path, None, "'map_2004' must be a list")]
    out, problems = [], []
    for index, row in enumerate(rows):
        ok = (
            isinstance(row, dict)
            and isinstance(row.get("old"), str)
            and isinstance(row.get("new"), list)
            and all(isinstance(n, str) for n in row["new"])
            and set(row) <= {"old", "new", "title_2004", "confidence"}
        )
        if not ok:
            problems.append(Problem(path, f"#{index + 1}", "a mapping needs quoted 'old' and a list 'new'"))
            continue
        out.append(
            OldIdMapping(
                old=row["old"],
                new=tuple(row["new"]),
                title_2004=str(row.get("title_2004", "")),
                confidence=str(row.get("confidence", "check")),
            )
        )
    return out, problems


def _tree_problems(nodes: list[Node], origin: dict[str, Path]) -> list[Problem]:
    problems: list[Problem] = []
    by_id = {n.id: n for n in nodes}
    for node in nodes:
        where = origin.get(node.id)
        if node.parent is None:
            continue
        parent = by_id.get(node.parent)
        if parent is None:
            problems.append(Problem(where, node.id, f"unknown parent {node.parent!r}", "parent"))
            continue
        if parent.level not in _PARENT_LEVELS[node.level]:
            problems.append(
                Problem(where, node.id, f"a {node.level} cannot sit under a {parent.level}", "parent")
            )
        if not node.id.startswith(parent.id + "."):
            problems.append(
                Problem(where, node.id, f"id does not extend its parent's id {parent.id!r}", "parent")
            )
    # A cycle can only arise among nodes whose parents all exist; walk up from each.
    for node in nodes:
        seen = {node.id}
        current = node
        while current.parent is not None and current.parent in by_id:
            current = by_id[current.parent]
            if current.id in seen:
                problems.append(Problem(origin.get(node.id), node.id, "parent chain forms a cycle", "cycle"))
                break
            seen.add(current.id)
    children: dict[str, list[Node]] = {}
    for node in nodes:
        if node.parent is not None:
            children.setdefault(node.parent, []).append(node)
    scored_categories = [n for n in nodes if n.level == "category" and n.kind != "profile"]
    for category in scored_categories:
        items = [c for c in children.get(category.id, []) if c.level == "item"]
        total = sum(i.points or 0 for i in items)
        if total != category.points:
            problems.append(
                Problem(
                    origin.get(category.id),
                    category.id,
                    f"item points add up to {total}, category has {category.points}",
                    "points",
                )
            )
    for node in nodes:
        if node.level in ("item", "area") and not children.get(node.id):
            problems.append(
                Problem(origin.get(node.id), node.id, f"{node.level} has no points under it", "structure")
            )
        if node.level in ("point", "general", "summary") and children.get(node.id):
            problems.append(
                Problem(origin.get(node.id), node.id, f"a {node.level} cannot have children", "structure")
            )
    if scored_categories:
        grand = sum(c.points or 0 for c in scored_categories)
        if grand != TOTAL_POINTS:
            problems.append(
                Problem(None, None, f"categories add up to {grand} points, not {TOTAL_POINTS}", "points")
            )
    return problems


def load_knowledge_base(path: Path | None = None) -> KnowledgeBase:
    """Load and validate a knowledge base from a YAML file or a folder of them.

    With no path, the built-in GB/T 19580-2012 base. Raises KnowledgeBaseError
    listing every problem found.
    """
    root = path if path is not None else builtin_data_dir()
    if not root.exists():
        raise KnowledgeBaseError([Problem(root, None, "no such file or folder", "unreadable")])
    files = yaml_files(root)
    problems: list[Problem] = []
    nodes: list[Node] = []
    mapping: list[OldIdMapping] = []
    origin: dict[str, Path] = {}
    for file in files:
        data, problem = read_yaml(file)
        if problem:
            problems.append(problem)
            continue
        if not isinstance(data, dict) or not ({"nodes", "map_2004"} & set(data)):
            problems.append(Problem(file, None, "expected a mapping with 'nodes' (or 'map_2004')"))
            continue
        if "map_2004" in data:
            rows, found = _parse_map(file, data)
            mapping.extend(rows)
            problems.extend(found)
            continue
        file_nodes, found = _parse_nodes(file, data)
        problems.extend(found)
        for node in file_nodes:
            if node.id in origin:
                problems.append(
                    Problem(file, node.id, f"duplicate id (also in {origin[node.id].name})", "duplicate")
                )
                continue
            origin[node.id] = file
            nodes.append(node)
    if not nodes and not problems:
        problems.append(Problem(root, None, "no clause nodes found", "structure"))
    if not problems:
        problems.extend(_tree_problems(nodes, origin))
    known = {n.id for n in nodes}
    for row in mapping:
        for new in row.new:
            if new not in known:
                problems.append(Problem(None, row.old, f"2004 map points to unknown id {new!r}", "parent"))
    if problems:
        raise KnowledgeBaseError(problems)
    nodes.sort(key=lambda n: id_sort_key(n.id))
    return KnowledgeBase(nodes, mapping)
