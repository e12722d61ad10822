"""Dataset readers on small in-test samples of each format, including the traps in SOURCE.md."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from enrich.training import data
from enrich.training.metrics import bio_spans, classification_scores, entity_scores


def test_io_tags_become_bio_and_a_run_of_one_type_is_one_entity() -> None:
    assert data.io_to_bio(["I-ORG", "I-ORG", "O", "I-PER", "I-LOC", "I-LOC"]) == [
        "B-ORG", "I-ORG", "O", "B-PER", "B-LOC", "I-LOC",
    ]  # fmt: skip


def test_wikigold_io_format_skips_docstart() -> None:
    text = "-DOCSTART- O\n\n010 I-MISC\nis O\nfrom O\nJapanese I-MISC\nSony I-ORG\n\nHi O\n"
    sentences = data.parse_conll_io(text.splitlines())
    assert sentences[0].tokens == ("010", "is", "from", "Japanese", "Sony")
    assert sentences[0].tags == ("B-MISC", "O", "O", "B-MISC", "B-ORG")
    assert len(sentences) == 2


def test_sec_filings_four_columns_use_the_last_as_tag() -> None:
    text = (
        "-DOCSTART- -X- O O\n\nThis DT - O\nBank NNP - I-ORG\nof IN - I-ORG\nAmerica NNP - I-ORG\n"
    )
    (sentence,) = data.parse_conll_io(text.splitlines())
    assert sentence.tags == ("O", "B-ORG", "I-ORG", "I-ORG")


def test_wnut_tab_only_line_separates_train_sentences_and_types_are_folded() -> None:
    text = (
        "Empire\tB-location\nState\tI-location\n\t\n"
        "Apple\tB-corporation\niPhone\tB-product\nthe\tO\nBeatles\tB-group\n\n"
        "Obama\tB-person\nStar\tB-creative-work\nWars\tI-creative-work\n"
    )
    sentences = data.parse_wnut(text.splitlines())
    assert [s.tags for s in sentences] == [
        ("B-LOC", "I-LOC"),
        ("B-ORG", "B-MISC", "O", "B-ORG"),
        ("B-PER", "B-MISC", "I-MISC"),
    ]


def test_finer_ord_groups_by_doc_and_sentence_and_maps_suffix_bio() -> None:
    rows = "gold_label,gold_token,doc_idx,sent_idx\n5,Bank,0,0\n6,of,0,0\n6,Japan,0,0\n0,said,0,0\n"
    rows += "1,Jane,0,1\n2,Doe,0,1\n3,Paris,1,0\n4,France,1,0\n0,H,1,1\n0,ave,1,1\n"
    sentences = data.parse_finer(csv.DictReader(io.StringIO(rows)))
    assert [s.tags for s in sentences] == [
        ("B-ORG", "I-ORG", "I-ORG", "O"),
        ("B-PER", "I-PER"),
        ("B-LOC", "I-LOC"),
        ("O", "O"),
    ]
    documents = data.parse_finer_documents(csv.DictReader(io.StringIO(rows)))
    assert [[s.tokens for s in doc] for doc in documents] == [
        [("Bank", "of", "Japan", "said"), ("Jane", "Doe")],
        [("Paris", "France"), ("H", "ave")],
    ]


def test_newsmtsc_to_is_exclusive_and_polarity_is_mapped() -> None:
    line = (
        '{"primary_gid": "x", "sentence_normalized": "Critics slammed Mr. Trump today.", '
        '"targets": [{"Input.gid": "x", "from": 16, "to": 25, "mention": "Mr. Trump", '
        '"polarity": 2.0}, {"Input.gid": "y", "from": 0, "to": 7, "mention": "Critics", '
        '"polarity": 4.0, "further_mentions": []}]}'
    )
    first, second = data.parse_newsmtsc([line, ""])
    assert first.sentence[first.start : first.end] == "Mr. Trump"
    assert (first.label, second.label) == ("negative", "neutral")


def test_sentfin_decisions_with_apostrophes_parse_without_literal_eval() -> None:
    decisions = "{\"Osian's Art Fund\": 'neutral', 'Gold': 'positive', 'Silver': 'negative'}"
    assert data.parse_sentfin_decisions(decisions) == [
        ("Osian's Art Fund", "neutral"),
        ("Gold", "positive"),
        ("Silver", "negative"),
    ]


def test_sentfin_rows_locate_each_entity_and_count_missing() -> None:
    rows = [
        {"Title": "Gold up, silver down on Osian's Art Fund news",
         "Decisions": "{'Gold': 'positive', 'Silver': 'negative', 'Nifty': 'neutral'}"},
    ]  # fmt: skip
    examples, missing = data.parse_sentfin(rows)
    assert [(e.sentence[e.start : e.end], e.label) for e in examples] == [
        ("Gold", "positive"),
        ("silver", "negative"),
    ]
    assert missing == 1


def test_sentfin_split_is_stable_by_headline() -> None:
    titles = [f"Headline number {i}" for i in range(400)]
    splits = [data.sentfin_split_of(t) for t in titles]
    assert splits == [data.sentfin_split_of(t) for t in titles]
    assert 40 < splits.count("test") < 130


def test_phrasebank_is_latin1_crlf_and_splits_on_the_last_at(tmp_path: Path) -> None:
    raw = "Profit of 5 @ 2 % rose .@positive\r\nMarkka \xe4 fell .@negative\r\nbad line\r\n"
    (tmp_path / "financial-phrasebank").mkdir()
    (tmp_path / "financial-phrasebank" / "Sentences_50Agree.txt").write_bytes(raw.encode("latin-1"))
    examples = data.read_phrasebank("50Agree", root=tmp_path)
    assert [(e.sentence, e.label) for e in examples] == [
        ("Profit of 5 @ 2 % rose .", "positive"),
        ("Markka ä fell .", "negative"),
    ]


def test_missing_dataset_folder_says_what_to_set(tmp_path: Path) -> None:
    with pytest.raises(data.DatasetError, match="CARINTEL_DATASETS"):
        data.read_wikigold(tmp_path)


def test_datasets_root_honours_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("CARINTEL_DATASETS", str(tmp_path))
    assert data.datasets_root() == tmp_path
    monkeypatch.delenv("CARINTEL_DATASETS")
    assert data.datasets_root(Path("/x/repo")) == Path("/x/shared/datasets")


def test_entity_f1_counts_exact_spans_only() -> None:
    gold = [["B-ORG", "I-ORG", "O", "B-PER"], ["B-LOC"]]
    pred = [["B-ORG", "O", "O", "B-PER"], ["B-LOC"]]
    scores = entity_scores(gold, pred)
    assert scores["micro"]["precision"] == pytest.approx(2 / 3)
    assert scores["micro"]["recall"] == pytest.approx(2 / 3)
    assert scores["ORG"]["f1"] == 0.0
    assert bio_spans(["I-ORG", "I-ORG", "B-ORG"]) == {(0, 2, "ORG"), (2, 3, "ORG")}
    only_org = entity_scores(gold, pred, types=["ORG"])
    assert only_org["micro"]["support"] == 1


def test_accuracy_and_macro_f1() -> None:
    scores = classification_scores(
        ["positive", "negative", "neutral", "neutral"],
        ["positive", "neutral", "neutral", "neutral"],
        ["negative", "neutral", "positive"],
    )
    assert scores["accuracy"] == pytest.approx(0.75)
    assert scores["macro_f1"] == pytest.approx((0 + 0.8 + 1) / 3)
