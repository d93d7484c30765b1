"""Match free Chinese or English text to the clause leaves it is evidence for.

The index is fitted with scikit-learn's TfidfVectorizer over two kinds of
documents per leaf: one rich leaf document (titles, clause text, keywords,
synonyms, guidance, guiding questions) and every example evidence statement on
its own. A query scores each leaf by a blend of its cosine with the leaf
document and with the leaf's closest examples, then a process/results prior
(figures, trends and comparisons point to 4.7) adjusts it. Below a calibrated
threshold nothing matches, so off-topic text yields no evidence.

Queries never import scikit-learn: the fitted vocabulary, idf weights and
document matrices are cached on disk as plain numpy arrays, and a query is
vectorised here exactly as TfidfVectorizer would do it (a test pins that).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from assistant.dimensions import results_cue
from assistant.files import load_arrays, save_arrays
from assistant.paths import cache_dir
from assistant.textnorm import (
    DEFAULT_ANALYZER,
    MAX_QUERY_CHARS,
    Analyzer,
    Segmenter,
    clean,
    english_tokens,
    normalize,
    sentences,
)
from knowledge.errors import UserError

INDEX_FORMAT = 6


class MatcherError(UserError):
    """The matcher could not be built (a broken knowledge base or question file)."""


@dataclass(frozen=True)
class MatchConfig:
    """Scoring constants, chosen on the dev set (see bench/match.py) and kept few
    on purpose so they generalise to statements never seen in development."""

    analyzer: str = DEFAULT_ANALYZER
    #: Weight of the leaf document against the nearest examples (the rest).
    doc_weight: float = 0.6
    #: How many of a leaf's closest examples are averaged.
    example_k: int = 3
    #: Strength of the process/results prior (0 = none).
    kind_prior: float = 0.5
    #: Below this best score the text is taken as off-topic: no match at all.
    threshold: float = 0.03
    #: Off-topic guard: the closest example statement must score at least this
    #: share of the closest everyday (background) sentence. On both labelled
    #: sets on-topic text sits above 0.9 in 97% of cases and off-topic text
    #: below 0.55 in 90%; the margin sits in that gap, not at either set's edge.
    background_margin: float = 0.65
    #: … unless the best clause scores at least this: a strong clause match is not
    #: overruled by an everyday sentence that shares its words (equipment repair vs.
    #: a printer repair ticket). Off-topic text stays below 0.06 on both labelled sets.
    confident: float = 0.1
    #: Long answers: a sentence's own match counts at this fraction.
    segment_weight: float = 0.9
    #: Answers with at least this many sentences are also matched sentence by sentence.
    segment_min: int = 3
    #: Share of the supervised layer in the final ranking (0 = cosine only). A linear
    #: SVM fitted on the leaf examples over the same TF-IDF features learns which
    #: features tell sibling leaves apart, which a cosine with every example cannot.
    #: On the new dev set it lifted typed answers 0.956 → 0.969 and report
    #: paragraphs 0.948 → 0.974 (item top-1); the settings sit mid-plateau.
    supervised_weight: float = 0.3
    #: Softmax temperature over the SVM's decision values.
    supervised_temperature: float = 5.0
    #: The SVM's regularisation, and the documents a feature must occur in to be used.
    supervised_c: float = 1.0
    supervised_min_df: int = 2


@dataclass(frozen=True)
class Match:
    """One leaf a text was matched to, with the terms that drove the match."""

    leaf_id: str
    item_id: str
    category_id: str
    title_zh: str
    title_en: str
    kind: str
    score: float
    terms: tuple[str, ...] = ()

    def title(self, lang: str) -> str:
        return self.title_zh if lang == "zh" else self.title_en

    def brief(self) -> dict[str, Any]:
        """The batch contract of `zhuoyue match --jsonl`."""
        return {
            "id": self.leaf_id,
            "item": self.item_id,
            "title": self.title_zh,
            "score": self.score,
            "terms": list(self.terms),
        }

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["terms"] = list(self.terms)
        return data


@dataclass
class _Csc:
    """A column-major sparse matrix: for each term, the documents that hold it."""

    data: np.ndarray
    rows: np.ndarray
    colptr: np.ndarray
    n_rows: int

    def scores(self, cols: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """One query's dot product with every document."""
        return self.scores_many(np.zeros(cols.size, dtype=np.int64), cols, weights, 1).reshape(self.n_rows)

    def scores_many(self, queries: np.ndarray, cols: np.ndarray, weights: np.ndarray, n: int) -> np.ndarray:
        """Dot products of n queries with every document, as an (n, n_rows) array.

        The queries come as one flat list of (query, term, weight) entries, each
        query's entries together; every document's sum is added up in the order
        of its query's terms, so a query's row is the same whether it is scored
        alone or in a batch.
        """
        starts, ends = self.colptr[cols], self.colptr[cols + 1]
        lengths = ends - starts
        total = int(lengths.sum())
        if not total:
            return np.zeros((n, self.n_rows), dtype=np.float32)
        # the positions of every term's column entries, in term order, without a Python loop
        take = np.arange(total) + np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
        w = np.repeat(weights, lengths)
        cells = np.repeat(queries, lengths) * self.n_rows + self.rows[take]
        flat = np.bincount(cells, weights=self.data[take] * w, minlength=n * self.n_rows)
        return flat.reshape(n, self.n_rows).astype(np.float32)

    def contributions(self, cols: np.ndarray, weights: np.ndarray, row: int) -> dict[int, float]:
        """Query term → its share of the row's score (cols sorted ascending)."""
        if self._row_ptr is None:
            self._build_rows()
        assert self._row_ptr is not None and self._row_cols is not None and self._row_data is not None
        s, e = self._row_ptr[row], self._row_ptr[row + 1]
        row_cols, row_data = self._row_cols[s:e], self._row_data[s:e]
        order = np.argsort(cols)
        sorted_cols = cols[order]
        pos = np.searchsorted(sorted_cols, row_cols)
        pos = np.minimum(pos, max(sorted_cols.size - 1, 0))
        hit = sorted_cols[pos] == row_cols if sorted_cols.size else np.zeros(0, dtype=bool)
        w = weights[order][pos[hit]]
        return {int(c): float(d * x) for c, d, x in zip(row_cols[hit], row_data[hit], w, strict=True)}

    _row_ptr: np.ndarray | None = None
    _row_cols: np.ndarray | None = None
    _row_data: np.ndarray | None = None

    def _build_rows(self) -> None:
        # a row-major copy for explanations: which terms of one document the query hit
        col_of = np.repeat(np.arange(self.colptr.size - 1), np.diff(self.colptr))
        order = np.lexsort((col_of, self.rows))
        self._row_cols = col_of[order]
        self._row_data = self.data[order]
        counts = np.bincount(self.rows, minlength=self.n_rows)
        self._row_ptr = np.concatenate(([0], np.cumsum(counts)))

    @classmethod
    def from_scipy(cls, matrix: Any) -> _Csc:
        csc = matrix.tocsc()
        csc.sort_indices()
        return cls(
            data=csc.data.astype(np.float32),
            rows=csc.indices.astype(np.int32),
            colptr=csc.indptr.astype(np.int64),
            n_rows=csc.shape[0],
        )


