"""config/enrich.yaml: the precision setting, per model and global, and the deprecated
`quantize`."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from carintel.config import EnrichConfig, load_enrich_config
from carintel.errors import ConfigError
from carintel.paths import default_config_dir


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "enrich.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_shipped_config_runs_every_model_in_auto() -> None:
    config = load_enrich_config(default_config_dir() / "enrich.yaml")
    assert config.precision == "auto"
    for entry in (config.ner, config.sentiment, config.events, config.relevance):
        assert config.precision_of(entry) == "auto"


def test_a_models_own_precision_beats_the_global_one(tmp_path: Path) -> None:
    config = load_enrich_config(
        write(
            tmp_path,
            """
            precision: fp32
            ner: {source: bundled, precision: int8}
            sentiment: {source: bundled}
            relevance: {precision: bf16}
            """,
        )
    )
    assert config.precision_of(config.ner) == "int8"
    assert config.precision_of(config.sentiment) == "fp32"
    assert config.precision_of(config.relevance) == "bf16"
    assert config.precision_of(config.events) == "fp32"


def test_with_precision_puts_every_model_in_one_precision(tmp_path: Path) -> None:
    config = load_enrich_config(write(tmp_path, "ner: {precision: int8}\nevents: null\n"))
    everything = config.with_precision("fp32")
    assert everything.events is None
    for entry in (everything.ner, everything.sentiment, everything.relevance):
        assert everything.precision_of(entry) == "fp32"


def test_quantize_true_still_means_int8(tmp_path: Path) -> None:
    config = load_enrich_config(write(tmp_path, "sentiment: {source: bundled, quantize: true}\n"))
    assert config.sentiment is not None and config.sentiment.precision == "int8"


def test_quantize_false_leaves_the_global_precision(tmp_path: Path) -> None:
    config = load_enrich_config(write(tmp_path, "precision: bf16\nner: {quantize: false}\n"))
    assert config.precision_of(config.ner) == "bf16"


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ("{quantize: true, precision: bf16}", "keep only 'precision'"),
        ("{quantize: false, precision: int8}", "drop 'quantize'"),
        ("{quantize: maybe}", "write 'precision: int8'"),
        ("{precision: fp16}", "'auto', 'fp32', 'bf16' or 'int8'"),
    ],
)
def test_bad_precision_entries_say_what_to_write(tmp_path: Path, entry: str, expected: str) -> None:
    path = write(tmp_path, f"ner: {entry}\n")
    with pytest.raises(ConfigError) as info:
        load_enrich_config(path)
    assert "ner" in str(info.value)
    assert expected in str(info.value)


def test_default_config_object_is_auto() -> None:
    assert EnrichConfig().precision == "auto"
