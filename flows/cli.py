"""The ``archive-ocr`` command line. Commands parse arguments and call the library."""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from tqdm import tqdm

from flows.bench_preprocess import PRECISE_TRUTH, run_benchmark
from flows.bench_recognition import BenchInputError, line_sets
from flows.bench_recognition import run_benchmark as run_recognition_benchmark
from flows.bench_run import run_benchmark as run_end_to_end
from flows.bench_segment import bench_segment_command
from flows.conversion import convert_file, output_name
from flows.deploy_commands import deploy_command, serve_command
from flows.evaluate import EvaluationError, PairingError, evaluate
from flows.files import write_atomic
from flows.inspect_command import inspect_page, scan_for
from flows.layout_commands import train_layout_command
from flows.line_dataset import cut_lines
from flows.preprocess import Failure, preprocess_files
from flows.recognition_commands import (
    build_codec,
    distinct,
    gather,
    language_model_option,
    read_lines,
    readable,
    recogniser_option,
    split_holdout,
    word_list_option,
)
from flows.roundtrip import check_file, collect_xml
from flows.run.manifest import REPORT_KEY
from flows.run.settings import RunSettings, load_settings
from flows.samples import samples_command
from flows.segment_command import segment_files
from flows.segmentation import PageDirection, Segmenter, SegmenterKind, SegmenterSettings
from flows.synth_command import read_texts, synth_lines_command, synth_pages_command
from flows.tesseract import TesseractError
from flows.validation import validate_file
from layout.images.binarize import BinarizeSettings, Method
from layout.images.errors import ImageLoadError
from layout.images.preprocess import PreprocessSettings
from layout.xmlio import XMLFormat, XMLFormatError, read_document
from recognition.averaging import average_files
from recognition.beam import INSERTION_BONUS, LM_WEIGHT
from recognition.degrade import augmenter
from recognition.hyphens import HYPHEN_HELP, LineEndHyphen
from recognition.language_model import DISCOUNT, MIN_COUNT, CharLanguageModel, Smoothing
from recognition.model import sized_config, with_attention
from recognition.models import LM_HELP, MODEL_HELP, shipped_model, usable_model_file
from recognition.precision import Precision
from recognition.predictor import PredictorSettings
from recognition.training import TrainSettings, train
from recognition.weights import LineCut, load_model
from recognition.widen import grown_to

T = TypeVar("T")

