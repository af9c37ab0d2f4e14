"""The character language model: smoothing, pruning and storage."""

from __future__ import annotations

import gzip
import json
import math
from pathlib import Path

import pytest

from recognition.language_model import START, CharLanguageModel, Smoothing
from recognition.models import MODELS_DIR

TEXTS = ["der die das und in dem den von zu", "das Wünſchen half noch in alten Zeiten",
         "in den alten Zeiten, da das Wünſchen noch geholfen hat"]  # fmt: skip


def total_probability(lm: CharLanguageModel, history: str) -> float:
    context = lm.context(list(history))
    return sum(math.exp(lm.logprob(context, g)) for g in lm.vocabulary)


@pytest.mark.parametrize("smoothing", ["kneser-ney", "witten-bell"])
@pytest.mark.parametrize("min_count", [1, 2])
def test_every_context_gives_a_distribution(smoothing: Smoothing, min_count: int) -> None:
    lm = CharLanguageModel.fit(TEXTS, order=5, smoothing=smoothing, min_count=min_count)
    # seen, partly seen and unseen contexts; what the vocabulary leaves goes to unknown graphemes
    for history in ("das W", "n alt", "qqqqq", "", "Zeite"):
        assert 0.97 < total_probability(lm, history) <= 1.0 + 1e-9


def test_kneser_ney_scores_a_new_context_by_how_many_graphemes_came_before() -> None:
    # 'z' is frequent but only ever follows 'a'; 'y' is rarer but follows five letters;
    # 'w' is never followed by anything, so after it only the shorter context speaks
    texts = ["az"] * 10 + ["by", "cy", "dy", "ey", "fy", "w"]
    kneser_ney = CharLanguageModel.fit(texts, order=2, smoothing="kneser-ney")
    witten_bell = CharLanguageModel.fit(texts, order=2, smoothing="witten-bell")
    after_w = kneser_ney.context(["w"])
    assert kneser_ney.logprob(after_w, "y") > kneser_ney.logprob(after_w, "z")
    assert witten_bell.logprob(after_w, "y") < witten_bell.logprob(after_w, "z")
    # in the context it was seen in, 'z' stays the likely one
    assert kneser_ney.logprob(kneser_ney.context(["a"]), "z") > math.log(0.8)


def test_min_count_leaves_out_long_contexts_seen_once_only() -> None:
    full = CharLanguageModel.fit(TEXTS, order=5)
    pruned = CharLanguageModel.fit(TEXTS, order=5, min_count=2)
    dropped = set(full.counts) - set(pruned.counts)
    assert dropped and all(len(context) >= 3 for context in dropped)
    assert ("d", "a", "s") in pruned.counts  # 'das' comes three times
    assert (START, START, START, "i") in dropped  # only the third line starts with 'i'
    assert pruned.vocabulary == full.vocabulary


def test_gzip_file_reads_as_the_model_and_is_the_same_bytes_each_time(tmp_path: Path) -> None:
    lm = CharLanguageModel.fit(TEXTS, order=4, discount=0.8)
    lm.save(tmp_path / "a.lm.json.gz")
    lm.save(tmp_path / "b.lm.json.gz")
    lm.save(tmp_path / "plain.lm.json")
    packed = (tmp_path / "a.lm.json.gz").read_bytes()
    assert packed[:2] == b"\x1f\x8b" and packed == (tmp_path / "b.lm.json.gz").read_bytes()
    assert json.loads(gzip.decompress(packed))["format"] == "archive-ocr char-ngram 2"
    assert len(packed) < (tmp_path / "plain.lm.json").stat().st_size / 3
    again = CharLanguageModel.load(tmp_path / "a.lm.json.gz")
    assert (again.order, again.smoothing, again.discount) == (4, "kneser-ney", 0.8)
    context = again.context(list("Wünſch"))
    assert again.logprob(context, "e") == pytest.approx(lm.logprob(context, "e"))
    (tmp_path / "cut.lm.json.gz").write_bytes(packed[: len(packed) // 2])
    with pytest.raises(ValueError, match="not an archive-ocr character language model"):
        CharLanguageModel.load(tmp_path / "cut.lm.json.gz")


def test_models_fitted_before_kneser_ney_still_read_as_witten_bell() -> None:
    old = CharLanguageModel.load(MODELS_DIR / "latin-small.lm.json.gz")
    assert (old.order, old.smoothing) == (5, "witten-bell")
    shipped = CharLanguageModel.load(MODELS_DIR / "latin-base.lm.json.gz")
    assert (shipped.order, shipped.smoothing) == (7, "kneser-ney")


def test_discount_and_smoothing_are_checked() -> None:
    with pytest.raises(ValueError, match="discount"):
        CharLanguageModel.fit(TEXTS, discount=0.0)
    with pytest.raises(ValueError, match="unknown smoothing"):
        CharLanguageModel.fit(TEXTS, smoothing="good-turing")  # type: ignore[arg-type]
