"""Recognition commands: training from line folders with held-out documents, read-lines."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PIL import Image
from typer.testing import CliRunner

from flows.cli import app
from flows.recognition_commands import gather, split_holdout
from recognition.codec import Codec
from recognition.model import LineRecognizer, ModelConfig, sized_config
from recognition.models import shipped_model
from recognition.weights import file_sha256, read_metadata, save_model
from tests.factories import rendered_line

runner = CliRunner()


def line_folder(root: Path, lines: dict[str, str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for stem, text in lines.items():
        Image.fromarray(rendered_line(text)).save(root / f"{stem}.png")
        (root / f"{stem}.gt.txt").write_text(text + "\n", encoding="utf-8")
    return root


def said(output: str) -> str:
    """The words of a command's output, out of the box Typer draws around an error."""
    return " ".join(output.replace("│", " ").split())


def untrained_model(path: Path, chars: str) -> Path:
    """A tiny untrained recogniser over ``chars``, saved to ``path``."""
    codec = Codec(sorted(set(chars)))
    model = LineRecognizer(ModelConfig(classes=codec.classes, channels=(8, 8, 8, 8, 8), hidden=8))
    save_model(model.eval(), codec, path, "untrained")
    return path


def test_holdout_by_document_prefix(tmp_path: Path) -> None:
    folder = line_folder(
        tmp_path, {"docA__p1__l001": "ab", "docA__p1__l002": "ba", "docB__p3__l001": "abba"}
    )
    train, held = split_holdout(gather([folder]), ["docB__"])
    assert [f.text for f in train] == ["ab", "ba"]
    assert [f.text for f in held] == ["abba"]


def small_model(path: Path, codec: Codec) -> Path:
    """An untrained recogniser of the ``small`` size over ``codec``, saved to ``path``."""
    save_model(LineRecognizer(sized_config(codec.classes, "small")).eval(), codec, path, "small")
    return path


def two_documents(root: Path, texts: list[str]) -> Path:
    """A line folder whose lines alternate between documents d0 and d1."""
    return line_folder(root, {f"d{n % 2}__l{n}": text for n, text in enumerate(texts)})


def tiny_training(folder: Path, out: Path, epochs: int) -> list[str]:
    """Arguments that train a small model on ``folder`` for a few steps, d1 held out."""
    return ["train", "recognition", "--train", str(folder), "--holdout", "d1__", "-o", str(out),
            "--size", "small", "--epochs", str(epochs), "--batch-size", "2",
            "--threads", "1"]  # fmt: skip


def test_train_command_writes_model_and_log(tmp_path: Path) -> None:
    folder = two_documents(tmp_path / "lines", ["ab", "ba", "abba", "baab"])
    out = tmp_path / "model"
    result = runner.invoke(app, tiny_training(folder, out, epochs=2))
    assert result.exit_code == 0, result.output
    assert "2 training lines, 2 validation lines" in result.stdout
    assert (out / "model.safetensors").exists()
    assert len((out / "train-log.jsonl").read_text().splitlines()) == 2


def test_a_folder_named_twice_trains_twice_as_often_and_validates_once(tmp_path: Path) -> None:
    folder = two_documents(tmp_path / "lines", ["ab", "ba", "abba", "baab"])
    out = tmp_path / "model"
    result = runner.invoke(app, [*tiny_training(folder, out, epochs=1), "--train", str(folder)])
    assert result.exit_code == 0, result.output
    assert "4 training lines, 2 validation lines" in result.stdout  # d0's two, twice; d1's once


def test_a_trained_model_carries_the_name_given_or_its_folders(tmp_path: Path) -> None:
    folder = two_documents(tmp_path / "lines", ["ab", "ba", "abba", "baab"])
    named = runner.invoke(
        app, [*tiny_training(folder, tmp_path / "run-7", epochs=1), "--name", "parish-registers"]
    )
    plain = runner.invoke(app, tiny_training(folder, tmp_path / "run-8", epochs=1))
    assert named.exit_code == 0 and plain.exit_code == 0, named.output + plain.output
    assert read_metadata(tmp_path / "run-7" / "model.safetensors")["name"] == "parish-registers"
    assert read_metadata(tmp_path / "run-8" / "model.safetensors")["name"] == "run-8"


