"""A long answer's sentences are scored in one batch, with exactly the per-sentence scores.

The batch path (`_guarded_many`, `_Csc.scores_many`) replaces a loop that
scored each sentence on its own; these tests keep that loop as the reference and
require equal arrays, not close ones, so no ranking can shift.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from assistant.evaluation import read_labelled
from assistant.matching import _Csc
from assistant.textnorm import clean, sentences
from tests.conftest import ROOT

DEVSET = ROOT / "tests" / "data" / "devset.jsonl"


def _run_together(lang: str, chars: int = 5_000) -> str:
    texts = [r.text for r in read_labelled(DEVSET) if r.lang == lang]
    joiner = "" if lang.startswith("zh") else " "
    out = ""
    for text in texts:
        if len(out) >= chars:
            break
        out = f"{out}{joiner}{text}" if out else text
    return out[:chars]


def _mixed_answer() -> str:
    """On-topic and off-topic sentences, and one with no known term at all, so that
    every branch of the off-topic guard is taken by some sentence."""
    return (
        "投诉由客服中心统一受理,24小时内答复,每季度做投诉分析。"
        "明天会下雨吗?记得带伞。"
        "qqqq zzzz xxxx yyyy。"
        "帮我订一张周五去上海的机票。"
        "顾客满意度从86分提高到91分,高于主要竞争对手。"
        "The printer on the third floor was repaired yesterday. "
        "Customer complaints are logged in the CRM and answered within 24 hours. "
        "我们每年评价一次供应商,分为A、B、C三级。"
        "午饭吃了面条,味道还行。"
        "公司建立了知识管理平台,项目结束后一个月内提交复盘报告。"
    )


LONG_ANSWERS = {
    "zh 5,000 chars": _run_together("zh"),
    "en 5,000 chars": _run_together("en"),
    "zh-Hant": _run_together("zh-Hant", 2_000),
    "mixed on- and off-topic": _mixed_answer(),
}


def _old_csc_scores(csc: _Csc, cols: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """The per-query product as it was before the batch path."""
    starts, ends = csc.colptr[cols], csc.colptr[cols + 1]
    lengths = ends - starts
    if not lengths.sum():
        return np.zeros(csc.n_rows, dtype=np.float32)
    take = np.concatenate([np.arange(s, e) for s, e in zip(starts, ends, strict=True) if e > s])
    w = np.repeat(weights, lengths)
    return np.bincount(csc.rows[take], weights=csc.data[take] * w, minlength=csc.n_rows).astype(np.float32)


def _old_vectorize(matcher, text: str) -> tuple[np.ndarray, np.ndarray]:
    vocab = matcher.index.vocab
    counts = Counter(t for t in matcher._analyzer(text) if t in vocab)
    if not counts:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    cols = np.fromiter((vocab[t] for t in counts), dtype=np.int64, count=len(counts))
    tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
    weights = (1.0 + np.log(tf)) * matcher.index.idf[cols]
    weights /= np.linalg.norm(weights)
    return cols, weights.astype(np.float32)


def _parts(text: str) -> tuple[str, ...]:
    return tuple(sentences(clean(text).strip()))[:200]


@pytest.mark.parametrize("name", LONG_ANSWERS)
def test_batched_sentence_scores_equal_scoring_each_sentence_alone(matcher, name):
    text = clean(LONG_ANSWERS[name]).strip()
    matcher._sentence_cache.clear()
    parts, batched = matcher._sentence_scores(text)
    assert parts == _parts(text) and len(parts) >= 8
    alone = np.stack([matcher.guarded_scores(part) for part in parts])
    assert batched.shape == alone.shape
    assert np.array_equal(batched, alone)


def test_mixed_answer_takes_every_branch_of_the_guard(matcher):
    """Some sentences match, some are rejected as off-topic, so the equality above
    covers the background comparison and not only the easy cases."""
    cfg = matcher.config
    branches = set()
    for part in _parts(_mixed_answer()):
        scores, nearest_example = matcher._scores(part)
        best = float(scores.max())
        if matcher.vectorize(part)[0].size == 0:
            branches.add("no known term")
        elif best < cfg.threshold:
            branches.add("below threshold")
        elif best >= cfg.confident:
            branches.add("confident")
        elif nearest_example < cfg.background_margin * matcher.background_score(part):
            branches.add("closer to the background")
        else:
            branches.add("kept after the background check")
    assert branches == {
        "no known term",
        "below threshold",
        "confident",
        "closer to the background",
        "kept after the background check",
    }


@pytest.mark.parametrize("name", LONG_ANSWERS)
def test_query_vectors_and_products_equal_the_per_query_code(matcher, name):
    index = matcher.index
    for part in _parts(LONG_ANSWERS[name])[:40]:
        cols, weights = matcher.vectorize(part)
        old_cols, old_weights = _old_vectorize(matcher, part)
        assert np.array_equal(cols, old_cols) and np.array_equal(weights, old_weights)
        for csc in (index.docs, index.examples, index.background):
            assert np.array_equal(csc.scores(cols, weights), _old_csc_scores(csc, cols, weights))


@pytest.mark.parametrize("name", LONG_ANSWERS)
def test_long_answer_matches_and_support_are_unchanged(matcher, name):
    text = clean(LONG_ANSWERS[name]).strip()
    scores = matcher.guarded_scores(text)
    for part in _parts(text):
        scores = np.maximum(scores, matcher.config.segment_weight * matcher.guarded_scores(part))
    ranked = matcher._ranked(text, matcher._supervised(text, scores), 15, explain=False)
    expected = [(m.leaf_id, m.score) for m in ranked]
    matcher._sentence_cache.clear()
    got = matcher.match(text, top=15, explain=False)
    assert [(m.leaf_id, m.score) for m in got] == expected

    leaf_ids = [leaf_id for leaf_id, _ in expected]
    parts = _parts(text)
    for leaf_id, chosen in matcher.support(text, leaf_ids).items():
        i = matcher._position[leaf_id]
        old = [part for part in parts if (s := matcher.guarded_scores(part))[i] > 0 and s[i] >= 0.7 * s.max()]
        assert chosen == (" ".join(old) if old else text)


def test_short_answers_have_no_sentence_rows(matcher):
    parts, rows = matcher._sentence_scores("投诉由客服中心统一受理。24小时内答复。")
    assert parts == () and rows.shape == (0, len(matcher.leaf_ids))
    assert matcher.support("投诉24小时内答复", ["4.3.3.2.3"]) == {"4.3.3.2.3": "投诉24小时内答复"}
