"""The sentiment training path on a tiny random model: what a training example feeds the model is
what `classify` reads at inference, the fit lowers the loss, and the artifact merges back."""

from __future__ import annotations

import copy
from pathlib import Path

import torch

from enrich import models, sentiment
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


def test_fitting_the_span_model_lowers_its_loss_and_the_artifact_merges_back(
    tmp_path: Path,
) -> None:
    loaded = models.tiny_random_model("sentiment", data.SENTIMENT_LABELS, seed=7)
    fresh = copy.deepcopy(loaded.model)
    features = [encode_target(e, loaded.tokenizer, 64) for e in EXAMPLES]
    batch = collate(features)

    def loss(model: torch.nn.Module) -> float:
        with torch.no_grad():
            return float(model(**batch).loss)

    before = loss(loaded.model)
    adapted = adapt(loaded.model, rank=4, alpha=8.0)
    settings = TrainSettings(epochs=30, batch_size=4, lr=1e-2, warmup=0.0, threads=1)
    _fit(adapted.model, trainable_parameters(adapted), features, settings, lambda _: None)
    after = loss(adapted.model)
    assert after < before / 2

    save_artifact(adapted, tmp_path, {"lora_rank": 4, "lora_alpha": 8.0})
    models.apply_artifact(fresh, tmp_path)
    fresh.eval()
    with torch.no_grad():
        expected = adapted.model(**batch).logits
        merged = fresh(**batch).logits
    assert torch.allclose(expected, merged, atol=2e-3)