@dataclass
class Index:
    """Everything a query needs, as plain data that caches to one .npz file."""

    terms: list[str]
    idf: np.ndarray
    docs: _Csc
    examples: _Csc
    example_leaf: np.ndarray
    background: _Csc
    leaves: list[dict[str, str]]
    domain_words: list[str]
    config: MatchConfig
    #: the segmenter's cut-down dictionary (word → jieba frequency) and jieba's total
    segment_words: dict[str, int] = field(default_factory=dict)
    segment_total: int = 1
    #: the supervised layer: one row of weights per leaf over the kept features,
    #: the intercepts, and each index feature's column in it (-1 if not kept)
    svm_coef: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.float32))
    svm_intercept: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float32))
    svm_column: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    vocab: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.vocab:
            self.vocab = {t: i for i, t in enumerate(self.terms)}

    def save(self, path: Path) -> None:
        meta = {
            "format": INDEX_FORMAT,
            "terms": self.terms,
            "leaves": self.leaves,
            "domain_words": self.domain_words,
            "config": asdict(self.config),
            "segment_words": self.segment_words,
            "segment_total": self.segment_total,
        }
        save_arrays(
            path,
            meta,
            idf=self.idf,
            docs_data=self.docs.data,
            docs_rows=self.docs.rows,
            docs_colptr=self.docs.colptr,
            ex_data=self.examples.data,
            ex_rows=self.examples.rows,
            ex_colptr=self.examples.colptr,
            example_leaf=self.example_leaf,
            bg_data=self.background.data,
            bg_rows=self.background.rows,
            bg_colptr=self.background.colptr,
            bg_n=np.array([self.background.n_rows]),
            svm_coef=self.svm_coef,
            svm_intercept=self.svm_intercept,
            svm_column=self.svm_column,
        )

    @classmethod
    def load(cls, path: Path) -> Index:
        with load_arrays(path, INDEX_FORMAT) as (meta, z):
            n_leaves = len(meta["leaves"])
            example_leaf = z["example_leaf"]
            return cls(
                terms=meta["terms"],
                idf=z["idf"],
                docs=_Csc(z["docs_data"], z["docs_rows"], z["docs_colptr"], n_leaves),
                examples=_Csc(z["ex_data"], z["ex_rows"], z["ex_colptr"], len(example_leaf)),
                example_leaf=example_leaf,
                background=_Csc(z["bg_data"], z["bg_rows"], z["bg_colptr"], int(z["bg_n"][0])),
                leaves=meta["leaves"],
                domain_words=meta["domain_words"],
                config=MatchConfig(**meta["config"]),
                segment_words=meta["segment_words"],
                segment_total=meta["segment_total"],
                svm_coef=z["svm_coef"],
                svm_intercept=z["svm_intercept"],
                svm_column=z["svm_column"],
            )


