"""Demo companies played through the real engine: follow-ups answered, turns taken back, data checked."""

from __future__ import annotations

import pytest

from assistant.demo_play import DemoRun
from dialogues import demos
from dialogues.demos import DemoError, demo_names, load_demo


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", demo_names())
def test_every_follow_up_the_engine_asks_in_a_demo_has_the_company_answer(kb, dialogues, matcher, name, lang):
    demo = load_demo(name, kb)
    run = DemoRun(kb, dialogues, matcher, demo, lang)  # type: ignore[arg-type]
    unanswered = []
    try:
        while not run.done:
            exchanges = run.forward()
            assert exchanges is not None
            turn = demo.turns[run.step - 1]
            pending = exchanges[-1].reply.question
            if pending is not None and pending.role == "followup" and pending.target == turn.clause:
                unanswered.append(f"{turn.clause} {pending.dimension}")
            for exchange in exchanges[1:]:
                follow = turn.followup(exchange.question.dimension if exchange.question else None)
                assert follow is not None and exchange.text == follow.answer(lang)
    finally:
        run.close()
    assert unanswered == [], f"add a model answer under followups in dialogues/demos/{name}.yaml"


def test_a_thin_answer_is_partial_until_its_follow_up_supplies_the_deployment(kb, dialogues, matcher):
    demo = load_demo("manufacturer", kb)
    run = DemoRun(kb, dialogues, matcher, demo, "zh")
    try:
        for _ in range(4):  # the fourth turn, 4.1.4.2.2, names a method but not where it is applied
            exchanges = run.forward()
        assert exchanges is not None and demo.turns[3].clause == "4.1.4.2.2"
        answer, follow = exchanges
        assert answer.touched[0].status == "partial" and "deployment" in answer.touched[0].missing
        assert follow.followup and follow.question is not None and follow.question.dimension == "deployment"
        assert follow.touched[0].leaf_id == "4.1.4.2.2" and follow.touched[0].status == "covered"
    finally:
        run.close()


def test_taking_a_turn_back_removes_its_answers_and_follow_ups(kb, dialogues, matcher):
    demo = load_demo("service", kb)
    run = DemoRun(kb, dialogues, matcher, demo, "zh")
    try:
        run.forward()
        answers = len(run.interview.answers())
        second = run.forward()
        assert second is not None and len(run.interview.answers()) == answers + len(second)
        assert run.back() and run.step == 1
        assert len(run.interview.answers()) == answers
        assert run.interview.coverage()[demo.turns[1].clause].status == "uncovered"
    finally:
        run.close()


def _write_demo(path, followups: str) -> None:
    path.write_text(
        'demo:\n  id: "tiny"\n  name: {zh: "小厂", en: "Tiny"}\n  turns:\n'
        '    - clause: "4.1.2.1"\n      answer: {zh: "有做法", en: "a method"}\n' + followups,
        encoding="utf-8",
    )


def test_a_follow_up_on_a_dimension_the_clause_is_not_read_on_is_refused(kb, tmp_path, monkeypatch):
    monkeypatch.setattr(demos, "demo_dir", lambda: tmp_path)
    _write_demo(tmp_path / "tiny.yaml", '      followups:\n        trend: {zh: "逐年上升", en: "rising"}\n')
    with pytest.raises(DemoError, match=r"4\.1\.2\.1.*'trend' is not one of approach"):
        load_demo("tiny", kb)


def test_a_follow_up_without_both_languages_is_refused(kb, tmp_path, monkeypatch):
    monkeypatch.setattr(demos, "demo_dir", lambda: tmp_path)
    _write_demo(tmp_path / "tiny.yaml", '      followups:\n        deployment: {zh: "两个工厂都执行"}\n')
    with pytest.raises(DemoError, match="follow-up deployment needs exactly zh and en"):
        load_demo("tiny", kb)


def test_follow_ups_load_keyed_by_dimension(kb, tmp_path, monkeypatch):
    monkeypatch.setattr(demos, "demo_dir", lambda: tmp_path)
    _write_demo(
        tmp_path / "tiny.yaml",
        '      followups:\n        deployment: {zh: "两个工厂都执行", en: "both plants"}\n',
    )
    turn = load_demo("tiny", kb).turns[0]
    follow = turn.followup("deployment")
    assert follow is not None and follow.answer("en") == "both plants"
    assert turn.followup("learning") is None


def test_a_clause_asked_in_two_turns_is_refused(kb, tmp_path, monkeypatch):
    # a turn is taken back by its clause's answers, so a clause may be asked in one turn only
    monkeypatch.setattr(demos, "demo_dir", lambda: tmp_path)
    _write_demo(
        tmp_path / "tiny.yaml", '    - clause: "4.1.2.1"\n      answer: {zh: "又一次", en: "again"}\n'
    )
    with pytest.raises(DemoError, match="asked in one turn only"):
        load_demo("tiny", kb)
