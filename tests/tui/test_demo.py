"""Trainer mode: a demo company's interview plays forward and back while the tree fills in."""

from __future__ import annotations

import pytest

from assistant.services import Services
from assistant.storage import Store
from dialogues.demos import DemoError, demo_names, load_demo
from tui.app import build_app
from tui.widgets import ClauseTree


@pytest.fixture
def services(kb, dialogues, matcher, tmp_path):
    store = Store(tmp_path / "unused.sqlite3")
    yield Services(kb, dialogues, matcher, store)
    store.close()


@pytest.mark.parametrize("name", demo_names())
def test_demo_companies_span_all_categories_with_results_figures(kb, name):
    demo = load_demo(name, kb)
    assert len(demo.turns) >= 20
    assert {t.clause[:3] for t in demo.turns} == {"4.1", "4.2", "4.3", "4.4", "4.5", "4.6", "4.7"}
    results = [t for t in demo.turns if t.clause.startswith("4.7")]
    assert results and all(any(ch.isdigit() for ch in t.zh) for t in results)


def test_there_is_a_manufacturer_and_a_service_organisation():
    assert {"manufacturer", "service"} <= set(demo_names())


def test_unknown_demo_is_named(kb):
    with pytest.raises(DemoError, match="choose one of"):
        load_demo("bakery", kb)


async def test_demo_plays_through_the_whole_company_and_back(services):
    # one company end to end (each step renders the whole screen); the other's data is checked above
    demo = load_demo("manufacturer", services.kb)
    app = build_app(services, mode="demo", demo=demo)
    async with app.run_test(size=(140, 42)) as pilot:
        await pilot.pause()
        for _ in demo.turns:
            await pilot.press("right")
        await pilot.pause()
        assert app.demo_step == len(demo.turns)
        cov = app.interview.coverage()
        touched = [t.clause for t in demo.turns if cov[t.clause].status in ("covered", "partial")]
        assert len(touched) >= 0.8 * len(demo.turns)
        assert sum(s == "covered" for s in (c.status for c in cov.values())) >= len(demo.turns) // 2
        last = demo.turns[-1].clause
        await pilot.press("right")  # past the end: stays put
        await pilot.press("left")
        await pilot.pause()
        assert app.demo_step == len(demo.turns) - 1
        assert app.interview.coverage()[last].status == "uncovered"
        assert str(app.query_one(ClauseTree)._by_clause[last].label).startswith("○")