def test_training_leaves_out_unreadable_line_images_and_names_them(tmp_path: Path) -> None:
    folder = two_documents(tmp_path / "lines", ["ab", "ba", "abba", "baab", "aab"])
    whole = (folder / "d0__l2.png").read_bytes()
    (folder / "d0__l2.png").write_bytes(whole[:40])
    (folder / "d1__l3.png").write_bytes(b"")
    out = tmp_path / "model"
    result = runner.invoke(app, tiny_training(folder, out, epochs=1))
    assert result.exit_code == 0, result.output
    assert "2 training lines, 1 validation lines" in result.stdout
    assert "2 unreadable left out" in result.stdout
    skipped = sorted(line for line in result.stderr.splitlines() if line.startswith("skipped: "))
    assert len(skipped) == 2
    assert "d0__l2.png" in skipped[0] and "d1__l3.png" in skipped[1] and "empty" in skipped[1]
    assert (out / "model.safetensors").exists()


def test_train_command_grows_a_small_model_to_base_size(tmp_path: Path) -> None:
    folder = line_folder(tmp_path / "lines", {"d0__l0": "ab", "d1__l1": "ba"})
    codec = Codec(["a", "b"])
    small_model(tmp_path / "small.safetensors", codec)
    args = ["train", "recognition", "--train", str(folder), "--holdout", "d1__", "--epochs", "1",
            "--batch-size", "1", "--threads", "1"]  # fmt: skip
    from_small = [*args, "--start", str(tmp_path / "small.safetensors")]
    grown = runner.invoke(app, [*from_small, "--size", "base", "-o", str(tmp_path / "base")])
    assert grown.exit_code == 0, grown.output
    config = read_metadata(tmp_path / "base" / "model.safetensors")["config"]
    base = sized_config(codec.classes, "base")
    assert (config["channels"], config["hidden"]) == (list(base.channels), base.hidden)

    shrunk = runner.invoke(app, [*args, "--size", "small", "--start",
                                 str(tmp_path / "base" / "model.safetensors"),
                                 "-o", str(tmp_path / "back")])  # fmt: skip
    assert shrunk.exit_code == 2 and "every width must grow" in shrunk.stderr
    unknown = runner.invoke(app, [*from_small, "--size", "huge", "-o", str(tmp_path / "huge")])
    assert unknown.exit_code == 2 and "unknown size 'huge'" in unknown.stderr
    assert not (tmp_path / "back").exists() and not (tmp_path / "huge").exists()


def test_train_command_adds_a_self_attention_block_to_a_trained_model(tmp_path: Path) -> None:
    folder = two_documents(tmp_path / "lines", ["ab", "ba", "abba", "baab"])
    codec = Codec(["a", "b"])
    small_model(tmp_path / "small.safetensors", codec)
    args = ["train", "recognition", "--train", str(folder), "--holdout", "d1__", "-o",
            str(tmp_path / "attn"), "--epochs", "1", "--batch-size", "2", "--threads", "1",
            "--start", str(tmp_path / "small.safetensors")]  # fmt: skip
    added = runner.invoke(app, [*args, "--attention", "4"])
    assert added.exit_code == 0, added.output
    config = read_metadata(tmp_path / "attn" / "model.safetensors")["config"]
    assert config["attention_heads"] == 4
    assert config["channels"] == list(sized_config(codec.classes, "small").channels)

    uneven = runner.invoke(app, [*args, "--attention", "5", "-o", str(tmp_path / "five")])
    assert uneven.exit_code == 2 and "288 frame features must split evenly" in said(uneven.stderr)
    with_block = str(tmp_path / "attn" / "model.safetensors")
    changed = runner.invoke(app, [*args[:-1], with_block, "--attention", "8",
                                  "-o", str(tmp_path / "eight")])  # fmt: skip
    assert changed.exit_code == 2 and "4 heads, which stays" in said(changed.stderr)
    assert not (tmp_path / "five").exists() and not (tmp_path / "eight").exists()


