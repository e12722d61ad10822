"""Precision: what `auto` resolves to for a given CPU, and a bf16 model that stays close to its
fp32 self (tiny random models built here; no timings)."""

from __future__ import annotations

import copy

import pytest
import torch

from enrich import models, ner, precision, sentiment
from enrich.embeddings import embed_sentences, tiny_random_encoder

AMX_CPU = "processor\t: 0\nflags\t\t: fpu sse avx2 avx512f avx512_bf16 amx_bf16 amx_tile\n" * 2
OLD_CPU = "processor\t: 0\nflags\t\t: fpu sse avx2 avx512f\n" * 2
NER_LABELS = ("O", "B-ORG", "I-ORG", "B-PER", "I-PER")


def support(
    cpuinfo: str, capability: str = "AVX512", onednn: bool = True, **env: str
) -> precision.CpuSupport:
    return precision.detect(cpuinfo, capability, onednn, env)


def test_cpu_flags_lists_the_bf16_units_every_processor_has() -> None:
    assert precision.cpu_flags(AMX_CPU) == {"avx512_bf16", "amx_bf16"}
    assert precision.cpu_flags(OLD_CPU) == frozenset()
    mixed = AMX_CPU + "processor\t: 2\nflags\t\t: fpu avx512_bf16\n"
    assert precision.cpu_flags(mixed) == {"avx512_bf16"}
    assert precision.cpu_flags("") == frozenset()


def test_auto_is_bf16_on_a_cpu_with_bf16_units() -> None:
    found = support(AMX_CPU)
    assert found.bf16
    assert precision.resolve("auto", found) == "bf16"
    assert precision.resolve("bf16", found) == "bf16"
    assert "precision auto = bf16" in found.describe()


@pytest.mark.parametrize(
    "found",
    [
        support(OLD_CPU),  # no bf16 units
        support(AMX_CPU, capability="AVX2"),  # a torch without AVX-512 kernels
        support(AMX_CPU, onednn=False),  # no oneDNN bf16 path
        support(AMX_CPU, CARINTEL_BF16="0"),  # the detection forced off
    ],
)
def test_auto_is_fp32_where_bf16_would_be_emulated(found: precision.CpuSupport) -> None:
    assert not found.bf16
    assert precision.resolve("auto", found) == "fp32"
    assert "precision auto = fp32" in found.describe()


def test_bf16_on_a_cpu_without_bf16_units_says_what_to_write() -> None:
    with pytest.raises(precision.PrecisionError, match="precision: auto"):
        precision.resolve("bf16", support(OLD_CPU))


@pytest.mark.parametrize("fixed", ["fp32", "int8"])
def test_fp32_and_int8_never_depend_on_the_cpu(fixed: str) -> None:
    assert precision.resolve(fixed, support(OLD_CPU)) == fixed
    assert precision.resolve(fixed, support(AMX_CPU)) == fixed


def test_unknown_precision_names_the_choices() -> None:
    with pytest.raises(precision.PrecisionError, match="auto, fp32, bf16, int8"):
        precision.resolve("fp16", support(AMX_CPU))


def test_models_resolve_auto_with_the_machines_detection(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(precision, "cpu_support", lambda: support(OLD_CPU))
    assert models.resolve_precision("auto") == "fp32"
    with pytest.raises(models.ModelError, match="no bfloat16 matrix units"):
        models.resolve_precision("bf16")
    monkeypatch.setattr(precision, "cpu_support", lambda: support(AMX_CPU))
    assert models.resolve_precision("auto") == "bf16"


def test_bf16_keeps_the_head_in_fp32_and_names_itself_in_the_version() -> None:
    loaded = models.tiny_random_model("ner", NER_LABELS, precision="bf16")
    assert loaded.model.classifier.weight.dtype == torch.float32
    assert loaded.model.bert.encoder.layer[0].intermediate.dense.weight.dtype == torch.bfloat16
    assert loaded.version == "tiny-0-bf16"
    assert loaded.weights_version == "tiny-0"
    assert loaded.precision == "bf16" and not loaded.quantized


def test_fp32_is_the_model_as_it_was() -> None:
    loaded = models.tiny_random_model("ner", NER_LABELS)
    assert {p.dtype for p in loaded.model.parameters()} == {torch.float32}
    assert loaded.version == loaded.weights_version == "tiny-0"


def test_bf16_ner_tags_like_fp32() -> None:
    texts = ["Xiaomi and BAIC build cars in Beijing.", "Lei Jun met Sony and Honda executives."]
    fp32 = models.tiny_random_model("ner", NER_LABELS, seed=3)
    bf16 = models.tiny_random_model("ner", NER_LABELS, seed=3, precision="bf16")
    ids = fp32.tokenizer(texts, padding=True, return_tensors="pt")
    with torch.inference_mode():
        a = fp32.model(**ids).logits
        b = bf16.model(**ids).logits
    assert b.dtype == torch.float32  # the head answers in fp32
    assert torch.allclose(a, b, atol=0.05)
    assert len(ner.tag(bf16, texts)) == 2


def test_bf16_span_sentiment_is_close_to_fp32() -> None:
    targets = [sentiment.Target("Xiaomi shares fell after the recall.", 0, 6)]
    fp32 = models.tiny_random_model("sentiment", sentiment.LABELS, seed=5)
    bf16 = models.tiny_random_model("sentiment", sentiment.LABELS, seed=5, precision="bf16")
    a = sentiment.classify(fp32, targets)[0].probabilities
    b = sentiment.classify(bf16, targets)[0].probabilities
    assert all(abs(a[k] - b[k]) < 0.02 for k in sentiment.LABELS)


def test_bf16_embeddings_point_where_fp32_ones_do() -> None:
    texts = ["Huawei's HIMA alliance adds a fifth carmaker.", "JD.com sells the GAC car."]
    fp32 = tiny_random_encoder(seed=2)
    bf16 = tiny_random_encoder(seed=2, precision="bf16")
    a, b = embed_sentences(fp32, texts), embed_sentences(bf16, texts)
    assert b.dtype == a.dtype
    assert (a * b).sum(axis=1).min() > 0.999  # cosines (the vectors are normalised)
    assert bf16.version.endswith("-bf16") and not fp32.version.endswith("-bf16")


def test_to_bf16_leaves_named_modules_in_fp32_reading_bf16_inputs() -> None:
    model = torch.nn.Sequential(torch.nn.Linear(4, 4), torch.nn.Linear(4, 2))
    reference = copy.deepcopy(model)
    models.to_bf16(model, ("1",))
    assert model[0].weight.dtype == torch.bfloat16
    assert model[1].weight.dtype == torch.float32
    x = torch.randn(3, 4)
    out = model(x.bfloat16())
    assert out.dtype == torch.float32
    assert torch.allclose(out, reference(x), atol=0.05)


def test_bf16_with_fp32_activations_runs_only_the_products_in_bf16() -> None:
    model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.GELU(), torch.nn.Linear(8, 2))
    reference = copy.deepcopy(model)
    models.to_bf16(model, ("2",), activations="fp32")
    assert isinstance(model[0], models.Bf16Linear)
    assert model[0].weight.dtype == torch.bfloat16
    assert isinstance(model[2], torch.nn.Linear) and model[2].weight.dtype == torch.float32
    x = torch.randn(3, 4)
    out = model(x)
    assert out.dtype == torch.float32
    assert torch.allclose(out, reference(x), atol=0.05)
