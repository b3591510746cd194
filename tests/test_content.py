"""The knowledge base validates, holds what the product promises, and its errors name file and entry."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from content.loader import DATA_DIR, ContentError, KnowledgeBase, load


def test_structure_is_complete(kb: KnowledgeBase) -> None:
    assert [d.number for d in kb.papi.dimensions] == list(range(1, 9))
    codes = [s.code for d in kb.papi.dimensions for s in d.subdimensions]
    assert len(codes) == 28 and "5.2" not in codes
    assert {g.name_vi for g in kb.papi.score_groups} >= {"Cao", "Trung bình cao", "Trung bình thấp", "Thấp"}


def test_sizes_promised_by_the_product(kb: KnowledgeBase) -> None:
    assert len(kb.faq) >= 150
    assert all(len(e.questions) >= 2 for e in kb.faq)
    assert {p.id for p in kb.plans} == {
        "dong-thap-2024", "ha-tinh-2023", "khanh-hoa-2023", "duyen-hai-2021", "dak-plo-2024"
    }
    assert len(kb.scores.provinces) == 63 and kb.scores.years == tuple(range(2011, 2025))
    assert len(kb.disclosure.items) >= 16


def test_seed_facts(kb: KnowledgeBase) -> None:
    """Figures from shared/seeds/README.md, checked by hand."""
    dt = kb.plan("dong-thap-2024")
    assert dt is not None and dt.number == "172/KH-UBND" and str(dt.issued) == "2024-05-20"
    total = next(t for t in dt.targets if t.dimension is None)
    assert total.value == pytest.approx(42.41)
    d8 = next(t for t in dt.targets if t.dimension == 8)
    assert d8.value == pytest.approx(3.14) and d8.min_increase == pytest.approx(0.22)
    relative = {(r.deadline.event, r.deadline.days) for r in dt.reports}
    assert ("plan_issued", 20) in relative and ("papi_published", 15) in relative
    kh = kb.plan("khanh-hoa-2023")
    assert kh is not None and kh.number is None
    assert any(r.deadline.kind == "fixed" and str(r.deadline.date) == "2023-09-29" for r in kh.reports)
    dh = kb.plan("duyen-hai-2021")
    assert dh is not None
    rules = {(r.deadline.every, r.deadline.day, r.deadline.month) for r in dh.reports}
    assert {("quarter", 3, None), ("half_year", 3, 6), ("year", 28, 11)} <= rules


def test_every_user_facing_entry_is_cited(kb: KnowledgeBase) -> None:
    entries = [*kb.papi.dimensions, *kb.disclosure.items, *kb.disclosure.rights, *kb.plans, *kb.faq]
    entries += [s for d in kb.papi.dimensions for s in d.subdimensions]
    assert all(e.sources and all(s.strip() for s in e.sources) for e in entries)


def test_unverified_marks_stay_visible(kb: KnowledgeBase) -> None:
    assert sum(1 for i in kb.disclosure.items if i.caution) >= 5
    assert any(e.reform_2025 for e in kb.faq)


def _broken_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def test_duplicate_ids_and_dangling_references_are_named(tmp_path: Path) -> None:
    data = _broken_copy(tmp_path)
    faq_file = sorted((data / "faq").glob("*.yaml"))[0]
    doc = yaml.safe_load(faq_file.read_text(encoding="utf-8"))
    doc["entries"].append(dict(doc["entries"][0]))
    doc["entries"][1] = {**doc["entries"][1], "related": ["cong-khai:khong-co"]}
    faq_file.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ContentError) as err:
        load(data)
    text = str(err.value)
    assert f"mã '{doc['entries'][0]['id']}' bị trùng" in text
    assert f"[id={doc['entries'][1]['id']}] related: không tìm thấy 'cong-khai:khong-co'" in text


def test_missing_source_names_file_and_entry(tmp_path: Path) -> None:
    data = _broken_copy(tmp_path)
    path = data / "disclosure.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    doc["items"][2]["sources"] = []
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ContentError) as err:
        load(data)
    assert f"disclosure.yaml [id={doc['items'][2]['id']}] items.2.sources" in str(err.value)


def test_content_check_command_prints_counts() -> None:
    out = subprocess.run([sys.executable, "-m", "bot", "content", "check"], capture_output=True, text=True, check=True)
    assert "câu hỏi thường gặp" in out.stdout and "nội dung thành phần: 28" in out.stdout


def test_content_check_refuses_a_first_reply_longer_than_one_zalo_message(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    plan = yaml.safe_load((data / "plans" / "dong-thap-2024.yaml").read_text(encoding="utf-8"))
    for n in range(30):  # the list of plans is one reply: thirty more plans make it too long
        plan["id"] = f"ban-sao-{n}"
        (data / "plans" / f"ban-sao-{n}.yaml").write_text(yaml.safe_dump(plan, allow_unicode=True), encoding="utf-8")
    command = [sys.executable, "-m", "bot", "content", "check", "--data", str(data)]
    out = subprocess.run(command, capture_output=True, text=True)
    assert out.returncode == 1 and "plan:all" in out.stdout and "2.000 ký tự" in out.stdout


def test_no_first_reply_is_longer_than_one_zalo_message(kb: KnowledgeBase) -> None:
    from handlers.knowledge.documents import Documents

    assert Documents(kb).oversized(1700) == []
