"""Load and validate the knowledge base once; a bad file stops start-up naming the file and the entry."""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from content.models import Disclosure, FaqEntry, FaqFile, Papi, Plan, ProvinceAlias
from content.scores import ScoreTable, load_scores

DATA_DIR = Path(__file__).parent / "data"
M = TypeVar("M", bound=BaseModel)


class ContentError(Exception):
    """Every problem found, each naming its file and entry."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class KnowledgeBase:
    papi: Papi
    disclosure: Disclosure
    plans: tuple[Plan, ...]
    faq: tuple[FaqEntry, ...]
    scores: ScoreTable
    provinces: tuple[ProvinceAlias, ...]
    counts: dict[str, int] = field(default_factory=dict)

    def plan(self, plan_id: str) -> Plan | None:
        return next((p for p in self.plans if p.id == plan_id), None)


def _read_yaml(path: Path, problems: list[str]) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        problems.append(f"{path.name}: không đọc được YAML: {exc}")
        return None


def _entry_name(data: Any, loc: tuple[Any, ...]) -> str:
    """Walk the error location and name the nearest entry by its id or code, as a curator would."""
    names: list[str] = []
    node = data
    for part in loc:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(node, dict):
            for key in ("id", "code", "number", "year", "new_name"):
                if key in node:
                    names.append(f"{key}={node[key]}")
                    break
    return " / ".join(names)


def _parse(model: type[M], path: Path, problems: list[str]) -> M | None:
    data = _read_yaml(path, problems)
    if data is None:
        return None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            loc = ".".join(str(p) for p in err["loc"])
            entry = _entry_name(data, err["loc"])
            where = f" [{entry}]" if entry else ""
            problems.append(f"{path.name}{where} {loc}: {err['msg']}")
        return None


def _duplicates(kind: str, ids: list[str], problems: list[str]) -> None:
    for value, n in Counter(ids).items():
        if n > 1:
            problems.append(f"{kind}: mã '{value}' bị trùng {n} lần")


def _check_references(kb: KnowledgeBase, problems: list[str]) -> None:
    dims = {f"D{d.number}" for d in kb.papi.dimensions}
    subs = {s.code for d in kb.papi.dimensions for s in d.subdimensions}
    known = (
        dims
        | subs
        | {f"cong-khai:{i.id}" for i in kb.disclosure.items}
        | {f"quyen:{r.id}" for r in kb.disclosure.rights}
        | {f"plan:{p.id}" for p in kb.plans}
        | {f"faq:{f.id}" for f in kb.faq}
    )
    for item in kb.disclosure.items:
        for code in item.papi:
            if code not in subs:
                problems.append(f"disclosure.yaml [id={item.id}] papi: không có nội dung thành phần {code}")
    for plan in kb.plans:
        for task in plan.tasks:
            for code in task.subdimensions:
                if code not in subs:
                    problems.append(f"plans/{plan.id} [id={task.id}]: không có nội dung thành phần {code}")
            for d in task.dimensions:
                if f"D{d}" not in dims:
                    problems.append(f"plans/{plan.id} [id={task.id}]: không có chỉ số nội dung {d}")
        _duplicates(f"plans/{plan.id} nhiệm vụ", [t.id for t in plan.tasks], problems)
    for entry in kb.faq:
        for ref in entry.related:
            if ref not in known:
                problems.append(f"faq [id={entry.id}] related: không tìm thấy '{ref}'")
    score_names = set(kb.scores.provinces)
    for alias in kb.provinces:
        if alias.name not in score_names:
            problems.append(f"provinces.yaml [{alias.name}]: không có trong bảng điểm")


def load(data_dir: Path = DATA_DIR) -> KnowledgeBase:
    problems: list[str] = []
    papi = _parse(Papi, data_dir / "papi.yaml", problems)
    disclosure = _parse(Disclosure, data_dir / "disclosure.yaml", problems)
    plans = [_parse(Plan, p, problems) for p in sorted((data_dir / "plans").glob("*.yaml"))]
    faq_files = [_parse(FaqFile, p, problems) for p in sorted((data_dir / "faq").glob("*.yaml"))]
    provinces_raw = _read_yaml(data_dir / "provinces.yaml", problems) or []
    provinces: list[ProvinceAlias] = []
    for i, raw in enumerate(provinces_raw):
        try:
            provinces.append(ProvinceAlias.model_validate(raw))
        except ValidationError as exc:
            problems.append(f"provinces.yaml [mục {i + 1}]: {exc.errors()[0]['msg']}")
    try:
        scores = load_scores(data_dir / "scores")
    except (OSError, ValueError, csv.Error) as exc:
        problems.append(f"scores: {exc}")
        scores = None
    if problems or papi is None or disclosure is None or scores is None:
        raise ContentError(problems or ["thiếu tệp nội dung"])
    valid_plans = tuple(p for p in plans if p is not None)
    faq = tuple(e for f in faq_files if f is not None for e in f.entries)
    kb = KnowledgeBase(
        papi=papi,
        disclosure=disclosure,
        plans=valid_plans,
        faq=faq,
        scores=scores,
        provinces=tuple(provinces),
        counts={
            "chỉ số nội dung": len(papi.dimensions),
            "nội dung thành phần": sum(len(d.subdimensions) for d in papi.dimensions),
            "nhóm điểm": len(papi.score_groups),
            "kỳ PAPI": len(papi.editions),
            "mục công khai": len(disclosure.items),
            "quyền của người dân": len(disclosure.rights),
            "kế hoạch": len(valid_plans),
            "nhiệm vụ": sum(len(p.tasks) for p in valid_plans),
            "câu hỏi thường gặp": len(faq),
            "cách hỏi trong FAQ": sum(len(e.questions) for e in faq),
            "tỉnh có điểm": len(scores.provinces),
            "dòng điểm tỉnh-năm": scores.row_count,
            "điểm nội dung thành phần": scores.sub_count,
        },
    )
    _duplicates("disclosure.yaml", [i.id for i in disclosure.items], problems)
    _duplicates("plans", [p.id for p in valid_plans], problems)
    _duplicates("faq", [e.id for e in faq], problems)
    _duplicates("papi.yaml", [s.code for d in papi.dimensions for s in d.subdimensions], problems)
    _check_references(kb, problems)
    if problems:
        raise ContentError(problems)
    return kb
