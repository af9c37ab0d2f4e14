"""Training the line recogniser: CTC, AdamW, early stopping on validation CER, resumable.

Each epoch — a pass over the training lines, or ``epoch_steps`` batches on
large sets — ends with a validation pass (greedy decoding, CER over graphemes);
an epoch without improvement can lower the learning rate (``lr_drop``); the
best model so far is written as a release model (float16 safetensors), and a
float32 checkpoint with the optimiser's moments (safetensors too, never a
pickle) allows ``resume``. A JSON line per epoch goes to ``train-log.jsonl``.
Seeds are fixed; automatic mixed precision (bfloat16 by default) runs on a GPU,
and on a CPU with bfloat16 instructions (about 1.8 times as fast there).
"""

from __future__ import annotations

import itertools
import json
import math
import random
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from safetensors import safe_open

from recognition.codec import Codec, remap_rows
from recognition.data import Augment, Batch, LineDataset, LineFile, LineSample, batches
from recognition.decoding import GreedyDecoder, in_logical_order
from recognition.metrics import EditCount, char_errors
from recognition.model import LineRecognizer, ModelConfig
from recognition.precision import Precision, autocast
from recognition.weights import LineCut, LoadedModel, save_model, save_whole

Progress = Callable[[dict[str, Any]], None]


@dataclass(frozen=True, slots=True)
class TrainSettings:
    """Training hyper-parameters and limits."""

    epochs: int = 50
    batch_size: int = 16
    learning_rate: float = 1e-3
    weight_decay: float = 1e-4
    patience: int = 5
    seed: int = 0
    device: str = "cpu"
    precision: Precision = "bfloat16"  # autocast, where the device runs it (recognition.precision)
    max_steps: int | None = None
    max_seconds: float | None = None
    threads: int | None = None
    epoch_steps: int | None = None  # validate every this many steps (None: a pass over the data)
    lr_drop: float = 1.0  # learning rate × this after an epoch without improvement
    line_images: LineCut | None = None  # recorded in the model: the cut of page lines it reads
    loader_threads: int = 2  # threads that load and augment the next lines while a chunk trains
    name: str | None = None  # stored in the model file, which runs record (None: out_dir's name)


@dataclass(slots=True)
class TrainState:
    """Where training stands; saved with every checkpoint."""

    epoch: int = 0
    step: int = 0
    best_cer: float = math.inf
    best_epoch: int = -1
    stale_epochs: int = 0
    learning_rate: float | None = None


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy and torch."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def evaluate(
    model: LineRecognizer,
    dataset: LineDataset,
    codec: Codec,
    batch_size: int,
    device: str,
    *,
    precision: Precision = "float32",
) -> EditCount:
    """Grapheme errors of greedy decoding over a dataset (by the model's inference form)."""
    network = model.for_inference()
    decoder = GreedyDecoder(codec)
    total = EditCount(0, 0)
    with torch.inference_mode(), autocast(device, precision):
        for batch in batches(dataset, batch_size, False, np.random.default_rng(0)):
            images = batch.images.to(device, memory_format=torch.channels_last)
            out = network(images, batch.widths.to(device))
            decoded = decoder.decode_batch(
                out["log_probs"].float().cpu().numpy(), out["lengths"].cpu().numpy()
            )
            for recognised, text in zip(decoded, batch.texts, strict=True):
                total += char_errors(in_logical_order(recognised).text, text)
    return total


def save_checkpoint(
    path: Path, model: LineRecognizer, optimizer: torch.optim.Optimizer, state: TrainState
) -> None:
    """Weights and optimiser moments as float32 safetensors; counters in the metadata."""
    tensors = {f"model.{k}": v.detach().float().cpu().contiguous() for k, v in
               model.state_dict().items() if v.is_floating_point()}  # fmt: skip
    tensors |= {f"model.{k}": v.cpu().contiguous() for k, v in model.state_dict().items()
                if not v.is_floating_point()}  # fmt: skip
    for index, param_state in optimizer.state_dict()["state"].items():
        for name, value in param_state.items():
            tensors[f"optim.{index}.{name}"] = torch.as_tensor(value).float().cpu().contiguous()
    meta = {"state": json.dumps(asdict(state)), "config": json.dumps(model.config.to_json())}
    save_whole(tensors, path, meta)


