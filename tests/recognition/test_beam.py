"""Beam search and the character language model: better paths, informed ties, same output form."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from recognition.beam import BeamDecoder, BeamSettings
from recognition.codec import Codec
from recognition.decoding import GreedyDecoder
from recognition.language_model import CharLanguageModel
from recognition.predictor import Predictor, PredictorSettings
from recognition.weights import load_model
from tests.conftest import tiny_training_lines

CODEC = Codec(list("abc "))  # labels: 0 blank, 1 a, 2 b, 3 c, 4 space


def frames(*rows: dict[int, float]) -> np.ndarray:
    """Per-frame probabilities; what a row leaves unsaid goes to the blank."""
    out = np.zeros((len(rows), CODEC.classes))
    for t, row in enumerate(rows):
        for label, p in row.items():
            out[t, label] = p
        out[t, 0] = 1.0 - sum(row.values())
    return out


def test_beam_finds_the_likelier_text_that_greedy_misses() -> None:
    # Each frame's best class is the blank (0.4), but "a" over both frames is likelier
    # (1 - 0.4 * 0.4 = 0.84 of paths read "a") than the empty text.
    probs = frames({1: 0.35, 2: 0.25}, {1: 0.35, 2: 0.25})
    assert GreedyDecoder(CODEC).decode(probs).text == ""
    assert BeamDecoder(CODEC).decode(probs).text == "a"


def test_beam_agrees_with_greedy_on_confident_output() -> None:
    probs = frames({1: 0.9}, {}, {2: 0.95}, {2: 0.9}, {4: 0.8}, {3: 0.9})
    greedy, beam = GreedyDecoder(CODEC).decode(probs), BeamDecoder(CODEC).decode(probs)
    assert beam.text == greedy.text == "ab c"
    assert [c.text for c in beam.chars] == ["a", "b", " ", "c"]
    assert [round(c.confidence, 2) for c in beam.chars] == [0.9, 0.95, 0.8, 0.9]
    starts = [c.x0 for c in beam.chars]
    assert starts == sorted(starts) and all(c.x1 > c.x0 for c in beam.chars)


def test_both_decoders_write_a_learned_private_use_ligature_as_its_letters() -> None:
    # a model whose codec holds MUFI's ſt (U+EADA) writes "ſt" as one character with
    # one confidence and x range
    codec = Codec(["G", "e", "\ueada", " "])
    probs = np.zeros((4, codec.classes))
    for t, label in enumerate((1, 2, 3, 4)):
        probs[t, label] = 0.9
        probs[t, 0] = 0.1
    lexicon = BeamSettings(lexicon=frozenset({"Geſt"}))
    for decoder in (GreedyDecoder(codec), BeamDecoder(codec), BeamDecoder(codec, lexicon)):
        line = decoder.decode(probs)
        assert line.text == "Geſt "
        assert [c.text for c in line.chars] == ["G", "e", "ſt", " "]
        assert line.chars[2].x1 > line.chars[2].x0 > line.chars[1].x0


def test_language_model_reads_a_learned_ligature_as_the_letters_it_writes() -> None:
    # "Geſt" or "Gex": the language model was fitted on written letters (ſ, t), so it
    # scores the model's ſt symbol (U+EADA) letter by letter and settles the tie
    codec = Codec(["G", "e", "\ueada", "x"])
    probs = np.zeros((3, codec.classes))
    probs[0, 1] = probs[1, 2] = 0.9
    probs[2, 3] = probs[2, 4] = 0.45
    probs[:, 0] = 1.0 - probs[:, 1:].sum(axis=1)
    lm = CharLanguageModel.fit(["Geſt Geſtern", "Gaſt"], order=3)
    assert "\ueada" not in lm.vocabulary
    assert BeamDecoder(codec, lm=lm).decode(probs).text == "Geſt"


def test_language_model_and_lexicon_settle_ties() -> None:
    tie = frames({1: 0.9}, {2: 0.45, 3: 0.45}, {1: 0.9})  # "aba" or "aca"
    lm = CharLanguageModel.fit(["aca aca acca", "cac"], order=3)
    assert BeamDecoder(CODEC, lm=lm).decode(tie).text == "aca"
    words = frames({1: 0.9}, {2: 0.45, 3: 0.45}, {4: 0.9})  # "ab " or "ac "
    lexicon = BeamSettings(lexicon=frozenset({"ab"}))
    assert BeamDecoder(CODEC, lexicon).decode(words).text == "ab "


def test_language_model_keeps_a_space_the_recogniser_is_sure_of() -> None:
    # "a b" with the space at 0.9: the model's texts never put a space after "a", and
    # without the per-letter bonus its cost of any extra letter drops the space
    probs = frames({1: 0.9}, {4: 0.9}, {2: 0.9})
    lm = CharLanguageModel.fit(["abc cab abba"], order=3, smoothing="witten-bell")
    assert BeamDecoder(CODEC).decode(probs).text == "a b"
    assert BeamDecoder(CODEC, BeamSettings(insertion_bonus=0.0), lm).decode(probs).text == "ab"
    assert BeamDecoder(CODEC, lm=lm).decode(probs).text == "a b"


def test_language_model_prefers_its_own_language_and_survives_json(tmp_path: Path) -> None:
    texts = ["der die das und in dem den von zu", "das Wünſchen half noch in alten Zeiten"]
    lm = CharLanguageModel.fit(texts, order=4)
    assert lm.perplexity(["in den alten"]) < lm.perplexity(["xq zzv wqk"])
    lm.save(tmp_path / "lm.json")
    again = CharLanguageModel.load(tmp_path / "lm.json")
    context = again.context(list("das"))
    assert again.logprob(context, " ") == pytest.approx(lm.logprob(context, " "))
    (tmp_path / "other.json").write_text('{"format": "something else"}')
    with pytest.raises(ValueError, match="not an archive-ocr"):
        CharLanguageModel.load(tmp_path / "other.json")


def test_predictor_with_beam_search_reads_like_greedy_on_clean_lines(tiny_model: Path) -> None:
    images = [s.image for s in tiny_training_lines()][:12]  # type: ignore[attr-defined]
    greedy = Predictor(load_model(tiny_model)).predict(images)
    beam = Predictor(load_model(tiny_model), PredictorSettings(beam_width=6)).predict(images)
    assert [r.text for r in beam] == [r.text for r in greedy]
