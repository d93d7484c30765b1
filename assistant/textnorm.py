"""Text normalisation and tokenisation for the matcher.

Chinese has no spaces, so features come from a word segmenter (rjieba, the
Rust port of jieba: a tenth of jieba's start-up time), from character n-grams,
or both; `bench/match.py --compare` measures the options on the dev set and
DEFAULT_ANALYZER records the winner. English uses lower-cased word unigrams and
bigrams with a light suffix stripper. Traditional Chinese is converted to
Simplified first (OpenCC), and full-width forms are folded by NFKC.
"""

from __future__ import annotations

import io
import itertools
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

#: Longest text matched as one query; longer input is cut and the caller says so.
MAX_QUERY_CHARS = 20_000

ANALYZERS = ("char", "word", "union")
DEFAULT_ANALYZER = "char"

# What clean() drops: C0 and C1 controls (tab and newline are kept, as space and newline),
# bidi marks, embeddings, overrides and isolates (they reorder what a reader sees, the
# "Trojan Source" trick), zero-width and invisible characters, line/paragraph separators.
_CONTROL = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
    r"\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]"
)
# lone surrogates: what invalid bytes decode to with surrogateescape; replaced, like any invalid UTF-8
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_LATIN_WORD = re.compile(r"[a-z][a-z0-9\-]*[a-z0-9]|[a-z]")
_SENTENCE_END = re.compile(r"(?<=[。！？!?；;\n])|(?<=[.])\s+(?=[A-Z])")

# Words that carry no clause meaning; kept short on purpose so domain words
# such as "process" or "results" still count.
_EN_STOP = frozenset(
    (
        "a an the and or of to in on for with by at as is are was were be been being it its this "
        "that these those we our us you your they their them i my me he she his her from into than "
        "then so such not no yes do does did done has have had will would can could should may "
        "might also very about over per each every all any some more most other which who whom "
        "what when where how there here up out if but just only own same too s t"
    ).split()
)
_ZH_STOP = frozenset(
    (
        "的 了 和 与 及 在 是 对 为 把 被 等 也 都 就 而 并 或 以 之 其 将 由 从 向 于 这 那 我们 公司 我 你 他 一个 进行 通过 有 个 中 上 下 不 "
        "没有 还 会 要 能 可以 一些 这个 那个 然后 一般 基本上 基本 主要 方面 情况 工作 开展 建立"
    ).split()
)
_SUFFIXES = (
    "ations",
    "ation",
    "ments",
    "ment",
    "ings",
    "ing",
    "ness",
    "ies",
    "ied",
    "ers",
    "er",
    "es",
    "ed",
    "s",
)


@lru_cache(maxsize=1)
def _t2s() -> Any:  # opencc has no type hints
    import opencc

    return opencc.OpenCC("t2s")


def decode_line(raw: bytes) -> str:
    """A line of piped input: UTF-8, else GB18030 (a GBK answers file), else UTF-8 with replacements."""
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", errors="replace")


def clean(text: str | bytes) -> str:
    """The one cleaning of every string on its way into the database.

    Drops control, bidi and zero-width characters; invalid UTF-8 (bytes, or the lone
    surrogates it decodes to with surrogateescape) becomes U+FFFD; line ends become
    newlines and tabs spaces.
    """
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    text = _SURROGATE.sub("\ufffd", text)
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " "))


def normalize(text: str) -> str:
    """Clean, fold full-width forms, convert Traditional to Simplified, lower-case."""
    text = unicodedata.normalize("NFKC", clean(text))
    if _HAN_RUN.search(text):
        text = _t2s().convert(text)
    return text.lower()


def stem(word: str) -> str:
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


_CONTRACTION = re.compile(r"(?<=[a-z])['’](?:t|s|re|ve|ll|m|d)\b")


def english_tokens(text: str) -> list[str]:
    # "isn't" must not leave a stray "isn" behind: drop the contraction's tail, and
    # "n't" → "n" is then dropped with the other short stop words
    text = _CONTRACTION.sub("", text.replace("n't", " not").replace("n’t", " not"))
    words = [stem(w) for w in _LATIN_WORD.findall(text) if w not in _EN_STOP]
    return words + [f"{a}_{b}" for a, b in itertools.pairwise(words)]


def char_ngrams(run: str, low: int = 1, high: int = 3) -> list[str]:
    out: list[str] = []
    for n in range(low, high + 1):
        out.extend(run[i : i + n] for i in range(len(run) - n + 1))
    return [g for g in out if g not in _ZH_STOP]


