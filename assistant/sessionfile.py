"""The session file ('zhuoyue-session' v1) that `sessions export` writes and `sessions import` reads.

The same strict models build an export and check an import. A file this program
writes therefore reads back, and a file it reads cannot put a value into the
database that a report would later fail on. A bad value refuses the whole file,
with a message that names the field (`scores[0].percent: …`). Strings are cleaned
on the way in (textnorm.clean). Clause ids are checked by a function the caller
passes in (`kb_clause_check`), so neither this module nor the store needs a
knowledge base.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
)
from pydantic_core import PydanticCustomError

from assistant.measures import Measure, is_period, period_key
from assistant.plan import parse_due
from assistant.scoring import STEP
from assistant.storage import EXPORT_FORMAT as FORMAT
from assistant.storage import EXPORT_VERSION as VERSION
from assistant.storage import FEEDBACK_KINDS, NOTE_KINDS
from assistant.textnorm import clean
from knowledge.errors import UserError
from knowledge.models import Lang

if TYPE_CHECKING:
    from knowledge.base import KnowledgeBase

ClauseKind = Literal["item", "leaf", "node", "results"]
#: Given a clause id and what it must be (a ClauseKind), None when it is fine, otherwise why not (one line).
ClauseCheck = Callable[[str, str], str | None]


class SessionFileError(UserError):
    """A session file that cannot be imported (or a session that cannot be exported); the message names the field."""


# --- field types ---------------------------------------------------------------------------------


def _problem(kind: str, message: str) -> PydanticCustomError:
    # the message goes in as context, so braces in a user's value are not read as a template
    return PydanticCustomError(kind, "{message}", {"message": message})


def _not_blank(value: str) -> str:
    value = value.strip()
    if not value:
        raise PydanticCustomError("blank", "must not be blank")
    return value


def _percent(value: int) -> int:
    if not 0 <= value <= 100 or value % STEP:
        raise PydanticCustomError("percent", "{value} is not a percentage from 0 to 100 in steps of {step}",
                                  {"value": value, "step": STEP})  # fmt: skip
    return value


def _due(value: str) -> str:
    if value and parse_due(value) != value:
        raise _problem("due", f"{value!r} is not a date written YYYY-MM-DD")
    return value


def _feedback_kind(value: str) -> str:
    if value not in FEEDBACK_KINDS:
        raise _problem("feedback_kind", f"{value!r} is not one of {', '.join(FEEDBACK_KINDS)}")
    return value


def _note_kind(value: str) -> str:
    if value not in NOTE_KINDS:
        raise _problem("note_kind", f"{value!r} is not one of {', '.join(NOTE_KINDS)}")
    return value


def _period(value: str) -> str:
    if not is_period(value):
        raise _problem("period", f"{value!r} is not a period (a year such as 2023, or 2023H1, 2023Q2, 2023年)")
    return value


def _some_periods(value: dict[str, float]) -> dict[str, float]:
    if not value:
        raise _problem("periods", "needs at least one period's value (comparisons alone show no level)")
    return value


def _comparison(value: str) -> str:
    if is_period(value):
        raise _problem("comparison", f"{value!r} is a period, not a comparison; it belongs under periods")
    return value


def _clause(kind: ClauseKind) -> Callable[[str, ValidationInfo], str]:
    def check(value: str, info: ValidationInfo) -> str:
        checker = (info.context or {}).get("check_clause")
        problem = checker(value, kind) if checker is not None else None
        if problem:
            raise _problem("clause", problem)
        return value

    return check


Text = Annotated[str, AfterValidator(clean)]
Name = Annotated[str, AfterValidator(clean), AfterValidator(_not_blank)]
ItemId = Annotated[Name, AfterValidator(_clause("item"))]
LeafId = Annotated[Name, AfterValidator(_clause("leaf"))]
NodeId = Annotated[Name, AfterValidator(_clause("node"))]
ResultsLeafId = Annotated[Name, AfterValidator(_clause("results"))]
PeriodLabel = Annotated[Name, AfterValidator(_period)]
ComparisonName = Annotated[Name, AfterValidator(_comparison)]
Number = Annotated[float, Field(allow_inf_nan=False)]
Percent = Annotated[int, AfterValidator(_percent)]
Count = Annotated[int, Field(ge=0)]
Timestamp = Annotated[float, Field(ge=0, allow_inf_nan=False)]


class _Record(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


# --- the file ------------------------------------------------------------------------------------


class CursorData(BaseModel):
    """Where the interview stood (assistant.replies.Cursor as data).

    Unknown keys are dropped rather than refused, as Cursor.from_json does: a key an
    older version kept in the cursor must not make its sessions unexportable.
    """

    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)

    target: NodeId | None = None
    role: Text = "probe"
    dimension: Text | None = None
    followups: dict[Text, Count] = {}
    probes: dict[Text, Count] = {}
    opened: list[Text] = []
    skipped: list[Text] = []
    asked_dims: dict[Text, list[Text]] = {}
    resume: list[Text] = []


class SessionMeta(_Record):
    name: Name
    company: Text = ""
    framework: Name
    lang: Lang = "zh"
    order_mode: Literal["standard", "value"] = "standard"  # interview.ORDERS (a test keeps them equal)
    scope: NodeId | None = None
    cursor: CursorData = CursorData()
    created: Timestamp = Field(default_factory=time.time)
    updated: Timestamp = Field(default_factory=time.time)


class AnswerRecord(_Record):
    id: int  # the exporting database's id; evidence and notes link to it
    asked: Text | None = None
    question: Text = ""
    text: Text
    author: Text = ""
    created: Timestamp = Field(default_factory=time.time)


class EvidenceRecord(_Record):
    answer_id: int | None = None
    leaf_id: LeafId
    text: Text
    score: Annotated[float, Field(allow_inf_nan=False)] | None = None
    source: Name = "import"
    author: Text = ""
    active: bool = True


class NaRecord(_Record):
    leaf_id: LeafId
    reason: Text


class NoteRecord(_Record):
    answer_id: int | None = None
    # any clause: the 组织概述 opening's answer is kept on B.1 itself
    leaf_id: NodeId
    kind: Annotated[str, AfterValidator(_note_kind)]
    text: Text
    owner: Text = ""
    closed: bool = False
    created: Timestamp = Field(default_factory=time.time)


class ScoreRecord(_Record):
    item_id: ItemId
    percent: Percent


class AssessorScoreRecord(_Record):
    item_id: ItemId
    author: Name
    percent: Percent


class FeedbackRecord(_Record):
    """The assessor's own strength or opportunity (draft_key ""), or their change to a drafted one."""

    item_id: ItemId
    kind: Annotated[str, AfterValidator(_feedback_kind)]
    draft_key: Text = ""
    leaf_id: LeafId | None = None
    text: Name
    dropped: bool = False
    created: Timestamp = Field(default_factory=time.time)


