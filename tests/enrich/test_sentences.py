"""The one sentence splitter that NER targets, sentiment and events share."""

from __future__ import annotations

from enrich import models, sentiment
from enrich.sentences import sentence_spans, sentences


def test_decimals_abbreviations_and_lower_case_continuations_do_not_split() -> None:
    text = (
        "Xiaomi Auto raised RMB 3.5 billion from Beijing Co. Ltd. in the U.S. market. "
        'Analysts asked "why now?" and moved on. Is it real? Yes! 第二句。Done'
    )
    assert sentences(text) == [
        "Xiaomi Auto raised RMB 3.5 billion from Beijing Co. Ltd. in the U.S. market.",
        'Analysts asked "why now?" and moved on.',
        "Is it real?",
        "Yes!",
        "第二句。",
        "Done",
    ]
    assert [text[s:e] for s, e in sentence_spans(text)] == sentences(text)


def test_blank_lines_and_headings_end_sentences_without_punctuation() -> None:
    assert sentences("## Deal terms\nJD.com sells cars\n\n- GAC builds them") == [
        "## Deal terms",
        "JD.com sells cars",
        "- GAC builds them",
    ]


def test_every_line_break_ends_a_sentence_as_in_extracted_article_text() -> None:
    # trafilatura puts each paragraph and heading on a line of its own, one newline apart
    text = "AI Marketing\nXiaomi Co.\nLtd sells cars in Beijing Co. Ltd. today\n\nWhy?\nbecause"
    assert sentences(text) == [
        "AI Marketing",
        "Xiaomi Co.",
        "Ltd sells cars in Beijing Co. Ltd. today",
        "Why?",
        "because",
    ]


def test_document_targets_weigh_the_title_twice_and_read_the_first_sentences() -> None:
    text = " ".join(f"Sentence {n} is here." for n in range(20))
    targets, weights = sentiment.document_targets("  Big news  ", text)
    assert targets[0] == sentiment.whole("Big news")
    assert weights == [sentiment.TITLE_WEIGHT] + [1.0] * sentiment.DOC_SENTENCES
    assert targets[-1].sentence == f"Sentence {sentiment.DOC_SENTENCES - 1} is here."
    assert sentiment.document_targets("", "") == ([], [])


def test_document_sentiment_is_the_weighted_mean_of_its_targets() -> None:
    loaded = models.tiny_random_model("sentiment", sentiment.LABELS, seed=3)
    targets, weights = sentiment.document_targets("Title", "One. Two.")
    each = sentiment.classify(loaded, targets)
    result = sentiment.document_sentiment(loaded, "One. Two.", title="Title")
    assert result == sentiment.weighted_mean(each, weights)
    total = sum(weights)
    for label in sentiment.LABELS:
        weighted = zip(weights, each, strict=True)
        expected = sum(w * s.probabilities[label] for w, s in weighted) / total
        assert abs(result.probabilities[label] - expected) < 1e-9