def load_checkpoint(
    path: Path, model: LineRecognizer, optimizer: torch.optim.Optimizer
) -> TrainState:
    """Restore weights, optimiser moments and counters written by :func:`save_checkpoint`."""
    model_state: dict[str, torch.Tensor] = {}
    optim_state: dict[int, dict[str, torch.Tensor]] = {}
    with safe_open(str(path), framework="pt") as handle:
        meta = handle.metadata() or {}
        for key in handle.keys():  # noqa: SIM118  (safe_open is not a mapping)
            kind, _, rest = key.partition(".")
            if kind == "model":
                model_state[rest] = handle.get_tensor(key)
            else:
                index, _, name = rest.partition(".")
                optim_state.setdefault(int(index), {})[name] = handle.get_tensor(key)
    model.load_state_dict(model_state)
    saved = optimizer.state_dict()
    saved["state"] = optim_state
    optimizer.load_state_dict(saved)
    return TrainState(**json.loads(meta["state"]))


def adopt_weights(model: LineRecognizer, start: LoadedModel, codec: Codec) -> None:
    """Start ``model`` from a trained one: every layer copied, the output rows by symbol.

    Rows of symbols the start model did not know keep their fresh initialisation,
    and so does a self-attention block that it lacks (one that starts by changing
    nothing). Otherwise the architectures must match but for the number of classes.
    """
    source = start.model.state_dict()
    target = model.state_dict()
    rows = remap_rows(start.codec, codec)
    known = [(new, old) for new, old in enumerate(rows) if old is not None]
    new_rows, old_rows = torch.tensor([n for n, _ in known]), torch.tensor([o for _, o in known])
    for key, value in source.items():
        if key.startswith("classifier."):
            target[key][new_rows] = value[old_rows].to(target[key].dtype)
        elif key not in target or target[key].shape != value.shape:
            raise ValueError(f"{key}: the start model's architecture differs")
        else:
            target[key] = value.to(target[key].dtype)
    model.load_state_dict(target)


def _step(
    model: LineRecognizer,
    batch: Batch,
    optimizer: torch.optim.Optimizer,
    settings: TrainSettings,
) -> float:
    model.train()
    device = settings.device
    with autocast(device, settings.precision):
        out = model(
            batch.images.to(device, memory_format=torch.channels_last),
            batch.widths.to(device),
            batch.targets.to(device),
            batch.target_lengths.to(device),
        )
    loss = out["loss"]
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
    optimizer.step()
    return float(loss.detach())


def train(
    train_items: Sequence[LineSample | LineFile],
    val_items: Sequence[LineSample | LineFile],
    codec: Codec,
    out_dir: Path,
    settings: TrainSettings,
    *,
    config: ModelConfig | None = None,
    augment: Augment | None = None,
    resume: bool = False,
    start: LoadedModel | None = None,
    progress: Progress | None = None,
) -> TrainState:
    """Train until early stopping, ``epochs``, ``max_steps`` or ``max_seconds``.

    ``start`` fine-tunes a trained model (:func:`adopt_weights`) unless a
    checkpoint is resumed. Writes ``out_dir/model.safetensors`` (best by
    validation CER), ``out_dir/checkpoint.safetensors`` and ``out_dir/train-log.jsonl``.
    """
    seed_everything(settings.seed)
    if settings.threads:
        torch.set_num_threads(settings.threads)
    config = config or ModelConfig(classes=codec.classes)
    # channels-last convolutions train about a fifth faster on a CPU (and suit GPU tensor cores)
    model = LineRecognizer(config).to(settings.device, memory_format=torch.channels_last)  # type: ignore[call-overload]
    optimizer = torch.optim.AdamW(
        model.parameters(), lr=settings.learning_rate, weight_decay=settings.weight_decay
    )
    checkpoint = out_dir / "checkpoint.safetensors"
    resuming = resume and checkpoint.exists()
    if start is not None and not resuming:
        adopt_weights(model, start, codec)
    state = load_checkpoint(checkpoint, model, optimizer) if resuming else TrainState()
    state.learning_rate = state.learning_rate or settings.learning_rate
    _set_learning_rate(optimizer, state.learning_rate)
    train_set = LineDataset(train_items, codec, config.height, augment, settings.seed)
    val_set = LineDataset(val_items, codec, config.height)
    rng = np.random.default_rng(settings.seed + state.epoch)
    started = time.monotonic()
    out_dir.mkdir(parents=True, exist_ok=True)
    with _loader(settings.loader_threads) as loader:
        while state.epoch < settings.epochs and state.stale_epochs < settings.patience:
            losses: list[float] = []
            for batch in _epoch(train_set, settings, rng, loader):
                losses.append(_step(model, batch, optimizer, settings))
                state.step += 1
                if progress is not None:
                    progress({"epoch": state.epoch, "step": state.step, "loss": losses[-1]})
                if _out_of_budget(settings, state, started):
                    break
            _close_epoch(model, optimizer, state, val_set, codec, out_dir=out_dir,
                         settings=settings, losses=losses, started=started)  # fmt: skip
            if _out_of_budget(settings, state, started):
                break
    return state