def test_train_command_needs_validation_lines(tmp_path: Path) -> None:
    folder = line_folder(tmp_path / "lines", {"a": "ab"})
    result = runner.invoke(app, ["train", "recognition", "--train", str(folder), "-o",
                                 str(tmp_path / "m")])  # fmt: skip
    assert result.exit_code == 2
    assert "validation" in result.stderr


def test_read_lines_writes_one_text_per_image(tmp_path: Path) -> None:
    folder = line_folder(tmp_path / "lines", {"x1": "ab"})
    line_folder(folder / "sub", {"x2": "ba"})
    untrained_model(tmp_path / "m.safetensors", "ab")
    out = tmp_path / "out"
    result = runner.invoke(app, ["read-lines", str(folder), "-o", str(out), "--model",
                                 str(tmp_path / "m.safetensors")])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.txt")) == [
        "sub/x2.txt", "x1.txt",
    ]  # fmt: skip


def test_read_lines_names_unreadable_images_and_reads_the_rest(tmp_path: Path) -> None:
    folder = line_folder(tmp_path / "lines", {"good": "ab", "cut": "ba"})
    whole = (folder / "cut.png").read_bytes()
    (folder / "cut.png").write_bytes(whole[: len(whole) // 2])
    (folder / "empty.png").write_bytes(b"")
    (folder / "note.png").write_text("not an image\n", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "cut.txt").write_text("from an earlier run\n", encoding="utf-8")
    untrained_model(tmp_path / "m.safetensors", "ab")
    result = runner.invoke(app, ["read-lines", str(folder), "-o", str(out), "--model",
                                 str(tmp_path / "m.safetensors")])  # fmt: skip
    assert result.exit_code == 3, result.output
    assert sorted(p.name for p in out.glob("*.txt")) == ["good.txt"]
    failed = [line for line in result.stderr.splitlines() if line.startswith("failed: ")]
    assert len(failed) == 3
    assert any("cut.png" in line and "truncated" in line for line in failed)
    assert any("empty.png" in line and "empty" in line for line in failed)
    assert any("note.png" in line for line in failed)
    assert (folder / "cut.png").read_bytes() == whole[: len(whole) // 2]  # inputs untouched


def test_read_lines_refuses_what_its_options_name_but_cannot_read(tmp_path: Path) -> None:
    folder = line_folder(tmp_path / "lines", {"x1": "ab"})
    model = str(untrained_model(tmp_path / "m.safetensors", "ab"))
    damaged = tmp_path / "lm.json"
    damaged.write_text('{"format": "archive-ocr char-n', encoding="utf-8")
    latin1 = tmp_path / "words.txt"
    latin1.write_bytes("Straße".encode("latin-1"))
    out = tmp_path / "out"
    base = ["read-lines", str(folder), "-o", str(out), "--model", model, "--beam", "4"]
    cases = {
        "no language model at": ["--lm", str(tmp_path / "absent.json")],
        "no language model at latin-bse; shipped: ['fraktur19-small', 'latin-base'": [
            "--lm",
            "latin-bse",
        ],
        "is not an archive-ocr character": ["--lm", str(damaged)],
        "is not UTF-8 text": ["--lexicon", str(latin1)],
        "no word list at": ["--lexicon", str(tmp_path / "absent.txt")],
    }
    for message, option in cases.items():
        result = runner.invoke(app, [*base, *option])
        assert result.exit_code == 2 and message in said(result.output), option
    nowhere = runner.invoke(app, ["read-lines", str(tmp_path / "absent"), "-o", str(out)])
    assert nowhere.exit_code == 2 and "does not exist" in said(nowhere.output)
    assert not out.exists()


def test_bench_recognition_writes_accuracy_and_speed(tmp_path: Path) -> None:
    import json

    folder = line_folder(tmp_path / "lines", {"x1": "ab", "x2": "ba"})
    untrained_model(tmp_path / "m.safetensors", "ab")
    out = tmp_path / "bench.json"
    args = ["bench", "recognition", "--model", str(tmp_path / "m.safetensors"),
            "--lines", str(folder), "--out", str(out), "--line-end-hyphen", "¬"]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text())
    assert report["line_end_hyphen"] == "¬"
    overall = report["accuracy"]["overall"]
    assert overall["lines"] == 2 and overall["chars"] == 4
    assert overall["cer"] >= 0.0 and overall["cer_normalized"] >= 0.0
    assert report["lines_per_second"]["cpu_1_thread"] > 0
    assert len(report["model"]["sha256"]) == 64


def test_bench_recognition_scores_the_held_out_documents_of_training_folders(
    tmp_path: Path,
) -> None:
    import json

    trained_on = line_folder(tmp_path / "train", {"docA__l1": "ab", "docA__l2": "ba",
                                                  "docB__l1": "abba"})  # fmt: skip
    whole = line_folder(tmp_path / "val", {"x1": "aab"})
    model = untrained_model(tmp_path / "m.safetensors", "ab")
    lm = tmp_path / "lm.json"
    fitted = runner.invoke(app, ["train", "lm", str(trained_on), "-o", str(lm), "--order", "3",
                                 "--holdout", "docB__"])  # fmt: skip
    assert fitted.exit_code == 0, fitted.output
    out = tmp_path / "bench.json"
    args = ["bench", "recognition", "--model", str(model), "--lines", str(whole), "--held-in",
            str(trained_on), "--holdout", "docB__", "--lm", str(lm), "--beam", "4",
            "--out", str(out)]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text())
    greedy = report["accuracy"]["per_folder"]
    assert greedy[str(trained_on)]["chars"] == 4  # "abba" only: docA was trained on
    assert greedy[str(whole)]["chars"] == 3 and report["accuracy"]["overall"]["lines"] == 2
    beamed = report["with_language_model"]
    assert beamed["beam_width"] == 4 and beamed["language_model"]["sha256"] == file_sha256(lm)
    assert beamed["accuracy"]["per_folder"][str(trained_on)]["chars"] == 4
    assert "with the language model (beam 4)" in result.stdout


def test_bench_recognition_refuses_what_it_cannot_score_as_asked(tmp_path: Path) -> None:
    trained_on = line_folder(tmp_path / "train", {"docA__l1": "ab", "docB__l1": "ba"})
    model = untrained_model(tmp_path / "m.safetensors", "ab")
    base = ["bench", "recognition", "--model", str(model), "--out", str(tmp_path / "b.json")]
    misspelt = runner.invoke(app, [*base, "--held-in", str(trained_on), "--holdout", "docB__",
                                   "--holdout", "docC__"])  # fmt: skip
    assert misspelt.exit_code == 2 and "no line starts with --holdout docC__" in misspelt.output
    alone = runner.invoke(app, [*base, "--held-in", str(trained_on)])
    assert alone.exit_code == 2 and "go together" in alone.output
    no_lm = runner.invoke(app, [*base, "--lines", str(trained_on), "--lm", str(tmp_path / "x")])
    assert no_lm.exit_code == 2 and "no language model at" in no_lm.output
    (trained_on / "docA__l1.png").write_bytes(b"")
    broken = runner.invoke(app, [*base, "--lines", str(trained_on)])
    assert broken.exit_code == 2 and "1 line images cannot be read" in broken.output
    assert "docA__l1.png: the file is empty" in broken.output
    assert not (tmp_path / "b.json").exists()


needs_tesseract = pytest.mark.skipif(
    shutil.which("tesseract") is None, reason="Tesseract is not installed on this machine"
)


@needs_tesseract
def test_tesseract_reads_the_same_lines_beside_us(tmp_path: Path) -> None:
    import json

    texts = {"x1": "Hamburg 1701", "x2": "Baptisms of the parish", "x3": "Register"}
    folder = line_folder(tmp_path / "lines", texts)
    untrained_model(tmp_path / "m.safetensors", "".join(texts.values()))
    out = tmp_path / "bench.json"
    args = ["bench", "recognition", "--model", str(tmp_path / "m.safetensors"),
            "--lines", str(folder), "--out", str(out), "--tesseract", "eng"]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    peer = json.loads(out.read_text())["tesseract"]["eng"]
    assert peer["version"].startswith("tesseract")
    assert peer["accuracy"]["overall"]["lines"] == 3
    assert peer["accuracy"]["overall"]["cer"] < 0.2  # clean rendered English
    assert peer["lines_per_second_1_thread"] > 0


@needs_tesseract
def test_a_missing_tesseract_language_is_a_clear_error(tmp_path: Path) -> None:
    folder = line_folder(tmp_path / "lines", {"x1": "ab"})
    untrained_model(tmp_path / "m.safetensors", "ab")
    args = ["bench", "recognition", "--model", str(tmp_path / "m.safetensors"), "--lines",
            str(folder), "--out", str(tmp_path / "b.json"), "--tesseract", "qqq"]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "no qqq traineddata" in result.output


def test_a_recogniser_option_takes_a_shipped_models_name(tmp_path: Path) -> None:
    folder = line_folder(tmp_path / "lines", {"x1": "Die Stadt", "x2": "vnd das Land"})
    by_name, by_path = tmp_path / "name", tmp_path / "path"
    for out, model in ((by_name, "latin-base"), (by_path, str(shipped_model("latin-base")))):
        result = runner.invoke(app, ["read-lines", str(folder), "-o", str(out), "--model", model])
        assert result.exit_code == 0, result.output
    texts = {p.name: p.read_text() for p in by_name.glob("*.txt")}
    assert texts == {p.name: p.read_text() for p in by_path.glob("*.txt")}
    assert sorted(texts) == ["x1.txt", "x2.txt"]


@pytest.mark.parametrize(
    "command",
    [
        ["read-lines", "{lines}", "-o", "{out}", "--model"],
        ["bench", "recognition", "--lines", "{lines}", "--out", "{out}/b.json", "--model"],
        ["bench", "run", "--src", "{lines}", "--out", "{out}/r.json", "--model"],
        [
            "train",
            "recognition",
            "--train",
            "{lines}",
            "--val",
            "{lines}",
            "-o",
            "{out}",
            "--start",
        ],
    ],
    ids=["read-lines", "bench-recognition", "bench-run", "train-start"],
)
@pytest.mark.parametrize("model", ["latin-huge", "{tmp}/gone.safetensors"])
def test_a_model_that_is_not_there_is_refused_before_any_work(
    tmp_path: Path, command: list[str], model: str
) -> None:
    lines = line_folder(tmp_path / "lines", {"x1": "ab"})
    out = tmp_path / "out"
    fill = {"lines": str(lines), "out": str(out), "tmp": str(tmp_path)}
    result = runner.invoke(app, [arg.format(**fill) for arg in [*command, model]])
    assert result.exit_code == 2
    assert "latin-base" in result.output  # the error names the shipped models
    assert not out.exists()


@pytest.mark.parametrize("command", ["read-lines", "bench-run"])
def test_a_damaged_model_file_is_refused_before_any_work(tmp_path: Path, command: str) -> None:
    lines = line_folder(tmp_path / "lines", {"x1": "ab"})
    cut = tmp_path / "cut.safetensors"
    cut.write_bytes(shipped_model("latin-small").read_bytes()[:-1000])  # an interrupted copy
    out = tmp_path / "out"
    args = {
        "read-lines": ["read-lines", str(lines), "-o", str(out)],
        "bench-run": ["bench", "run", "--src", str(lines), "--out", str(out / "r.json")],
    }
    result = runner.invoke(app, [*args[command], "--model", str(cut)])
    assert result.exit_code == 2
    assert "is not a readable safetensors model" in said(result.output)
    assert not out.exists()
