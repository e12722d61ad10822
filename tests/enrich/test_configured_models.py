"""Models configured by Hugging Face id or local folder (not the bundled ones).

The hub is unreachable here, so a hub id is tested the way an offline user runs one: from a
Hugging Face cache in its real layout (``models--ORG--NAME/{blobs,refs,snapshots}``) with
``HF_HUB_OFFLINE=1``, in a fresh process so the cache location is read from the environment.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from enrich import models, ner, sentiment

NER_LABELS = ("O", "B-ORG", "I-ORG", "B-PER", "I-PER")
COMMIT = "0123456789abcdef0123456789abcdef01234567"


def _save_tiny(kind: models.Kind, labels: tuple[str, ...], folder: Path) -> Path:
    """A tiny random model saved with `save_pretrained`, as a published model is."""
    loaded = models.tiny_random_model(kind, labels, span_input=False)
    loaded.model.save_pretrained(folder)  # type: ignore[operator]
    loaded.tokenizer.save_pretrained(folder)
    return folder


def _as_hub_cache(folder: Path, cache: Path, repo_id: str) -> None:
    """Lay `folder` out as huggingface_hub caches a download: content-addressed blobs, a
    snapshot of symlinks named by commit, and refs/main pointing at that commit."""
    repo = cache / ("models--" + repo_id.replace("/", "--"))
    blobs, snapshot = repo / "blobs", repo / "snapshots" / COMMIT
    blobs.mkdir(parents=True)
    snapshot.mkdir(parents=True)
    for file in sorted(folder.iterdir()):
        data = file.read_bytes()
        blob = blobs / hashlib.sha256(data).hexdigest()
        blob.write_bytes(data)
        (snapshot / file.name).symlink_to(os.path.relpath(blob, snapshot))
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(COMMIT)


def _load_offline(cache: Path, kind: str, source: str) -> subprocess.CompletedProcess[str]:
    script = (
        "import json, sys\n"
        "from enrich import models, ner, sentiment\n"
        f"kind, source = {kind!r}, {source!r}\n"
        "try:\n"
        "    spec = models.ModelSpec(source=source)\n"
        "    m = models.load_ner(spec) if kind == 'ner' else models.load_sentiment(spec)\n"
        "except models.ModelError as exc:\n"
        "    print(exc, file=sys.stderr); sys.exit(3)\n"
        "if kind == 'ner':\n"
        "    out = [[s.label for s in spans] for spans in ner.tag(m, ['Xiaomi and BYD'])]\n"
        "else:\n"
        "    out = [r.label for r in sentiment.classify(m, [sentiment.whole('BYD rose')])]\n"
        "print(json.dumps({'version': m.version, 'labels': m.labels, 'out': out}))\n"
    )
    env = {
        **os.environ,
        "HF_HUB_CACHE": str(cache),
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
    }
    env.pop("HF_HOME", None)
    return subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=300
    )


def test_local_folder_ner_model_tags_with_its_own_labels(tmp_path: Path) -> None:
    folder = _save_tiny("ner", NER_LABELS, tmp_path / "my-ner")
    loaded = models.load_ner(models.ModelSpec(source=str(folder)))
    assert loaded.labels == NER_LABELS
    assert loaded.version.startswith(f"{folder}@local-")
    assert not loaded.span_input
    spans = ner.tag(loaded, ["Xiaomi builds cars with BAIC in Beijing"])[0]
    assert all(span.label in {"ORG", "PER"} for span in spans)


def test_local_folder_sentiment_model_classifies_whole_sentences(tmp_path: Path) -> None:
    folder = _save_tiny("sentiment", ("NEGATIVE", "NEUTRAL", "POSITIVE"), tmp_path / "senti")
    loaded = models.load_sentiment(models.ModelSpec(source=str(folder)))
    assert loaded.labels == ("negative", "neutral", "positive")
    results = sentiment.classify(loaded, [sentiment.whole("Sales fell"), sentiment.whole("Up")])
    assert [r.label in loaded.labels for r in results] == [True, True]


def test_sentiment_model_without_the_three_classes_is_refused(tmp_path: Path) -> None:
    folder = _save_tiny("sentiment", ("LABEL_0", "LABEL_1"), tmp_path / "two-class")
    with pytest.raises(models.ModelError, match="negative/neutral/positive"):
        models.load_sentiment(models.ModelSpec(source=str(folder)))


def test_hub_id_loads_from_an_offline_cache_and_its_version_names_the_commit(
    tmp_path: Path,
) -> None:
    cache = tmp_path / "hub"
    _as_hub_cache(_save_tiny("ner", NER_LABELS, tmp_path / "ner"), cache, "acme/tiny-ner")
    _as_hub_cache(
        _save_tiny("sentiment", ("negative", "neutral", "positive"), tmp_path / "senti"),
        cache,
        "acme/tiny-sentiment",
    )

    tagged = _load_offline(cache, "ner", "acme/tiny-ner")
    assert tagged.returncode == 0, tagged.stderr
    result = json.loads(tagged.stdout.strip().splitlines()[-1])
    assert result["version"].startswith(f"acme/tiny-ner@{COMMIT}-")
    assert tuple(result["labels"]) == NER_LABELS

    scored = _load_offline(cache, "sentiment", "acme/tiny-sentiment")
    assert scored.returncode == 0, scored.stderr
    result = json.loads(scored.stdout.strip().splitlines()[-1])
    assert result["version"].startswith(f"acme/tiny-sentiment@{COMMIT}-")
    assert result["out"][0] in {"negative", "neutral", "positive"}


def test_hub_id_missing_from_the_offline_cache_says_what_to_do(tmp_path: Path) -> None:
    (tmp_path / "hub").mkdir()
    missing = _load_offline(tmp_path / "hub", "ner", "acme/not-downloaded")
    assert missing.returncode == 3
    assert "acme/not-downloaded" in missing.stderr
    assert "bundled" in missing.stderr