class ClauseMatcher:
    """Ranks leaves for a text; thread-safe for reading."""

    def __init__(self, index: Index) -> None:
        self.index = index
        self.config = index.config
        self.segmenter = Segmenter(index.segment_words, index.segment_total)
        self._analyzer = Analyzer(index.config.analyzer, self.segmenter)
        self._n_leaves = len(index.leaves)
        self._is_results = np.array([leaf["kind"] == "results" for leaf in index.leaves])
        # examples are grouped by leaf; remember where each leaf's group starts
        self._order = np.argsort(index.example_leaf, kind="stable")
        self._leaf_ids = [leaf["id"] for leaf in index.leaves]
        self._position = {leaf_id: i for i, leaf_id in enumerate(self._leaf_ids)}
        self._sentence_cache: dict[str, tuple[tuple[str, ...], np.ndarray]] = {}
        counts = np.bincount(index.example_leaf, minlength=self._n_leaves)
        self._group_sizes = counts
        self._group_starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
        # each example's place within its leaf's group
        self._slot = np.empty(index.example_leaf.size, dtype=np.int64)
        self._slot[self._order] = (
            np.arange(index.example_leaf.size) - self._group_starts[index.example_leaf[self._order]]
        )
        self._last_vector: tuple[str, np.ndarray, np.ndarray] | None = None

    @property
    def leaf_ids(self) -> list[str]:
        return list(self._leaf_ids)

    def vectorize(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Query terms and their l2-normalised tf-idf weights (sublinear tf).

        The last text's vector is remembered (read-only): a match vectorises the
        whole answer for scoring, the off-topic guard and the explanation.
        """
        last = self._last_vector
        if last is not None and last[0] == text:
            return last[1], last[2]
        cols, weights = self._vectorize(text)
        cols.flags.writeable = weights.flags.writeable = False
        self._last_vector = (text, cols, weights)
        return cols, weights

    def _vectorize(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        vocab = self.index.vocab
        # count first, then look up each distinct feature once; the order (first
        # occurrence) and so the weights are the same as filtering every token
        counts = {t: n for t, n in Counter(self._analyzer(text)).items() if t in vocab}
        if not counts:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        cols = np.fromiter((vocab[t] for t in counts), dtype=np.int64, count=len(counts))
        tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
        weights = (1.0 + np.log(tf)) * self.index.idf[cols]
        weights /= np.linalg.norm(weights)
        return cols, weights.astype(np.float32)

    def _scores(self, text: str) -> tuple[np.ndarray, float]:
        """Leaf scores and the cosine of the single closest example statement."""
        cols, weights = self.vectorize(text)
        if cols.size == 0:
            return np.zeros(self._n_leaves, dtype=np.float32), 0.0
        cfg = self.config
        doc = self.index.docs.scores(cols, weights)
        ex = self.index.examples.scores(cols, weights)
        nearest = self._nearest_examples(ex, cfg.example_k)
        score = cfg.doc_weight * doc + (1.0 - cfg.doc_weight) * nearest
        if cfg.kind_prior:
            cue = results_cue(text) - 0.5
            factor = np.where(self._is_results, 1.0 + cfg.kind_prior * cue, 1.0 - cfg.kind_prior * cue)
            score = score * factor
        return np.clip(score, 0.0, 1.0), float(ex.max()) if ex.size else 0.0

    def guarded_scores(self, text: str) -> np.ndarray:
        """Leaf scores, all zero when the text is off-topic.

        Off-topic means the best leaf is below the threshold, or, short of a
        confident match, the text is closer to an everyday background sentence
        than to any clause's example statements.
        """
        scores, nearest_example = self._scores(text)
        best = float(scores.max()) if scores.size else 0.0
        if best < self.config.threshold:
            return np.zeros_like(scores)
        cfg = self.config
        if best < cfg.confident and nearest_example < cfg.background_margin * self.background_score(text):
            return np.zeros_like(scores)
        return scores

    def background_score(self, text: str) -> float:
        """Cosine with the closest sentence of the everyday background corpus."""
        cols, weights = self.vectorize(text)
        if cols.size == 0 or self.index.background.n_rows == 0:
            return 0.0
        return float(self.index.background.scores(cols, weights).max())

    def _guarded_many(self, texts: tuple[str, ...]) -> np.ndarray:
        """`guarded_scores` of many texts at once, one row each, in one sparse product.

        The same arithmetic as scoring each text alone (a test pins that the rows
        are identical), but the documents, examples and background are each
        multiplied once for all texts instead of once per text.
        """
        cfg = self.config
        n = len(texts)
        # not through vectorize(): the whole answer's remembered vector is needed again
        vectors = [self._vectorize(text) for text in texts]
        lengths = [cols.size for cols, _ in vectors]
        if not n or not sum(lengths) or not self._n_leaves:
            return np.zeros((n, self._n_leaves), dtype=np.float32)
        queries = np.repeat(np.arange(n, dtype=np.int64), lengths)
        cols = np.concatenate([c for c, _ in vectors])
        weights = np.concatenate([w for _, w in vectors])
        doc = self.index.docs.scores_many(queries, cols, weights, n)
        ex = self.index.examples.scores_many(queries, cols, weights, n)
        nearest = self._nearest_examples_many(ex, cfg.example_k)
        score = cfg.doc_weight * doc + (1.0 - cfg.doc_weight) * nearest
        if cfg.kind_prior:
            cue = np.array([results_cue(text) for text in texts]) - 0.5
            up, down = 1.0 + cfg.kind_prior * cue, 1.0 - cfg.kind_prior * cue
            score = score * np.where(self._is_results[None, :], up[:, None], down[:, None])
        score = np.clip(score, 0.0, 1.0)
        best = score.max(axis=1)
        nearest_example = ex.max(axis=1) if ex.shape[1] else np.zeros(n, dtype=np.float32)
        off = best < cfg.threshold
        unsure = np.flatnonzero(~off & (best < cfg.confident))
        if unsure.size and self.index.background.n_rows:
            keep = np.isin(queries, unsure)
            renumber = np.zeros(n, dtype=np.int64)
            renumber[unsure] = np.arange(unsure.size)
            bg = self.index.background.scores_many(
                renumber[queries[keep]], cols[keep], weights[keep], unsure.size
            )
            # in float64, as the single-text path multiplies Python floats
            bg_best = bg.max(axis=1).astype(np.float64)
            off[unsure] |= nearest_example[unsure] < cfg.background_margin * bg_best
        score[off] = 0.0
        return score

    def _nearest_examples_many(self, ex: np.ndarray, k: int) -> np.ndarray:
        """`_nearest_examples` for each row of an (n, n_examples) array."""
        out = np.zeros((ex.shape[0], self._n_leaves), dtype=np.float32)
        if ex.size == 0:
            return out
        # one slot per example in a (leaf, slot) grid, padded with -inf, then each
        # leaf's examples sorted best first: the same values, in the same order, as
        # the single-text path picks and adds up
        grid = np.full((ex.shape[0], self._n_leaves, max(self._group_sizes.max(), k)), -np.inf, np.float32)
        grid[:, self.index.example_leaf, self._slot] = ex
        best_first = -np.sort(-grid, axis=-1)[:, :, :k]
        take = np.minimum(self._group_sizes, k)
        mask = np.arange(k)[None, :] < take[:, None]
        picked = np.where(mask, best_first, 0.0)
        has = take > 0
        out[:, has] = picked[:, has].sum(axis=-1) / take[has]
        return out

    def _nearest_examples(self, ex: np.ndarray, k: int) -> np.ndarray:
        """Mean of each leaf's k best example scores (fewer if it has fewer examples)."""
        out = np.zeros(self._n_leaves, dtype=np.float32)
        if ex.size == 0:
            return out
        owners = self.index.example_leaf
        order = np.lexsort((-ex, owners))  # by leaf, best example first
        sorted_ex = ex[order]
        starts = self._group_starts
        sizes = self._group_sizes
        take = np.minimum(sizes, k)
        offsets = np.arange(k)
        idx = starts[:, None] + offsets[None, :]
        mask = offsets[None, :] < take[:, None]
        picked = np.where(mask, sorted_ex[np.minimum(idx, sorted_ex.size - 1)], 0.0)
        has = take > 0
        out[has] = picked[has].sum(axis=1) / take[has]
        return out

    def match(self, text: str, top: int = 5, *, explain: bool = True) -> list[Match]:
        """Leaves the text is evidence for, best first; empty for off-topic text.

        A long answer is also matched sentence by sentence, so every leaf that
        one of its sentences addresses is found.
        """
        text = clean(text)[:MAX_QUERY_CHARS].strip()
        if not text:
            return []
        scores = self.guarded_scores(text)
        per_part = self._sentence_scores(text)[1]
        if per_part.shape[0]:
            # the weight is positive, so weighting the best sentence is weighting each
            scores = np.maximum(scores, self.config.segment_weight * per_part.max(axis=0))
        return self._ranked(text, self._supervised(text, scores), top, explain=explain)

    def _supervised(self, text: str, scores: np.ndarray) -> np.ndarray:
        """Blend the SVM's view into the cosine scores, on the cosine scores' scale.

        Off-topic text (all zero) stays all zero: the guard decides what is on topic,
        the SVM only reorders what the guard let through.
        """
        cfg = self.config
        best = float(scores.max()) if scores.size else 0.0
        if best <= 0 or not cfg.supervised_weight or not self.index.svm_coef.size:
            return scores
        cols, weights = self.vectorize(text)
        mapped = self.index.svm_column[cols]
        kept = mapped >= 0
        decision = self.index.svm_coef[:, mapped[kept]] @ weights[kept] + self.index.svm_intercept
        z = cfg.supervised_temperature * (decision - decision.max())
        p = np.exp(z)  # a softmax; only its shape relative to its maximum is used
        blended: np.ndarray = (1.0 - cfg.supervised_weight) * scores + cfg.supervised_weight * best * p / p.max()
        return blended.astype(np.float32)

    def _sentence_scores(self, text: str) -> tuple[tuple[str, ...], np.ndarray]:
        """The sentences of a long answer and their guarded scores, one row per
        sentence (no rows for short text).

        Remembered for the last few texts: the interview asks `match` and then
        `support` about the same answer, and the sentences need scoring once.
        """
        cached = self._sentence_cache.get(text)
        if cached is None:
            parts = tuple(sentences(text))
            if len(parts) < self.config.segment_min:
                parts = ()
            parts = parts[:200]
            cached = (parts, self._guarded_many(parts))
            if len(self._sentence_cache) >= 8:
                self._sentence_cache.pop(next(iter(self._sentence_cache)))
            self._sentence_cache[text] = cached
        return cached

    def support(self, text: str, leaf_ids: list[str]) -> dict[str, str]:
        """For each leaf, the sentences of a long answer that speak to it.

        A ten-sentence answer should not lend all ten sentences to every leaf it
        touches: coverage reads the dimensions (deployment, trend …) of the
        sentences that are about that leaf. Short answers support as a whole.
        """
        text = clean(text)[:MAX_QUERY_CHARS].strip()
        parts, per_part = self._sentence_scores(text)
        best = per_part.max(axis=1) if per_part.size else np.zeros(len(parts))
        out = {}
        for leaf_id in leaf_ids:
            i = self._position.get(leaf_id)
            chosen: list[str] = []
            if i is not None and parts:
                column = per_part[:, i]
                chosen = [parts[j] for j in np.flatnonzero((column > 0) & (column >= 0.7 * best))]
            out[leaf_id] = " ".join(chosen) if chosen else text
        return out

    def _ranked(self, text: str, scores: np.ndarray, top: int, *, explain: bool = True) -> list[Match]:
        if not scores.size or float(scores.max()) < self.config.threshold:
            return []
        order = np.argsort(-scores, kind="stable")[:top]
        cols, weights = self.vectorize(text)
        words = self._word_features(normalize(text)) if explain else {}
        example_scores = self.index.examples.scores(cols, weights) if explain and cols.size else None
        out = []
        for leaf in order:
            if scores[leaf] < self.config.threshold:
                break
            meta = self.index.leaves[leaf]
            out.append(
                Match(
                    leaf_id=meta["id"],
                    item_id=meta["item"],
                    category_id=meta["category"],
                    title_zh=meta["title_zh"],
                    title_en=meta["title_en"],
                    kind=meta["kind"],
                    score=round(float(scores[leaf]), 4),
                    terms=self._why(words, cols, weights, example_scores, int(leaf)) if explain else (),
                )
            )
        return out

    def _word_features(self, normalized: str) -> dict[str, tuple[tuple[int, float], ...]]:
        """The text's showable whole words, each with the index features inside it.

        A feature that lies in several of the words is split evenly between them, so
        a word's credit is (feature column, share) pairs.
        """
        vocab = self.index.vocab
        inside = {w: {vocab[f] for f in _features_of(w) if f in vocab} for w in _candidate_words(normalized, self.segmenter)}
        owners: Counter[int] = Counter()
        for cols in inside.values():
            owners.update(cols)
        return {w: tuple((c, 1.0 / owners[c]) for c in sorted(cols)) for w, cols in inside.items()}

    def _why(
        self,
        words: dict[str, tuple[tuple[int, float], ...]],
        cols: np.ndarray,
        weights: np.ndarray,
        example_scores: np.ndarray | None,
        leaf: int,
        n: int = 4,
    ) -> tuple[str, ...]:
        """The words of the text that drove a match, best first.

        Features are character n-grams, which cross word boundaries (满意度调查 has
        the feature 度调); shown as they are they explain nothing. So the text is
        cut into words, and each word is credited with what the features inside
        it contributed to the leaf's score (its document and its closest example).
        Only whole words of two or more characters, or English words, are shown.
        """
        if example_scores is None or not words:
            return ()
        contrib = self._contributions(cols, weights, example_scores, leaf)
        credit = {w: sum(contrib.get(c, 0.0) * share for c, share in parts) for w, parts in words.items()}
        ranked = sorted((w for w in words if credit[w] > 0), key=lambda w: -credit[w])  # stable: text order on ties
        return tuple(ranked[:n])

    def _contributions(
        self, cols: np.ndarray, weights: np.ndarray, example_scores: np.ndarray, leaf: int
    ) -> dict[int, float]:
        """Feature column → its share of the leaf's score: the leaf document and the
        leaf's closest example statement, in the blend's proportions."""
        cfg = self.config
        out = {c: cfg.doc_weight * v for c, v in self.index.docs.contributions(cols, weights, leaf).items()}
        start, size = int(self._group_starts[leaf]), int(self._group_sizes[leaf])
        if size:
            rows = self._order[start : start + size]
            best = int(rows[int(np.argmax(example_scores[rows]))])
            for c, v in self.index.examples.contributions(cols, weights, best).items():
                out[c] = out.get(c, 0.0) + (1.0 - cfg.doc_weight) * v
        return out


def _candidate_words(normalized: str, segmenter: Segmenter) -> list[str]:
    """The text's whole words that can be shown: Chinese words of two or more
    characters and English words, in order of first appearance."""
    out: dict[str, None] = {}  # ordered, and a set's lookup: a 12k-character answer has thousands of words
    for piece in segmenter.cut(normalized):
        piece = piece.strip()
        if not piece or piece in out:
            continue
        if _HAN.search(piece):
            if len(piece) >= 2 and not piece.isdigit():
                out[piece] = None
        elif re.fullmatch(r"[a-z][a-z0-9\-]+", piece):
            out[piece] = None
    return list(out)


def _features_of(word: str) -> list[str]:
    """The index features that lie inside one word."""
    if _HAN.search(word):
        grams = [word[i : i + k] for k in (1, 2, 3) for i in range(len(word) - k + 1)]
        return [*grams, f"w:{word}"]
    return english_tokens(word)[:1]


_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


# --- building and caching -------------------------------------------------------------------------


def leaf_documents(
    kb: Any, dialogues: Any | None
) -> tuple[list[str], list[str], list[int], list[dict[str, str]]]:
    """The rich per-leaf documents, the example statements and their owning leaf.

    Titles and keywords are repeated so a short query that names the clause in
    its own words weighs them above a passing word in the guidance.
    """
    docs, examples, owners, meta = [], [], [], []
    for index, leaf in enumerate(kb.leaves()):
        item = kb.item_of(leaf.id)
        category = kb.category_of(leaf.id)
        parts = [leaf.title.zh, leaf.title.en] * 3
        parts += [leaf.text.zh, leaf.text.en] * 2
        parts += list(leaf.keywords.zh + leaf.keywords.en) * 2
        parts += list(leaf.synonyms.zh + leaf.synonyms.en)
        parts += list(leaf.guidance.zh + leaf.guidance.en)
        if item is not None:
            parts += [item.title.zh, item.title.en]
        parent = kb.get(leaf.parent) if leaf.parent else None
        if parent is not None and parent.level == "area":
            parts += [parent.title.zh, parent.title.en]
        if dialogues is not None:
            for q in dialogues.probe_texts(leaf.id):
                parts += [q.zh, q.en]
        docs.append("\n".join(parts))
        for example in leaf.examples.zh + leaf.examples.en:
            examples.append(example)
            owners.append(index)
        meta.append(
            {
                "id": leaf.id,
                "item": item.id if item else leaf.parent or "",
                "category": category.id if category else "",
                "title_zh": leaf.title.zh,
                "title_en": leaf.title.en,
                "kind": leaf.kind,
                "keywords": sorted(
                    {
                        normalize(k)
                        for k in leaf.keywords.zh + leaf.keywords.en + leaf.synonyms.zh + leaf.synonyms.en
                    }
                ),
            }
        )
    return docs, examples, owners, meta


def domain_words(kb: Any) -> list[str]:
    """Chinese domain terms the segmenter must keep whole (顾客满意度, QC小组, 六西格玛 …)."""
    words = set(_EXTRA_DOMAIN_WORDS)
    for node in kb.nodes:
        words.update(node.keywords.zh)
        words.update(node.synonyms.zh)
    return sorted(w for w in words if 1 < len(w) <= 12 and " " not in w)


_EXTRA_DOMAIN_WORDS = (
    "顾客满意度", "细分市场", "市场细分", "QC小组", "六西格玛", "平衡计分卡", "卓越绩效", "标杆管理",
    "关键绩效指标", "顾客忠诚度", "投诉处理", "顾客投诉", "战略地图", "精益生产", "合理化建议",
    "PDCA", "5S", "TPM", "SWOT", "KPI", "CRM", "ERP", "MES", "OA",
)  # fmt: skip


def build_index(kb: Any, dialogues: Any | None, config: MatchConfig | None = None) -> Index:
    """Fit the TF-IDF index over the knowledge base (needs scikit-learn)."""
    config = config or MatchConfig()
    docs, examples, owners, meta = leaf_documents(kb, dialogues)
    background = background_sentences()
    words = domain_words(kb)
    # the segmenter's dictionary first: reading jieba's full dictionary and importing
    # scikit-learn each cost ~100 MB, and the peak stays lower when they do not overlap
    segmenter = Segmenter.for_texts((normalize(t) for t in docs + examples + background), words)
    from sklearn.feature_extraction.text import TfidfVectorizer  # fitting only; queries avoid it

    analyzer = Analyzer(config.analyzer, segmenter)
    vectorizer = TfidfVectorizer(analyzer=analyzer, sublinear_tf=True, norm="l2", dtype=np.float32)
    # everyday sentences join the fit so common words get a low idf everywhere
    vectorizer.fit(docs + examples + background)
    terms = [""] * len(vectorizer.vocabulary_)
    for term, col in vectorizer.vocabulary_.items():
        terms[col] = term
    coef, intercept, column = _fit_supervised(
        vectorizer.transform(examples + docs), owners + list(range(len(docs))), config
    )
    return Index(
        terms=terms,
        idf=vectorizer.idf_.astype(np.float32),
        docs=_Csc.from_scipy(vectorizer.transform(docs)),
        examples=_Csc.from_scipy(vectorizer.transform(examples)),
        example_leaf=np.array(owners, dtype=np.int32),
        background=_Csc.from_scipy(vectorizer.transform(background)),
        leaves=meta,
        domain_words=words,
        config=config,
        segment_words=segmenter.words_freq,
        segment_total=segmenter.total,
        svm_coef=coef,
        svm_intercept=intercept,
        svm_column=column,
    )


def _fit_supervised(matrix: Any, labels: list[int], config: MatchConfig) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A linear SVM over the examples and leaf documents (fitted in well under a second).

    Features seen in fewer than `supervised_min_df` documents are left out: they
    are mostly n-grams of one example, which the SVM would memorise.
    """
    from sklearn.svm import LinearSVC

    n_features = matrix.shape[1]
    df = matrix.tocsc().getnnz(axis=0)  # tf-idf weights are positive: stored means present
    keep = np.flatnonzero(df >= config.supervised_min_df)
    column = np.full(n_features, -1, dtype=np.int32)
    if not config.supervised_weight or keep.size == 0 or len(set(labels)) < 2:
        return np.zeros((0, 0), dtype=np.float32), np.zeros(0, dtype=np.float32), column
    column[keep] = np.arange(keep.size, dtype=np.int32)
    svm = LinearSVC(C=config.supervised_c)
    svm.fit(matrix[:, keep], np.array(labels))
    # LinearSVC orders its rows by class label, and every leaf has a document, so row i is leaf i
    return svm.coef_.astype(np.float32), svm.intercept_.astype(np.float32), column


def background_path() -> Path:
    from importlib import resources

    return Path(str(resources.files("knowledge") / "background.yaml"))


def background_sentences() -> list[str]:
    """The everyday, off-topic sentences that form the matcher's reject class."""
    import yaml

    path = background_path()
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    rows = data.get("background") if isinstance(data, dict) else None
    if not isinstance(rows, list) or not all(isinstance(r, str) for r in rows):
        raise MatcherError(f"{path}: 'background' must be a list of strings")
    return rows


def _versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    out = []
    for name in ("zhuoyue", "numpy", "scikit-learn", "jieba", "opencc"):
        try:
            out.append(f"{name}={version(name)}")
        except PackageNotFoundError:
            out.append(f"{name}=?")
    return ";".join(out)


def cache_key(kb_path: Path | None, config: MatchConfig) -> str:
    import hashlib

    from dialogues.loader import builtin_dialogue_dir
    from knowledge.digest import content_hash, yaml_files
    from knowledge.loader import builtin_data_dir

    kb_root = kb_path or builtin_data_dir()
    parts = [
        content_hash(yaml_files(kb_root)) if kb_root.exists() else "missing",
        content_hash(yaml_files(builtin_dialogue_dir())),
        content_hash([background_path()]),
        _versions(),
        json.dumps(asdict(config), sort_keys=True),
        str(INDEX_FORMAT),
    ]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:20]


