"""The sentiment training path on a tiny random model: what a training example feeds the model is
what `classify` reads at inference, the fit lowers the loss, and the artifact merges back."""

from __future__ import annotations

import copy
import json
from dataclasses import replace
from pathlib import Path

import pytest
import torch

from enrich import bases, models, sentiment
from enrich.training import data
from enrich.training.lora import adapt, save_artifact, trainable_parameters
from enrich.training.train import TrainSettings, _fit, collate, encode_target

EXAMPLES = [
    data.TargetExample("Xiaomi soared while Huawei slumped.", 0, 6, "positive"),
    data.TargetExample("Xiaomi soared while Huawei slumped.", 20, 26, "negative"),
    data.TargetExample("Nio will meet investors in Hefei.", 0, 3, "neutral"),
    data.TargetExample("Deliveries collapsed.", 0, 21, "negative"),
]


def test_a_training_example_is_the_cropped_sentence_and_the_mention_pieces() -> None:
    tokenizer = models.tiny_random_model("sentiment", sentiment.LABELS).tokenizer
    long = "Analysts said " + "very " * 200 + "little about Huawei today."
    example = data.TargetExample(long, long.index("Huawei"), long.index("Huawei") + 6, "neutral")
    feature = encode_target(example, tokenizer, max_length=512)
    target = sentiment.cropped(sentiment.Target(long, example.start, example.end))
    enc = tokenizer(target.sentence, return_offsets_mapping=True)
    assert feature["input_ids"] == enc["input_ids"]
    assert feature["span"] == sentiment.target_pieces(enc["offset_mapping"], 600, 606)
    spelled = tokenizer.convert_ids_to_tokens([feature["input_ids"][i] for i in feature["span"]])
    assert "".join(spelled).replace("##", "") == "huawei"
    assert feature["labels"] == [data.SENTIMENT_LABELS.index("neutral")]


@pytest.mark.parametrize("base", [bases.MINILM, bases.MPNET], ids=lambda b: b.short)
def test_fitting_the_span_model_lowers_its_loss_and_the_artifact_merges_back(
    tmp_path: Path, base: bases.BaseEncoder
) -> None:
    loaded = models.tiny_random_model("sentiment", data.SENTIMENT_LABELS, seed=7, base=base)
    fresh = copy.deepcopy(loaded.model)
    features = [encode_target(e, loaded.tokenizer, 64) for e in EXAMPLES]
    pad_id = loaded.tokenizer.pad_token_id
    assert pad_id == (1 if base is bases.MPNET else 0)
    batch = collate(features, pad_id)
    assert int(batch["attention_mask"].sum()) == sum(len(f["input_ids"]) for f in features)

    def loss(model: torch.nn.Module) -> float:
        with torch.no_grad():
            return float(model(**batch).loss)

    before = loss(loaded.model)
    adapted = adapt(loaded.model, rank=4, alpha=8.0, targets=base.lora_targets)
    assert len(adapted.lora) == 2 * 6  # every adapted linear of both layers
    settings = TrainSettings(epochs=30, batch_size=4, lr=1e-2, warmup=0.0, threads=1)
    _fit(adapted.model, trainable_parameters(adapted), features, settings, lambda _: None, pad_id)
    after = loss(adapted.model)
    assert after < before / 2

    save_artifact(adapted, tmp_path, {"lora_rank": 4, "lora_alpha": 8.0})
    models.apply_artifact(fresh, tmp_path)
    fresh.eval()
    with torch.no_grad():
        expected = adapted.model(**batch).logits
        merged = fresh(**batch).logits
    assert torch.allclose(expected, merged, atol=2e-3)


def test_an_mpnet_span_model_reads_a_sentence_the_same_alone_and_padded_in_a_batch() -> None:
    """MPNet pads with id 1 (its <s> is 0): a short sentence batched beside a long one must
    give the same probabilities as on its own."""
    loaded = models.tiny_random_model("sentiment", data.SENTIMENT_LABELS, base=bases.MPNET)
    short = sentiment.Target("Nio gained.", 0, 3)
    long = sentiment.Target("Huawei and Seres said deliveries of the Aito M9 rose again.", 0, 6)
    alone = sentiment.classify(loaded, [short])[0]
    together = sentiment.classify(loaded, [long, short])[1]
    for label in sentiment.LABELS:
        assert together.probabilities[label] == pytest.approx(alone.probabilities[label], abs=1e-5)


def test_int8_keeps_each_bases_own_layers_in_fp32() -> None:
    """MiniLM: the first attention output; MPNet: that and every feed-forward down projection
    (the tiny model has 2 layers)."""
    expected = {
        bases.MINILM: {"bert.encoder.layer.0.attention.output.dense"},
        bases.MPNET: {
            "bert.encoder.layer.0.attention.attn.o",
            "bert.encoder.layer.0.output.dense",
            "bert.encoder.layer.1.output.dense",
        },
    }
    for base, names in expected.items():
        loaded = models.tiny_random_model(
            "sentiment", data.SENTIMENT_LABELS, base=base, precision="int8"
        )
        kept = {
            name
            for name, module in loaded.model.named_modules()
            if type(module) is torch.nn.Linear and name != "classifier"
        }
        assert kept == names