app = typer.Typer(
    name="archive-ocr",
    help="OCR and HTR for scanned historical documents, with PAGE-XML and ALTO output.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _echo_outcomes(outcomes: Iterable[T | Failure], describe: Callable[[T], str]) -> int:
    """Print each result, and each failure with its reason; 1 if anything failed, else 0."""
    failed = 0
    for outcome in outcomes:
        if isinstance(outcome, Failure):
            failed += 1
            typer.echo(f"{outcome.path}: failed ({outcome.reason}): {outcome.message}", err=True)
        else:
            typer.echo(describe(outcome))
    return 1 if failed else 0


def _write_json(path: Path, data: dict[str, Any]) -> None:
    write_atomic(path, json.dumps(data, indent=2, ensure_ascii=False).encode() + b"\n")


@app.command()
def validate(
    files: Annotated[list[Path], typer.Argument(help="PAGE-XML or ALTO files, or folders.")],
) -> None:
    """Check files against the official XSD (ALTO 4.x, PAGE 2019) and semantic rules.

    Prints one line per problem as FILE: PROBLEM and exits 1 if any was found.
    """
    paths = collect_xml(files)
    bad = 0
    for path in paths:
        report = validate_file(path)
        for problem in report.problems:
            typer.echo(f"{path}: {problem}")
        bad += not report.ok
    typer.echo(f"{len(paths) - bad} valid, {bad} invalid", err=True)
    raise typer.Exit(1 if bad or not paths else 0)


@app.command()
def convert(
    source: Annotated[Path, typer.Argument(help="A PAGE-XML or ALTO file, or a folder of them.")],
    target: Annotated[Path, typer.Argument(help="Output file, or folder for many inputs.")],
    to: Annotated[XMLFormat, typer.Option("--to", help="Output format.")],
) -> None:
    """Convert between PAGE-XML and ALTO, keeping all that both formats can hold."""
    sources = collect_xml([source])
    many = source.is_dir() or target.is_dir()
    failed = 0
    for path in sources:
        out = target / output_name(path, to) if many else target
        try:
            convert_file(path, out, to)
        except (OSError, XMLFormatError, ValueError) as err:
            typer.echo(f"{path}: {err}", err=True)
            failed += 1
            continue
        typer.echo(f"{path} -> {out}")
    raise typer.Exit(1 if failed or not sources else 0)


@app.command("eval")
def eval_command(
    predictions: Annotated[Path, typer.Argument(help="Predicted file or folder.")],
    ground_truth: Annotated[Path, typer.Argument(help="Ground-truth file or folder.")],
    json_path: Annotated[
        Path | None, typer.Option("--json", help="Write per-file figures as JSON here.")
    ] = None,
) -> None:
    """CER, WER (raw and normalised) and line detection P/R/F1 at IoU >= 0.5."""
    try:
        report = evaluate(predictions, ground_truth)
    except (PairingError, EvaluationError) as err:
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(2) from err
    summary = report["summary"]
    typer.echo(
        f"documents {summary['documents']} (missing predictions {summary['missing_predictions']})"
    )
    typer.echo(f"CER {summary['cer']:.2%}  normalised {summary['cer_normalized']:.2%}")
    typer.echo(f"WER {summary['wer']:.2%}  normalised {summary['wer_normalized']:.2%}")
    if "lines" in summary:
        lines = summary["lines"]
        typer.echo(
            f"lines P {lines['precision']:.3f}  R {lines['recall']:.3f}  F1 {lines['f1']:.3f}"
        )
        typer.echo(f"CER over matched lines, reading order aside {summary['cer_lines']:.2%}  "
                   f"normalised {summary['cer_lines_normalized']:.2%}")  # fmt: skip
    if json_path is not None:
        _write_json(json_path, report)


@app.command()
def roundtrip(
    paths: Annotated[list[Path], typer.Argument(help="PAGE-XML or ALTO files, or folders.")],
    out_dir: Annotated[
        Path | None, typer.Option("-o", "--out", help="Keep the PAGE and ALTO written here.")
    ] = None,
    json_path: Annotated[Path | None, typer.Option("--json", help="Write a JSON report.")] = None,
) -> None:
    """Read, write as PAGE and ALTO, validate, read back and compare every file."""
    results = [check_file(path, out_dir) for path in collect_xml(paths)]
    failed = [r for r in results if not r.ok]
    for result in failed:
        typer.echo(json.dumps(result.as_dict(), ensure_ascii=False))
    typer.echo(f"{len(results) - len(failed)} of {len(results)} files round-trip losslessly")
    if json_path is not None:
        _write_json(json_path, {"files": [r.as_dict() for r in results]})
    raise typer.Exit(1 if failed or not results else 0)


@app.command()
def preprocess(
    images: Annotated[list[Path], typer.Argument(help="Page images (TIFF, JPEG, PNG, JP2, WebP).")],
    out_dir: Annotated[Path, typer.Option("-o", "--out", help="Folder for the results.")],
    method: Annotated[Method, typer.Option(help="Binarization method.")] = "sauvola",
    max_skew: Annotated[float, typer.Option(help="Largest skew searched, degrees.")] = 15.0,
) -> None:
    """Binarize and deskew: writes STEM.png, STEM.bin.png and STEM.json per page.

    Multi-page files give STEM_p1, STEM_p2, ... A file that cannot be loaded is
    reported with its reason and the others go on; exit status 1 if any failed.
    """
    settings = PreprocessSettings(binarize=BinarizeSettings(method=method), max_skew=max_skew)
    outcomes = preprocess_files(images, out_dir, settings)
    raise typer.Exit(_echo_outcomes(outcomes, lambda stem: f"{out_dir / stem}.png"))


@app.command("run")
def run_command(
    src: Annotated[str, typer.Argument(help="Input folder or s3://bucket/prefix.")],
    dst: Annotated[str, typer.Argument(help="Output folder or s3://bucket/prefix.")],
    *,
    config: Annotated[Path | None, typer.Option(help="YAML or JSON settings file.")] = None,
    model: Annotated[Path | None, typer.Option(help=f"Recogniser: {MODEL_HELP}.")] = None,
    device: Annotated[str | None, typer.Option(help="cpu or cuda.")] = None,
    max_failure_ratio: Annotated[float | None, typer.Option(help="Stop past this.")] = None,
    page_timeout_s: Annotated[float | None, typer.Option(help="Per-page limit.")] = None,
    workers: Annotated[int | None, typer.Option(help="Pages processed at once.")] = None,
    layout_processes: Annotated[
        int | None, typer.Option(help="Processes that lay pages out (0: threads).")
    ] = None,
    show_progress: Annotated[
        bool | None,
        typer.Option("--progress/--no-progress", help="Progress bar (default: on a terminal)."),
    ] = None,
) -> None:
    """OCR every image under SRC into DST/<path>.page.xml and .alto.xml, with a manifest.

    Exit status: 0 every page done (or already done), 3 some pages failed within
    the failure policy, 1 the run stopped on its failure policy, 2 bad settings.
    """
    overrides = {"model": model, "device": device, "max_failure_ratio": max_failure_ratio,
                 "page_timeout_s": page_timeout_s, "workers": workers,
                 "layout_processes": layout_processes}  # fmt: skip
    try:
        settings = load_settings(config, overrides)
    except (ValueError, OSError) as err:
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(2) from err
    # Prefect is imported here, not at start-up: the other commands do not need it.
    from flows.run.flow import FailurePolicyError, exit_code, run_flow  # noqa: PLC0415
    from flows.run.progress import ProgressBar, watching  # noqa: PLC0415

    wanted = sys.stderr.isatty() if show_progress is None else show_progress
    bar = ProgressBar() if wanted else None
    try:
        with watching(bar) if bar else contextlib.nullcontext():
            summary = run_flow(src, dst, settings)
    except FailurePolicyError as err:
        typer.echo(f"run stopped: {err}", err=True)
        raise typer.Exit(1) from err
    finally:
        if bar:
            bar.close()
    typer.echo(
        f"{summary['pages']} pages: {summary['done']} done, {summary['skipped']} already done, "
        f"{summary['failed']} failed; report: {dst.rstrip('/')}/{REPORT_KEY}"
    )
    raise typer.Exit(exit_code(summary))


@app.command("inspect")
def inspect_command(
    xml: Annotated[Path, typer.Argument(help="A PAGE-XML or ALTO file.")],
    out: Annotated[Path, typer.Option("-o", "--out", help="PNG to write.")],
    image: Annotated[Path | None, typer.Option(help="The scan, if not beside the XML.")] = None,
    page_index: Annotated[int, typer.Option(help="Page of a multi-page scan, from 0.")] = 0,
) -> None:
    """Draw regions, lines, baselines and words over the scan, for spot checks."""
    try:
        page = read_document(xml)
        inspect_page(page, scan_for(xml, page, image), out, page_index)
    except (OSError, XMLFormatError, ImageLoadError, IndexError) as err:
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(1) from err
    typer.echo(str(out))


@app.command("segment")
def segment_command(
    images: Annotated[list[Path], typer.Argument(help="Page images.")],
    *,
    out_dir: Annotated[Path, typer.Option("-o", "--out", help="Folder for <stem>.page.xml.")],
    method: Annotated[Method, typer.Option(help="Binarization method.")] = "sauvola",
    segmenter: Annotated[
        SegmenterKind,
        typer.Option(
            help="detector: the trained baseline detector; classic: profiles and components."
        ),
    ] = "detector",
    model: Annotated[
        Path | None,
        typer.Option(help="Detector weights (.safetensors); default: the shipped detector."),
    ] = None,
    direction: Annotated[
        PageDirection, typer.Option(help="rtl: columns read right to left (Arabic, Hebrew).")
    ] = "ltr",
    precision: Annotated[
        Precision,
        typer.Option(
            help="The detector's: bfloat16 (where the device runs it) is faster, a bit less exact."
        ),
    ] = "float32",
) -> None:
    """Find regions, text lines and baselines; writes PAGE-XML in the scan's coordinates."""
    settings = PreprocessSettings(binarize=BinarizeSettings(method=method))
    chosen = Segmenter(SegmenterSettings(segmenter, model, direction=direction,
                                         precision=precision))  # fmt: skip
    raise typer.Exit(_echo_outcomes(segment_files(images, out_dir, settings, chosen), str))


app.command("deploy")(deploy_command)
app.command("serve")(serve_command)
app.command("samples")(samples_command)

synth_app = typer.Typer(help="Synthetic training data.")
synth_app.command("lines")(synth_lines_command)
synth_app.command("pages")(synth_pages_command)
app.add_typer(synth_app, name="synth")

bench_app = typer.Typer(help="Benchmarks: each writes its figures to a JSON file.")
app.add_typer(bench_app, name="bench")


@bench_app.command("preprocess")
def bench_preprocess(
    data: Annotated[Path, typer.Option(help="Ground-truth pages (XML with baselines + JPG).")] = (
        Path("../shared/data/pages")
    ),
    out: Annotated[Path, typer.Option(help="Where to write the figures.")] = Path(
        "out/bench-preprocess.json"
    ),
    pages: Annotated[int, typer.Option(help="How many pages to sample.")] = 60,
    seed: Annotated[int, typer.Option(help="Seed of the random rotations.")] = 0,
) -> None:
    """Deskew accuracy and speed beside the deskew and jdeskew packages."""
    report = run_benchmark(data, pages, seed)
    _write_json(out, report)
    for name, figures in report["accuracy"]["methods"].items():
        rel, ab = figures["relative"], figures["absolute"]
        precise = figures["absolute_precise_truth"]
        typer.echo(
            f"{name:12s} relative median {rel.get('median', float('nan')):.3f}° "
            f"p95 {rel.get('p95', float('nan')):.3f}°  absolute median "
            f"{ab.get('median', float('nan')):.3f}° p95 {ab.get('p95', float('nan')):.3f}° "
            f"(truth within {PRECISE_TRUTH}°: median "
            f"{precise.get('median', float('nan')):.3f}° over {precise['n']} pages)"
        )
    for name, seconds in report["speed_5000x7000_one_core"]["seconds"].items():
        typer.echo(f"{name:12s} 5000x7000 one core {seconds:.2f} s")
    typer.echo(f"figures written to {out}")


@bench_app.command("recognition")
def bench_recognition(
    *,
    model: Annotated[
        Path, typer.Option(help=f"Recogniser: {MODEL_HELP}.", callback=recogniser_option)
    ],
    lines: Annotated[
        list[Path] | None, typer.Option(help="Line folders with .gt.txt to score whole.")
    ] = None,
    held_in: Annotated[
        list[Path] | None,
        typer.Option(help="Line folder the model trained on: only its --holdout lines are scored."),
    ] = None,
    holdout: Annotated[
        list[str] | None,
        typer.Option(help="File-name prefix of a held-out document (as in train recognition)."),
    ] = None,
    out: Annotated[Path, typer.Option(help="Where to write the figures.")] = Path(
        "out/bench-recognition.json"
    ),
    lm: Annotated[
        Path | None,
        typer.Option(
            help=f"Also read with beam search and this language model: {LM_HELP}.",
            callback=language_model_option,
        ),
    ] = None,
    beam: Annotated[int, typer.Option(help="Beam width with --lm.", min=1)] = 8,
    tesseract: Annotated[
        list[str] | None,
        typer.Option(help="Tesseract language to read the same lines with (repeatable)."),
    ] = None,
    line_end_hyphen: Annotated[LineEndHyphen | None, typer.Option(help=HYPHEN_HELP)] = None,
) -> None:
    """CER/WER (raw and normalised) per folder, and lines per second on CPU and GPU.

    The figures of a model card in one command: the held-out folders whole
    (--lines), the held-out documents of the folders it trained on (--held-in
    with the training's --holdout prefixes), greedy and with --lm.
    """
    try:
        sets = line_sets(lines or [], held_in or [], holdout or [])
        report = run_recognition_benchmark(model, sets, tesseract=tuple(tesseract or ()), lm=lm,
                                           beam=beam, line_end_hyphen=line_end_hyphen)  # fmt: skip
    except (TesseractError, BenchInputError) as err:
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(2) from err
    _write_json(out, report)
    overall = report["accuracy"]["overall"]
    typer.echo(f"CER {overall['cer']:.2%} (normalised {overall['cer_normalized']:.2%}) over "
               f"{overall['lines']} lines")  # fmt: skip
    if report["with_language_model"]:
        beamed = report["with_language_model"]["accuracy"]["overall"]
        typer.echo(f"with the language model (beam {beam}): CER {beamed['cer']:.2%} "
                   f"(normalised {beamed['cer_normalized']:.2%})")  # fmt: skip
    for lang, peer in report["tesseract"].items():
        theirs = peer["accuracy"]["overall"]
        typer.echo(f"tesseract -l {lang}: CER {theirs['cer']:.2%} (normalised "
                   f"{theirs['cer_normalized']:.2%}), "
                   f"{peer['lines_per_second_1_thread']:.1f} lines/s on one thread")  # fmt: skip
    for key, value in report["lines_per_second"].items():
        if isinstance(value, float):
            typer.echo(f"{key}: {value:.1f} lines/s")
    typer.echo(f"figures written to {out}")


@bench_app.command("run")
def bench_run(
    *,
    src: Annotated[Path, typer.Option(help="Scans with ground-truth XML beside them.")],
    model: Annotated[
        Path, typer.Option(help=f"Recogniser: {MODEL_HELP}.", callback=recogniser_option)
    ],
    out: Annotated[Path, typer.Option(help="Where to write the figures.")] = Path(
        "out/bench-run.json"
    ),
    limit: Annotated[int | None, typer.Option(help="Use only the first N scans.")] = None,
    device: str = "cpu",
    workers: Annotated[int, typer.Option(help="Pages processed at once.")] = 2,
    layout_processes: Annotated[
        int, typer.Option(help="Processes that lay pages out (0: the workers' threads).")
    ] = 0,
) -> None:
    """End-to-end pages per second of `archive-ocr run`, its CER and line F1, recogniser load."""
    settings = RunSettings(model=model, device=device, workers=workers,
                           layout_processes=layout_processes)  # fmt: skip
    report = run_end_to_end(src, settings, limit)
    _write_json(out, report)
    run, acc = report["run"], report["accuracy"]
    typer.echo(f"{run['done']} pages in {run['seconds']} s ({run['pages_per_second']} pages/s); "
               f"CER {acc['cer']:.2%} (normalised {acc['cer_normalized']:.2%}; over matched "
               f"lines {acc.get('cer_lines', float('nan')):.2%}), "
               f"line F1 {acc.get('lines', {}).get('f1', float('nan')):.3f}")  # fmt: skip
    reader = report["recogniser"]
    typer.echo(f"recogniser busy {reader['busy_ratio']} of the run; {reader['lines_per_call']} "
               f"lines from {reader['pages_per_call']} pages per call")  # fmt: skip
    layout = report["layout"]
    typer.echo(f"CPU stages alone: {layout['pages_per_second']} pages/s, "
               f"{layout['lines_per_second']} lines/s; feed ratio {report['feed_ratio']} "
               "(≥ 1: they outpace the recogniser)")  # fmt: skip
    typer.echo(f"figures written to {out}")


train_app = typer.Typer(help="Train models on ground truth.")
app.add_typer(train_app, name="train")
train_app.command("layout")(train_layout_command)
bench_app.command("segment")(bench_segment_command)


@train_app.command("recognition")
def train_recognition(
    *,
    train_dirs: Annotated[
        list[Path],
        typer.Option(
            "--train",
            help="Line folders to train on; one named twice is drawn twice as often "
            "(its held-out lines validate once).",
        ),
    ],
    out_dir: Annotated[
        Path, typer.Option("-o", "--out", help="Folder for model, log, checkpoint.")
    ],
    val_dirs: Annotated[
        list[Path] | None, typer.Option("--val", help="Line folders to validate on.")
    ] = None,
    holdout: Annotated[
        list[str] | None,
        typer.Option(help="File-name prefix of a document to hold out for validation."),
    ] = None,
    epochs: int = 50,
    batch_size: int = 16,
    learning_rate: float = 1e-3,
    patience: int = 5,
    device: str = "cpu",
    precision: Annotated[
        Precision,
        typer.Option(help="Autocast precision; a CPU runs bfloat16 where it has the instructions."),
    ] = "bfloat16",
    max_hours: Annotated[float | None, typer.Option(help="Stop after this long.")] = None,
    resume: Annotated[bool, typer.Option(help="Continue from out/checkpoint.")] = False,
    seed: int = 0,
    size: Annotated[
        str | None,
        typer.Option(
            help="Model size: base or small (default base). With --start, a smaller "
            "model is grown to this size, keeping what it has learnt."
        ),
    ] = None,
    attention: Annotated[
        int | None,
        typer.Option(
            min=0,
            help="Heads of a self-attention block between CNN and LSTM (0: none); added to "
            "a --start model without one, it starts by changing nothing it reads.",
        ),
    ] = None,
    threads: Annotated[int | None, typer.Option(help="CPU threads for torch.")] = None,
    loader_threads: Annotated[
        int, typer.Option(help="Threads that load and augment lines ahead (0: none).")
    ] = 2,
    augment: Annotated[
        float, typer.Option(help="Degrade training lines on the fly at this strength (0: off).")
    ] = 0.0,
    start: Annotated[
        Path | None,
        typer.Option(
            help=f"Fine-tune this model ({MODEL_HELP}): its charset, grown by new symbols.",
            callback=recogniser_option,
        ),
    ] = None,
    epoch_steps: Annotated[
        int | None,
        typer.Option(help="Validate and checkpoint every N steps instead of every pass."),
    ] = None,
    lr_drop: Annotated[
        float, typer.Option(help="Learning rate × this after an epoch without improvement.")
    ] = 1.0,
    line_images: Annotated[
        LineCut | None,
        typer.Option(
            help="Record in the model the cut of page lines it reads best; runs "
            "cut lines so unless told otherwise (unrecorded: grey)."
        ),
    ] = None,
    name: Annotated[
        str | None,
        typer.Option(
            help="Name stored in the model, which runs record in their outputs' "
            "provenance beside its sha256 (default: the -o folder's name)."
        ),
    ] = None,
) -> None:
    """Train the CNN-LSTM recogniser; early stopping on validation CER (held-out documents).

    A line image that cannot be read is named with its reason and left out.
    Synthetic lines (``archive-ocr synth lines``) are one more --train folder.
    With --start, a trained model is fine-tuned: its architecture, or grown to --size.
    """
    train_files, held = split_holdout(gather(train_dirs), holdout or [])
    train_files, failed = readable(train_files)
    val_files, failed_val = readable(distinct(held + gather(val_dirs or [])))
    for path, reason in failed + failed_val:
        typer.echo(f"skipped: {path}: {reason}", err=True)
    if not train_files or not val_files:
        typer.echo("error: need training lines and validation lines (--val or --holdout)", err=True)
        raise typer.Exit(2)
    initial = load_model(start) if start is not None else None
    codec = build_codec(train_files, initial.codec if initial else None)
    try:  # an unknown size, one the start model cannot grow into, or heads that do not fit
        option = f"--size {size}"
        if initial is not None and size is not None:
            initial = grown_to(initial, size)
        config = (replace(initial.model.config, classes=codec.classes) if initial
                  else sized_config(codec.classes, size or "base"))  # fmt: skip
        option = f"--attention {attention}"
        config = with_attention(config, attention)
    except ValueError as error:
        typer.echo(f"error: {option}: {error}", err=True)
        raise typer.Exit(2) from None
    unread = len(failed) + len(failed_val)
    left_out = f", {unread} unreadable left out" if unread else ""
    typer.echo(f"{len(train_files)} training lines, {len(val_files)} validation lines, "
               f"{len(codec.symbols)} symbols{left_out}")  # fmt: skip
    settings = TrainSettings(
        epochs=epochs, batch_size=batch_size, learning_rate=learning_rate, patience=patience,
        device=device, precision=precision, seed=seed, threads=threads,
        loader_threads=loader_threads, epoch_steps=epoch_steps, lr_drop=lr_drop,
        max_seconds=max_hours * 3600 if max_hours is not None else None, line_images=line_images,
        name=name,
    )  # fmt: skip
    with tqdm(desc="training", unit="step") as bar:

        def progress(event: dict[str, Any]) -> None:
            bar.update(1)
            bar.set_postfix(epoch=event["epoch"], loss=f"{event['loss']:.3f}")

        state = train(train_files, val_files, codec, out_dir, settings, resume=resume,
                      augment=augmenter(augment) if augment > 0 else None,
                      config=config, start=initial, progress=progress)  # fmt: skip
    typer.echo(f"best validation CER {state.best_cer:.2%} at epoch {state.best_epoch}; "
               f"model: {out_dir / 'model.safetensors'}")  # fmt: skip


@train_app.command("lm")
def train_lm(
    sources: Annotated[
        list[Path], typer.Argument(help="Line folders (*.gt.txt) or text files.", exists=True)
    ],
    out: Annotated[
        Path, typer.Option("-o", "--out", help="The model's JSON file (gzip-compressed if *.gz).")
    ],
    *,
    order: Annotated[int, typer.Option(min=1, help="Graphemes of context plus one.")] = 7,
    holdout: Annotated[
        list[str] | None,
        typer.Option(help="File-name prefix of a document whose lines to leave out."),
    ] = None,
    smoothing: Annotated[
        Smoothing, typer.Option(help="How counts are interpolated down to shorter contexts.")
    ] = "kneser-ney",
    discount: Annotated[
        float, typer.Option(help="Kneser-Ney's discount, above 0 and at most 1.")
    ] = DISCOUNT,
    min_count: Annotated[
        int,
        typer.Option(min=1, help="Leave out contexts of 3+ graphemes seen fewer times (1: none)."),
    ] = MIN_COUNT,
) -> None:
    """Fit a character n-gram language model for beam search (read-lines --lm).

    Leave out the documents a recogniser is validated on (``--holdout``, as in
    ``train recognition``), or the language model will have read their text.
    The defaults (order 7, Kneser-Ney with discount 0.9, contexts seen once
    left out) are those of the shipped ``latin-base.lm.json.gz``.
    """
    files, _ = split_holdout(gather([p for p in sources if p.is_dir()]), holdout or [])
    texts = [f.text for f in files]
    try:
        texts += [line for p in sources if p.is_file() for line in read_texts(p)]
    except ValueError as err:
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(2) from None
    if not texts:
        typer.echo("error: no text found", err=True)
        raise typer.Exit(2)
    try:
        lm = CharLanguageModel.fit(
            texts, order, smoothing=smoothing, discount=discount, min_count=min_count
        )
    except ValueError as err:
        typer.echo(f"error: --discount {discount}: {err}", err=True)
        raise typer.Exit(2) from None
    lm.save(out)
    typer.echo(f"{len(texts)} lines, order {order}, {smoothing}, {len(lm.counts)} contexts: {out}")


@train_app.command("average")
def train_average(
    models: Annotated[list[Path], typer.Argument(help=f"Two recognisers or more ({MODEL_HELP}).")],
    out: Annotated[Path, typer.Option("-o", "--out", help="The averaged model's file.")],
    *,
    weight: Annotated[
        list[float] | None,
        typer.Option(help="Weight of each model, in order (repeat; default: equal)."),
    ] = None,
    name: Annotated[
        str | None, typer.Option(help="Name stored in the file (default: the first's).")
    ] = None,
) -> None:
    """Average the weights of recognisers fine-tuned from one another (a model soup).

    A stage and the release it started from often read held-out lines better
    averaged than either alone; measure the mean before shipping it. The
    models must share architecture and charset.
    """
    try:
        paths = [usable_model_file(m) for m in models]
        digest = average_files(paths, out, weights=weight, name=name)
    except (OSError, ValueError) as err:
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(2) from None
    typer.echo(f"mean of {len(paths)} models: {out} (sha256 {digest})")


@app.command("read-lines")
def read_lines_command(
    folder: Annotated[
        Path, typer.Argument(help="Folder of line images.", exists=True, file_okay=False)
    ],
    *,
    out_dir: Annotated[Path, typer.Option("-o", "--out", help="Where to write <stem>.txt.")],
    model: Annotated[
        Path | None,
        typer.Option(
            help=f"Recogniser: {MODEL_HELP}; the shipped default if omitted.",
            callback=recogniser_option,
        ),
    ] = None,
    device: str = "cpu",
    precision: Annotated[
        Precision, typer.Option(help="On a GPU; a CPU runs bfloat16 where it has the instructions.")
    ] = "bfloat16",
    beam: Annotated[int, typer.Option(help="Beam width; 1 is greedy decoding.")] = 1,
    lm: Annotated[
        Path | None,
        typer.Option(
            help=f"Character n-gram model (train lm): {LM_HELP}.", callback=language_model_option
        ),
    ] = None,
    lm_weight: float = LM_WEIGHT,
    insertion_bonus: Annotated[
        float, typer.Option(help="Bonus per written letter while the language model scores.")
    ] = INSERTION_BONUS,
    lexicon: Annotated[
        Path | None, typer.Option(help="Word list the search prefers.", callback=word_list_option)
    ] = None,
    line_end_hyphen: Annotated[LineEndHyphen | None, typer.Option(help=HYPHEN_HELP)] = None,
) -> None:
    """Recognise every line image under FOLDER into OUT/<stem>.txt.

    An image that cannot be read is named with its reason and gets no text;
    the others are read, and the command then exits with status 3.
    """
    settings = PredictorSettings(device=device, precision=precision, beam_width=beam, lm=lm,
                                 lm_weight=lm_weight, insertion_bonus=insertion_bonus,
                                 lexicon=lexicon, line_end_hyphen=line_end_hyphen)  # fmt: skip
    model = model or shipped_model()
    report = read_lines(folder, out_dir, model, settings)
    for path, reason in report.failed:
        typer.echo(f"failed: {path}: {reason}", err=True)
    typer.echo(f"{len(report.written)} lines read into {out_dir}"
               + (f", {len(report.failed)} unreadable" if report.failed else ""))  # fmt: skip
    if report.failed:
        raise typer.Exit(3)


@app.command("cut-lines")
def cut_lines_command(
    folders: Annotated[list[Path], typer.Argument(help="Folders of NAME.jpg + NAME.xml pages.")],
    *,
    out_dir: Annotated[Path, typer.Option("-o", "--out", help="Line folder to write.")],
    source: Annotated[
        LineCut, typer.Option(help="Cut from the grey page (as run does) or the binarized.")
    ] = "grey",
) -> None:
    """Cut every transcribed line of ground-truth pages into OUT/<folder>/<page>__l<NNN>.png."""
    report = cut_lines(folders, out_dir, source)
    for page, reason in report.failed:
        typer.echo(f"failed: {page}: {reason}", err=True)
    typer.echo(f"{report.pages} pages, {report.lines} lines in {out_dir} "
               f"({report.skipped} too small, {len(report.failed)} pages failed)")  # fmt: skip
    if report.failed:
        raise typer.Exit(3)


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    main()