class PlanRecord(_Record):
    leaf_id: LeafId
    owner: Text = ""
    due: Annotated[str, AfterValidator(_due)] = ""


class MeasureRecord(_Record):
    """One measure table of a results clause: its value by period and by comparison (行业平均, 标杆 …)."""

    leaf_id: ResultsLeafId
    measure: Name
    unit: Text = ""
    periods: Annotated[dict[PeriodLabel, Number], AfterValidator(_some_periods)]
    comparisons: dict[ComparisonName, Number] = {}

    def table(self) -> Measure:
        ordered = sorted(self.periods.items(), key=lambda p: period_key(p[0]) or (0, 0))
        return Measure(self.measure, self.unit, tuple(ordered), tuple(self.comparisons.items()))


class SessionFile(_Record):
    """A whole session; `notes`, `assessor_scores`, `feedback`, `plan` and `measures` may be absent (older and unmerged exports)."""

    format: Literal["zhuoyue-session"]
    version: Literal[1]
    session: SessionMeta
    answers: list[AnswerRecord] = []
    evidence: list[EvidenceRecord] = []
    na: list[NaRecord] = []
    notes: list[NoteRecord] = []
    scores: list[ScoreRecord] = []
    assessor_scores: list[AssessorScoreRecord] = []
    feedback: list[FeedbackRecord] = []
    plan: list[PlanRecord] = []
    measures: list[MeasureRecord] = []

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


# --- reading and building ------------------------------------------------------------------------


