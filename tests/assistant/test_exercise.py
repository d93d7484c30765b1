"""The trainee exercise: four choices from one category, one right answer, picks by number or by id."""

from __future__ import annotations

import pytest

from assistant.exercise import ExerciseError, build_exercise, judge
from dialogues.demos import demo_names, load_demo


@pytest.mark.parametrize("name", demo_names())
def test_every_demo_statement_gets_four_distinct_choices_with_exactly_its_own_clause_right(kb, matcher, name):
    demo = load_demo(name, kb)
    for index, turn in enumerate(demo.turns):
        ex = build_exercise(kb, matcher, turn.zh, turn.clause, seed=f"{name}:{index}")
        ids = [c.leaf_id for c in ex.choices]
        assert len(ids) == 4 == len(set(ids)) and ids.count(turn.clause) == 1
        assert ex.choices[ex.number - 1].leaf_id == turn.clause
        category = kb.category_of(turn.clause)
        assert all(kb.category_of(i) == category for i in ids), (turn.clause, ids)
        assert all(kb.get(i).is_leaf for i in ids)


def test_siblings_of_the_same_item_come_first_among_the_distractors(kb, matcher):
    statement = "投诉由客服中心统一受理,24小时内答复,每季度做投诉分析并推动改进,全部分公司都执行。"
    ex = build_exercise(kb, matcher, statement, "4.3.3.2.3", seed="x")
    same_item = [c for c in ex.choices if kb.item_of(c.leaf_id) == kb.item_of("4.3.3.2.3")]
    assert len(same_item) == 4


def test_the_same_seed_gives_the_same_order_and_the_reveal_names_words_and_reason(kb, matcher):
    statement = "投诉由客服中心统一受理,24小时内答复,每季度做投诉分析并推动改进,全部分公司都执行。"
    first = build_exercise(kb, matcher, statement, "4.3.3.2.3", seed="class-1")
    again = build_exercise(kb, matcher, statement, "4.3.3.2.3", seed="class-1")
    assert first.choices == again.choices
    assert "投诉" in first.correct.terms
    assert first.status == "covered" and first.reason_zh.startswith("已覆盖")


def test_a_pick_by_number_or_by_id_is_judged_and_anything_else_is_one_clear_error(kb, matcher):
    statement = "投诉由客服中心统一受理,24小时内答复,每季度做投诉分析并推动改进,全部分公司都执行。"
    ex = build_exercise(kb, matcher, statement, "4.3.3.2.3", seed="x")
    assert judge(ex, kb, str(ex.number), "zh").right
    wrong = next(n for n in range(1, 5) if n != ex.number)
    verdict = judge(ex, kb, f" {wrong} ", "zh")
    assert not verdict.right and verdict.chosen == ex.choices[wrong - 1]
    assert judge(ex, kb, "4.3.3.2.3", "zh").right
    assert not judge(ex, kb, "4.1.2.1", "zh").right  # any leaf may be typed, not only the four shown
    for bad in ("5", "投诉", "4.3", "", "①", "²"):
        with pytest.raises(ExerciseError, match="1–4"):
            judge(ex, kb, bad, "zh")
