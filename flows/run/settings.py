"""Run settings: one validated model, read from a config file and command-line overrides.

Only settings that change the outputs enter the settings hash that decides
whether a page done earlier can be skipped; timeouts, retries and the failure
policy do not.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator

from flows.pipeline import PagePipeline, PipelineSettings, shared_pipeline
from flows.segmentation import PageDirection, SegmenterSettings
from layout.images.binarize import BinarizeSettings
from layout.images.preprocess import PreprocessSettings
from layout.models import shipped_detector
from recognition.beam import INSERTION_BONUS, LM_WEIGHT
from recognition.hyphens import HYPHEN_HELP, LineEndHyphen
from recognition.language_model import usable_language_model
from recognition.models import LM_HELP, MODEL_HELP, shipped_model, usable_model_file
from recognition.precision import Precision
from recognition.predictor import PredictorSettings
from recognition.weights import LineCut, file_sha256

IMAGE_SUFFIXES = (".tif", ".tiff", ".jpg", ".jpeg", ".png", ".jp2", ".j2k", ".webp")


class RunSettings(BaseModel):
    """Everything a run needs to know, with defaults; unknown keys are an error."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    model: Path = Field(
        default_factory=shipped_model,
        description=f"Recogniser model: {MODEL_HELP}.",
    )
    binarization: Literal["sauvola", "wolf", "otsu"] = "sauvola"
    max_skew: float = Field(
        default=15.0, ge=0, le=45, description="Largest skew searched, degrees."
    )
    segmenter: Literal["detector", "classic"] = Field(
        default="detector",
        description="detector: the trained baseline detector; classic: profiles and components.",
    )
    direction: PageDirection = Field(
        default="ltr",
        description="The script's direction: rtl reads columns right to left (Arabic, Hebrew).",
    )
    layout_model: Path = Field(
        default_factory=shipped_detector, description="Line detector weights (.safetensors)."
    )
    upright_check: bool = Field(
        default=True,
        description="Where the ink cue doubts which way up a page is, the recogniser decides.",
    )
    glyphs: bool = Field(default=False, description="Write glyph-level PAGE output.")
    line_images: LineCut | None = Field(
        default=None,
        description="Recognise lines cut from the grey or the binarized page; unset: the cut "
        "recorded in the model (grey for the default model), else grey.",
    )
    workers: int = Field(
        default=2, ge=1, le=256,
        description="Pages processed at once; their lines are recognised in shared batches.",
    )  # fmt: skip
    layout_processes: int = Field(
        default=0, ge=0, le=256,
        description="Worker processes that preprocess and segment pages and cut their lines, "
        "feeding this process's one recogniser (0: the page workers' threads do it). With a "
        "GPU, give it the CPU cores and set workers to at least as many.",
    )  # fmt: skip
    beam_width: int = Field(
        default=1, ge=1, le=64, description="1: greedy decoding; more: CTC prefix beam search."
    )
    lm: Path | None = Field(
        default=None, description=f"Character n-gram model for the beam search: {LM_HELP}."
    )
    lm_weight: float = Field(default=LM_WEIGHT, ge=0, le=5)
    insertion_bonus: float = Field(
        default=INSERTION_BONUS, ge=0, le=10,
        description="Added per written letter while the language model scores.",
    )  # fmt: skip
    line_end_hyphen: LineEndHyphen | None = Field(default=None, description=HYPHEN_HELP)
    device: str = "cpu"
    precision: Precision = Field(
        default="bfloat16",
        description="Recogniser precision on a GPU; a CPU runs bfloat16 where it has the "
        "instructions (provenance names the precision that ran).",
    )
    layout_precision: Precision = Field(
        default="float32",
        description="The line detector's: bfloat16 (where the device runs it) lays pages out "
        "1.7 times as fast on a CPU, at held-out line F1 0.955 against 0.957.",
    )
    max_pixels: int = Field(default=200_000_000, gt=0, description="Refuse larger pages.")
    page_timeout_s: float = Field(default=600.0, gt=0, description="Fail a page that takes longer.")
    io_retries: int = Field(default=3, ge=0, description="Retries of a page after a storage error.")
    max_failure_ratio: float = Field(
        default=0.2, ge=0, le=1, description="Stop and fail the run when more pages than this fail."
    )
    min_pages_for_ratio: int = Field(
        default=20, ge=1, description="Pages to see before the failure ratio may stop a run."
    )

    def output_settings(self) -> dict[str, object]:
        """The settings that shape the outputs (the model enters by its checksum)."""
        shaping: dict[str, object] = {
            "binarization": self.binarization, "max_skew": self.max_skew,
            "segmenter": self.segmenter, "upright_check": self.upright_check,
            "direction": self.direction,
            "layout_model": file_sha256(self.layout_model)
            if self.segmenter == "detector" else None,
            "glyphs": self.glyphs, "precision": self.precision,
            "line_images": self.line_images, "beam_width": self.beam_width,
            "lm": file_sha256(self.lm) if self.lm else None,
            "lm_weight": self.lm_weight if self.lm else None,
        }  # fmt: skip
        # keys of their own only where they apply, so that other runs keep their hash
        if self.lm:
            shaping["insertion_bonus"] = self.insertion_bonus
        if self.line_end_hyphen:
            shaping["line_end_hyphen"] = self.line_end_hyphen
        if self.segmenter == "detector" and self.layout_precision != "float32":
            shaping["layout_precision"] = self.layout_precision
        return shaping

    def settings_hash(self) -> str:
        """sha256 of the output settings as canonical JSON."""
        canonical = json.dumps(self.output_settings(), sort_keys=True)
        return hashlib.sha256(canonical.encode()).hexdigest()

    def preprocess(self) -> PreprocessSettings:
        """The preprocessing stage's settings."""
        return PreprocessSettings(
            binarize=BinarizeSettings(method=self.binarization), max_skew=self.max_skew
        )

    def predictor(self) -> PredictorSettings:
        """The recogniser's inference settings."""
        return PredictorSettings(device=self.device, precision=self.precision,
                                 beam_width=self.beam_width, lm=self.lm,
                                 lm_weight=self.lm_weight,
                                 insertion_bonus=self.insertion_bonus,
                                 line_end_hyphen=self.line_end_hyphen)  # fmt: skip

    def pipeline(self) -> PipelineSettings:
        """The settings of every stage of the page pipeline."""
        segmenter = SegmenterSettings(self.segmenter, self.layout_model, self.device,
                                      self.direction, self.layout_precision)  # fmt: skip
        return PipelineSettings(self.preprocess(), self.predictor(), self.glyphs, self.line_images,
                                segmenter, self.upright_check,
                                self.layout_processes)  # fmt: skip

    def page_pipeline(self) -> PagePipeline:
        """This process's pipeline for these settings (its model loaded once per process)."""
        return shared_pipeline(self.model, self.pipeline(), self.workers)

    @field_validator("model", mode="before")
    @classmethod
    def _shipped_name(cls, value: object) -> object:
        """A path, or a shipped model's bare name (:func:`recognition.models.model_file`).

        A name no model ships under, a path with no file, or a file that is not
        a recogniser or is damaged, is a settings error.
        """
        if not isinstance(value, str | Path):
            return value
        try:  # a missing or damaged file stops the run before any page
            return usable_model_file(value)
        except FileNotFoundError as error:
            raise ValueError(str(error)) from None

    @field_validator("lm")
    @classmethod
    def _language_model(cls, value: Path | None) -> Path | None:
        """A file that loads as a character language model, checked before any page."""
        return usable_language_model(value) if value is not None else None


def load_settings(path: Path | None, overrides: Mapping[str, object]) -> RunSettings:
    """Settings from a YAML or JSON file (optional) with command-line overrides on top."""
    values: dict[str, object] = {}
    if path is not None:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if not isinstance(loaded, dict):
            raise ValueError(f"{path}: the config must be a mapping of settings")
        values.update(loaded)
    values.update({k: v for k, v in overrides.items() if v is not None})
    return RunSettings.model_validate(values)