def read_session_file(data: object, *, check_clause: ClauseCheck | None = None) -> SessionFile:
    """Check exported data (as json.loads returns it); SessionFileError names the first bad field."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise SessionFileError(f"not a zhuoyue session export (missing 'format': '{FORMAT}')")
    if data.get("version") != VERSION:
        raise SessionFileError(
            f"unsupported session export version {data.get('version')!r} (this zhuoyue reads {VERSION})"
        )
    file = _validate(SessionFile, data, {"check_clause": check_clause})
    _check_links(file)
    return file


def build_session_file(data: dict[str, Any]) -> SessionFile:
    """The export of a stored session, checked by the same models an import uses."""
    return _validate(SessionFile, {"format": FORMAT, "version": VERSION, **data}, None)


_NAME = TypeAdapter(Name)


def check_name(name: object) -> str:
    """A session name given outside the file (the NAME of `sessions import FILE NAME`), cleaned."""
    try:
        return _NAME.validate_python(name, strict=True)
    except ValidationError as exc:
        raise SessionFileError(_describe(exc, prefix="name")) from None


def _validate(model: type[SessionFile], data: object, context: dict[str, Any] | None) -> SessionFile:
    try:
        return model.model_validate(data, strict=True, context=context)
    except ValidationError as exc:
        raise SessionFileError(_describe(exc)) from None


def _check_links(file: SessionFile) -> None:
    ids: set[int] = set()
    for i, a in enumerate(file.answers):
        if a.id in ids:
            _refuse(f"answers[{i}].id", f"{a.id} is used by another answer")
        ids.add(a.id)
    links = [("evidence", [e.answer_id for e in file.evidence]), ("notes", [n.answer_id for n in file.notes])]
    for field, answer_ids in links:
        for i, answer_id in enumerate(answer_ids):
            if answer_id is not None and answer_id not in ids:
                _refuse(f"{field}[{i}].answer_id", f"no answer in the file has id {answer_id}")
    seen: set[tuple[str, ...]] = set()
    keyed: list[tuple[str, str, list[tuple[str, ...]]]] = [
        ("na", "leaf_id", [(r.leaf_id,) for r in file.na]),
        ("scores", "item_id", [(r.item_id,) for r in file.scores]),
        ("assessor_scores", "author", [(r.item_id, r.author) for r in file.assessor_scores]),
        ("plan", "leaf_id", [(r.leaf_id,) for r in file.plan]),
        ("measures", "measure", [(r.leaf_id, r.measure) for r in file.measures]),
    ]
    for field, key, values in keyed:
        seen.clear()
        for i, value in enumerate(values):
            if value in seen:
                _refuse(f"{field}[{i}].{key}", f"{' / '.join(value)!r} is listed twice")
            seen.add(value)
    seen.clear()
    for i, f in enumerate(file.feedback):  # one change per draft; the assessor's own entries are many
        if f.draft_key and (f.kind, f.item_id, f.draft_key) in seen:
            _refuse(f"feedback[{i}].draft_key", f"{f.draft_key!r} is changed twice")
        seen.add((f.kind, f.item_id, f.draft_key))
    for i, m in enumerate(file.measures):  # "2023" and "2023年" are one period
        when: dict[tuple[int, int] | None, str] = {}
        for label in m.periods:
            at = period_key(label)
            if at in when:
                _refuse(f"measures[{i}].periods[{label!r}]", f"the same period as {when[at]!r}")
            when[at] = label


def _refuse(where: str, message: str) -> None:
    raise SessionFileError(f"{where}: {message}")


_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_KINDS = {
    bool: "true/false",
    int: "a number",
    float: "a number",
    str: "text",
    list: "a list",
    dict: "an object",
}
# pydantic's wording, in the file's own (JSON) terms
_MESSAGES = {
    "string_type": "should be text",
    "int_type": "should be a whole number",
    "float_type": "should be a number",
    "bool_type": "should be true or false",
    "list_type": "should be a list",
    "dict_type": "should be an object",
    "model_type": "should be an object",
    "model_attributes_type": "should be an object",
    "missing": "is missing",
    "extra_forbidden": "is not a key of this format",
}


def _describe(exc: ValidationError, prefix: str = "") -> str:
    errors = exc.errors(include_url=False)
    first = errors[0]
    where = _location(first["loc"], prefix) or "the file"
    message = _MESSAGES.get(first["type"]) or first["msg"].replace("Input should", "should")
    if first["type"].endswith("_type") or first["type"] in ("int_from_float", "finite_number"):
        value = first.get("input")
        if first["type"] == "finite_number" or (isinstance(value, float) and not math.isfinite(value)):
            message = "should be a finite number"
        else:
            message += (
                f", not {_KINDS.get(type(value), type(value).__name__) if value is not None else 'null'}"
            )
    more = f" (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''})" if len(errors) > 1 else ""
    return f"{where}: {message}{more}"


def _location(loc: tuple[int | str, ...], prefix: str) -> str:
    out = prefix
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _IDENTIFIER.match(part):
            out += f".{part}" if out else part
        elif part == "[key]" or part.startswith(("function-after[", "constrained-")):
            continue  # pydantic's validator steps, not a place in the file
        else:
            out += f"[{part!r}]"
    return out


# --- clause ids from a knowledge base ------------------------------------------------------------


def kb_clause_check(kb: KnowledgeBase) -> ClauseCheck:
    """Clause-id checking against a knowledge base, suggesting the nearest ids of the right kind."""

    def fits(node_id: str, kind: str) -> bool:
        node = kb.get(node_id)
        if node is None:
            return False
        return (
            kind == "node" or (kind == "item" and node.level == "item") or (kind == "leaf" and node.is_leaf)
            or (kind == "results" and node.is_leaf and node.kind == "results")
        )

    def check(clause_id: str, kind: str) -> str | None:
        if fits(clause_id, kind):
            return None
        node = kb.resolve(clause_id)
        near: list[str] = []
        if node is not None:
            item = kb.item_of(node.id)
            near = [node.id] if kind == "node" else [item.id] if kind == "item" and item else []
            if kind in ("leaf", "results"):
                near = [n.id for n in kb.leaves_under(node.id)]
        # a higher cutoff than the browser's: a wrong suggestion misleads more than none
        near += [hit.node.id for hit in kb.search(clause_id, limit=30, min_score=75.0)]
        suggestions = list(dict.fromkeys(n for n in near if n != clause_id and fits(n, kind)))[:3]
        what = {"item": "a scored item", "leaf": "a lettered point", "results": "a results point (4.7)"}.get(
            kind, "a clause"
        )
        head = (
            f"{clause_id!r} is not {what}"
            if kb.get(clause_id) is not None
            else f"unknown clause {clause_id!r}"
        )
        return head + (f"; did you mean {', '.join(suggestions)}?" if suggestions else "")

    return check
