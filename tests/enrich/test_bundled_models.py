"""The real bundled models on a few sentences with clear answers."""

from __future__ import annotations

import pytest

from enrich import models, ner, sentiment

pytestmark = pytest.mark.slow


def _need(kind: str) -> None:
    if not (models.ARTIFACTS / kind / models.ARTIFACT_WEIGHTS).is_file():
        pytest.skip(f"no bundled {kind} artifacts yet: python -m enrich.training train {kind}")


@pytest.fixture(scope="module")
def ner_model() -> models.LoadedModel:
    _need("ner")
    return models.load_ner()


@pytest.fixture(scope="module", params=["bundled", models.BUNDLED_MINILM])
def sentiment_model(request: pytest.FixtureRequest) -> models.LoadedModel:
    """The default sentiment model (on MPNet, which `carintel models fetch` put on this
    machine: the README's test command runs it) and the smaller one on MiniLM."""
    source = str(request.param)
    _need("sentiment" if source == "bundled" else "sentiment-minilm")
    return models.load_sentiment(models.ModelSpec(source=source))


def test_bundled_ner_finds_companies_and_places(ner_model: models.LoadedModel) -> None:
    texts = [
        "Xiaomi and Huawei opened stores in Beijing.",
        "Tim Cook said Apple would not build a car in California.",
    ]
    found = ner.tag(ner_model, texts)
    assert [(s.label, s.text) for s in found[0]] == [
        ("ORG", "Xiaomi"),
        ("ORG", "Huawei"),
        ("LOC", "Beijing"),
    ]
    second = {(s.label, s.text) for s in found[1]}
    assert {("PER", "Tim Cook"), ("ORG", "Apple"), ("LOC", "California")} <= second
    for text, spans in zip(texts, found, strict=True):
        assert all(text[s.start : s.end] == s.text for s in spans)


def test_bundled_ner_version_names_the_artifacts(ner_model: models.LoadedModel) -> None:
    assert ner_model.version.startswith("bundled-")
    assert ner_model.labels[0] == "O"


def test_bundled_sentiment_on_clear_sentences(sentiment_model: models.LoadedModel) -> None:
    cases = [
        ("Xiaomi shares soared after record SU7 deliveries beat every forecast.", "Xiaomi",
         "positive"),
        ("Nio shares plunged after the carmaker announced a costly recall and a wider loss.",
         "Nio", "negative"),
        ("Huawei will hold its annual developer conference in Dongguan in June.", "Huawei",
         "neutral"),
    ]  # fmt: skip
    targets = [sentiment.Target(s, s.index(m), s.index(m) + len(m)) for s, m, _ in cases]
    found = sentiment.classify(sentiment_model, targets)
    assert [f.label for f in found] == [label for _, _, label in cases]


def test_each_bundled_sentiment_model_names_its_base(sentiment_model: models.LoadedModel) -> None:
    assert sentiment_model.name in {"carintel-sentiment-mpnet", "carintel-sentiment-minilm"}
    assert sentiment_model.version.startswith("bundled-")