def _close_epoch(
    model: LineRecognizer,
    optimizer: torch.optim.Optimizer,
    state: TrainState,
    val_set: LineDataset,
    codec: Codec,
    *,
    out_dir: Path,
    settings: TrainSettings,
    losses: list[float],
    started: float,
) -> None:
    """Validate, lower the rate on a plateau, keep the best model, log, checkpoint."""
    errors = evaluate(model, val_set, codec, settings.batch_size, settings.device,
                      precision=settings.precision)  # fmt: skip
    # Ties keep the later model (it has trained longer), but only a strict
    # improvement resets the patience.
    state.stale_epochs = 0 if errors.rate < state.best_cer else state.stale_epochs + 1
    if state.stale_epochs:
        state.learning_rate = (state.learning_rate or settings.learning_rate) * settings.lr_drop
        _set_learning_rate(optimizer, state.learning_rate)
    if errors.rate <= state.best_cer:
        state.best_cer, state.best_epoch = errors.rate, state.epoch
        extra: dict[str, object] = {"validation_cer": errors.rate, "epoch": state.epoch}
        if settings.line_images is not None:
            extra["line_images"] = settings.line_images
        name = settings.name or out_dir.name
        save_model(model, codec, out_dir / "model.safetensors", name, extra=extra)
    record = {"epoch": state.epoch, "step": state.step, "train_loss": float(np.mean(losses)),
              "val_cer": errors.rate, "best_cer": state.best_cer,
              "learning_rate": state.learning_rate,
              "seconds": round(time.monotonic() - started, 1)}  # fmt: skip
    with (out_dir / "train-log.jsonl").open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(record) + "\n")
    state.epoch += 1
    save_checkpoint(out_dir / "checkpoint.safetensors", model, optimizer, state)


@contextmanager
def _loader(threads: int) -> Iterator[Executor | None]:
    """Threads that load and augment lines ahead of training (none: the training thread does)."""
    if not threads:
        yield None
        return
    pool = ThreadPoolExecutor(threads, thread_name_prefix="line-loader")
    try:
        yield pool
    finally:
        pool.shutdown(cancel_futures=True)


def _epoch(
    train_set: LineDataset,
    settings: TrainSettings,
    rng: np.random.Generator,
    loader: Executor | None,
) -> Iterator[Batch]:
    """One epoch's batches: a shuffled pass over the lines, or ``epoch_steps`` batches."""
    if settings.epoch_steps is None:
        return batches(train_set, settings.batch_size, True, rng, loader)
    passes = (batch for _ in itertools.count()
              for batch in batches(train_set, settings.batch_size, True, rng, loader))  # fmt: skip
    return itertools.islice(passes, settings.epoch_steps)


def _set_learning_rate(optimizer: torch.optim.Optimizer, rate: float) -> None:
    for group in optimizer.param_groups:
        group["lr"] = rate


def _out_of_budget(settings: TrainSettings, state: TrainState, started: float) -> bool:
    if settings.max_steps is not None and state.step >= settings.max_steps:
        return True
    return settings.max_seconds is not None and time.monotonic() - started >= settings.max_seconds