def load_matcher(
    kb_path: Path | None = None,
    config: MatchConfig | None = None,
    *,
    use_cache: bool = True,
    kb: Any | None = None,
) -> ClauseMatcher:
    """A matcher for the built-in or a user's knowledge base, from cache when fresh.

    A stale or corrupt cache file is rebuilt silently; a cache folder that
    cannot be written only costs the next start a rebuild.
    """
    config = config or MatchConfig()
    path = cache_dir() / f"index-{cache_key(kb_path, config)}.npz" if use_cache else None
    if path is not None and path.exists():
        try:
            return ClauseMatcher(Index.load(path))
        except Exception:
            path.unlink(missing_ok=True)
    index = build_index_for(kb_path, config, kb=kb)
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            index.save(path)
        except OSError:
            pass
    return ClauseMatcher(index)


def build_index_for(kb_path: Path | None, config: MatchConfig, *, kb: Any | None = None) -> Index:
    from dialogues.errors import DialogueError
    from dialogues.loader import load_dialogues
    from knowledge.loader import load_knowledge_base

    kb = kb or load_knowledge_base(kb_path)
    try:
        dialogues = load_dialogues(kb, strict=kb_path is None)
    except DialogueError as exc:
        raise MatcherError(str(exc)) from exc
    return build_index(kb, dialogues, config)