def test_stage_two_with_corrections_learns_the_analysts_labels(tmp_path: Path) -> None:
    """`models train sentiment --with-corrections` continues a shipped artifact's stage two
    with the analysts' labels beside the venture sentences: on a tiny random model, the
    corrected targets take the analysts' labels, which the same run without them does not
    give (no shared datasets: the replay is passed in, empty)."""
    from enrich.training.venture import adapt_to_ventures, correction_targets

    base = bases.MINILM
    labels = data.SENTIMENT_LABELS
    shipped = tmp_path / "shipped"
    adapted = adapt(
        models.tiny_random_model("sentiment", labels, seed=7, base=base).model,
        rank=4,
        alpha=8.0,
        targets=base.lora_targets,
    )
    save_artifact(adapted, shipped, {"lora_rank": 4, "lora_alpha": 8.0, "type_vocab_size": 2})
    rows = [
        {"text": "Quxa Motors and Bevro Labs opened a plant in Zuhai.", "entity": "Quxa Motors",
         "label": "neutral"},
        {"text": "bevro labs sealed a chip deal with Quxa Motors.", "entity": "Bevro Labs",
         "label": "negative"},
        {"text": "Nobody here.", "entity": "Quxa Motors", "label": "positive"},
        {"text": "Quxa Motors waited.", "entity": "Quxa Motors", "label": "great"},
    ]  # fmt: skip
    corrections, skipped = correction_targets(rows)
    assert [(c.sentence[c.start : c.end], c.label) for c in corrections] == [
        ("Quxa Motors", "neutral"),
        ("bevro labs", "negative"),
    ]
    assert len(skipped) == 2 and "not in its evidence" in skipped[0] and "great" in skipped[1]
    settings = TrainSettings(
        epochs=20, batch_size=8, lr=1e-2, warmup=0.0, max_length=64, threads=1, limit=40
    )
    targets = [sentiment.Target(c.sentence, c.start, c.end) for c in corrections]

    def train(out: Path, with_corrections: bool) -> list[str]:
        loaded = models.tiny_random_model("sentiment", labels, seed=7, base=base)
        fresh = copy.deepcopy(loaded.model)
        adapt_to_ventures(
            shipped,
            out,
            settings=settings,
            progress=lambda _: None,
            base=base,
            corrections=corrections if with_corrections else (),
            replay=[],
            model=loaded.model,
            tokenizer=loaded.tokenizer,
        )
        models.apply_artifact(fresh, out)
        merged = models.LoadedModel(**{**vars(loaded), "model": fresh.eval()})
        return [s.label for s in sentiment.classify(merged, targets)]

    without = train(tmp_path / "without", with_corrections=False)
    learned = train(tmp_path / "with", with_corrections=True)
    assert learned == ["neutral", "negative"]
    assert all(w != lab for w, lab in zip(without, learned, strict=True))
    config = json.loads((tmp_path / "with" / models.ARTIFACT_CONFIG).read_text("utf-8"))
    assert config["corrections"]["analyst_corrections"] == "2 x3"
    assert "corrections" not in json.loads(
        (tmp_path / "without" / models.ARTIFACT_CONFIG).read_text("utf-8")
    )


def test_a_folder_in_the_bundled_format_loads_as_a_sentiment_source(tmp_path: Path) -> None:
    import shutil

    folder = tmp_path / "sentiment-with-corrections"
    shutil.copytree(models.ARTIFACTS / "sentiment-minilm", folder)
    assert models.artifact_folder(str(folder)) == folder
    assert models.artifact_folder(str(tmp_path)) is None
    assert models.artifact_folder("bundled") is None
    loaded = models.load_sentiment(models.ModelSpec(source=str(folder)))
    bundled = models.load_sentiment(models.ModelSpec(source=models.BUNDLED_MINILM))
    assert loaded.version == bundled.version and loaded.span_input


def _fit_tiny(settings: TrainSettings) -> dict[str, torch.Tensor]:
    loaded = models.tiny_random_model("sentiment", data.SENTIMENT_LABELS, seed=7)
    features = [encode_target(e, loaded.tokenizer, 64) for e in EXAMPLES]
    adapted = adapt(loaded.model, rank=4, alpha=8.0, targets=bases.MINILM.lora_targets)
    torch.manual_seed(settings.seed)
    _fit(adapted.model, trainable_parameters(adapted), features, settings, lambda _: None, 0)
    return {k: v.detach().clone() for k, v in adapted.model.state_dict().items()}


def test_bf16_autocast_training_is_deterministic_and_differs_from_fp32(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from enrich import precision

    amx = "flags\t: avx512f avx512_bf16 amx_bf16\n"
    monkeypatch.setattr(precision, "cpu_support", lambda: precision.detect(amx, "AVX512", True))
    bf16 = TrainSettings(epochs=3, batch_size=2, lr=1e-2, warmup=0.0, threads=1, precision="bf16")
    first, second = _fit_tiny(bf16), _fit_tiny(bf16)
    assert all(torch.equal(first[k], second[k]) for k in first)
    fp32 = _fit_tiny(replace(bf16, precision="fp32"))
    assert any(not torch.equal(first[k], fp32[k]) for k in first)  # autocast did run
    assert all(v.dtype != torch.bfloat16 for v in first.values())  # the weights stay fp32


def test_auto_training_precision_is_fp32_without_bf16_units(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from enrich import precision
    from enrich.training.train import train_precision

    monkeypatch.setattr(precision, "cpu_support", lambda: precision.detect("", "AVX2", False))
    assert train_precision(TrainSettings(precision="auto")) == "fp32"
    with pytest.raises(models.ModelError, match="int8"):
        train_precision(TrainSettings(precision="int8"))