class Segmenter:
    """jieba's segmentation over a dictionary cut down to the knowledge base's own words.

    jieba's full dictionary (350,000 words) costs half a second to load, which a
    cold `zhuoyue match` cannot afford. The words a query can share with the index
    are the words of the index's own texts, so the index keeps only those (with
    jieba's frequencies and total, so paths are weighed exactly as the full
    dictionary weighs them) plus the domain terms, and loads in milliseconds.
    Unknown stretches fall apart into single characters (no HMM guessing), which
    keeps the cut deterministic; a cut never joins characters across two words.
    """

    def __init__(self, words: dict[str, int], total: int) -> None:
        import logging

        import jieba  # imported here: the index builder and the analyzers that segment need it

        jieba.setLogLevel(logging.WARNING)
        self.words_freq = words
        self.total = total
        lines = "\n".join(f"{w} {f}" for w, f in words.items()).encode()
        tokenizer = jieba.Tokenizer()
        # jieba's own prefix-dictionary builder over our lines; no file, no cache in /tmp
        tokenizer.FREQ, _ = jieba.Tokenizer.gen_pfdict(io.BytesIO(lines))
        tokenizer.total = total
        tokenizer.initialized = True
        self._jieba = tokenizer

    @classmethod
    def for_texts(cls, texts: Iterable[str], domain_words: Iterable[str] = ()) -> Segmenter:
        """The cut-down dictionary for these (already normalised) texts: jieba's words
        that occur in them, and the domain terms kept whole (顾客满意度, QC小组).

        jieba's dictionary file is read line by line rather than loaded as a
        tokenizer, which would build a prefix table twice its size (and write a
        cache file into the system's temp folder).
        """
        import jieba

        full: dict[str, int] = {}
        total = 0
        with jieba.Tokenizer().get_dict_file() as fh:
            for raw in fh:
                word, freq = raw.decode("utf-8").split(" ")[:2]
                total += int(freq)
                if 2 <= len(word) <= 8 and int(freq) > 0:
                    full[word] = int(freq)
        keep: dict[str, int] = {}
        for text in texts:
            for run in _HAN_RUN.findall(text):
                for i in range(len(run)):
                    for n in range(2, min(8, len(run) - i) + 1):
                        piece = run[i : i + n]
                        if piece in full:
                            keep[piece] = full[piece]
        del full
        cut = cls(dict(sorted(keep.items())), total)
        for word in domain_words:
            word = normalize(word).strip()
            if 1 < len(word) <= 12 and " " not in word:
                # jieba's suggested frequency: just enough for the whole word to beat its parts.
                # The cut-down dictionary holds every jieba word inside a text's words, so the
                # suggestion is the one the full dictionary would give.
                keep[word] = max(keep.get(word, 0), int(cut._jieba.suggest_freq(word, tune=False)))
        return cls(dict(sorted(keep.items())), total)

    def cut(self, text: str) -> list[str]:
        """Every piece of the text in order (words, single characters, Latin runs, spaces)."""
        return list(self._jieba.cut(text, HMM=False))

    def words(self, run: str) -> list[str]:
        return [w for w in self._jieba.cut(run, HMM=False) if w.strip() and w not in _ZH_STOP]


class Analyzer:
    """Turns normalised text into TF-IDF features; callable so scikit-learn can use it."""

    def __init__(self, mode: str = DEFAULT_ANALYZER, segmenter: Segmenter | None = None) -> None:
        if mode not in ANALYZERS:
            raise ValueError(f"unknown analyzer {mode!r}; choose from {', '.join(ANALYZERS)}")
        if mode != "char" and segmenter is None:
            raise ValueError(f"the {mode!r} analyzer needs a segmenter")
        self.mode = mode
        self._segmenter = segmenter if mode != "char" else None

    def __call__(self, text: str) -> list[str]:
        text = normalize(text)
        features = english_tokens(text)
        for run in _HAN_RUN.findall(text):
            if self.mode == "char":
                features.extend(char_ngrams(run, 1, 3))
                continue
            assert self._segmenter is not None
            words = self._segmenter.words(run)
            features.extend(f"w:{w}" for w in words)
            if self.mode == "union":
                features.extend(char_ngrams(run, 1, 3))
        return features


def sentences(text: str, min_chars: int = 6) -> list[str]:
    """Split an answer into sentences or clauses worth matching on their own."""
    parts = [p.strip() for p in _SENTENCE_END.split(text)]
    return [p for p in parts if len(p) >= min_chars]
