"""Named-entity tagging with a token-classification model: text in, character spans out."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

import torch

from enrich.models import LoadedModel, case_type_ids, length_sorted_batches
from enrich.sentences import sentence_spans


@dataclass(frozen=True)
class EntitySpan:
    start: int  # character offsets into the input text, end exclusive
    end: int
    label: str  # PER | ORG | LOC | MISC (or the configured model's types)
    text: str
    score: float  # mean probability of the chosen label over the entity's words


# A name does not end in one of these ("State Administration for", "Bank of"): the model stopped
# too early, and the capitalised words that follow are the rest of the name.
_CONNECTORS = frozenset({"of", "for", "and", "&", "de", "du", "des", "der", "von", "van"})
_CAPITALISED_WORDS = re.compile(r"(?:[ \t]+[A-Z](?:[\w'’.&-]*\w)?)+")
_POSSESSIVE = re.compile(r"['’]s$")


@dataclass(frozen=True)
class _Window:
    text_index: int
    first: int  # index of the window's first token in the text's token list
    ids: list[int]
    types: list[int]


def _windows(n_tokens: int, size: int, stride: int) -> list[int]:
    """Start indices of windows of `size` tokens overlapping by `size - stride`."""
    if n_tokens <= size:
        return [0]
    starts = list(range(0, n_tokens - size, stride))
    starts.append(n_tokens - size)
    return starts


def _split_label(label: str) -> tuple[str, str]:
    """'B-ORG' → ('B', 'ORG'); 'ORG' (IO models) → ('I', 'ORG'); 'O' → ('O', '')."""
    if label == "O" or not label:
        return "O", ""
    for sep in ("-", "_"):
        head, found, tail = label.partition(sep)
        if found and head in ("B", "I", "E", "S", "L", "U"):
            return ("B" if head in ("B", "S", "U") else "I"), tail
    return "I", label


def tag(model: LoadedModel, texts: Sequence[str], batch_size: int = 32) -> list[list[EntitySpan]]:
    """Entities in each text, as character spans. Word pieces of one word take the first
    piece's label; texts longer than the model's window are tagged in overlapping windows and
    each token keeps the prediction of the window where it sits farthest from an edge."""
    tokenizer = model.tokenizer
    size = max(8, model.max_length - 2)
    stride = max(1, size * 3 // 4)
    cls_id, sep_id = tokenizer.cls_token_id, tokenizer.sep_token_id
    encoded = tokenizer(
        list(texts), add_special_tokens=False, return_offsets_mapping=True, verbose=False
    )
    all_offsets: list[list[tuple[int, int]]] = [
        [(int(s), int(e)) for s, e in offsets] for offsets in encoded["offset_mapping"]
    ]
    windows: list[_Window] = []
    for t, text in enumerate(texts):
        ids = list(encoded["input_ids"][t])
        offsets = all_offsets[t]
        types = case_type_ids(text, offsets) if model.case_features else [0] * len(ids)
        if not ids:
            continue
        for first in _windows(len(ids), size, stride):
            windows.append(
                _Window(t, first, ids[first : first + size], types[first : first + size])
            )

    # per text: token → (distance from window edge, label index, probability)
    best: list[dict[int, tuple[int, int, float]]] = [{} for _ in texts]
    lengths = [len(w.ids) for w in windows]
    with torch.inference_mode():
        for batch in length_sorted_batches(lengths, batch_size):
            width = max(lengths[i] for i in batch) + 2
            input_ids = torch.zeros((len(batch), width), dtype=torch.long)
            type_ids = torch.zeros((len(batch), width), dtype=torch.long)
            mask = torch.zeros((len(batch), width), dtype=torch.long)
            for row, i in enumerate(batch):
                w = windows[i]
                n = len(w.ids) + 2
                input_ids[row, :n] = torch.tensor([cls_id, *w.ids, sep_id])
                type_ids[row, 1 : n - 1] = torch.tensor(w.types)
                mask[row, :n] = 1
            inputs = {"input_ids": input_ids, "attention_mask": mask}
            if "token_type_ids" in tokenizer.model_input_names:
                inputs["token_type_ids"] = type_ids
            logits = model.model(**inputs).logits
            probs = torch.softmax(logits.float(), dim=-1)
            score, label = probs.max(dim=-1)
            scores, labels = score.tolist(), label.tolist()
            for row, i in enumerate(batch):
                w = windows[i]
                n = len(w.ids)
                seen = best[w.text_index]
                for k in range(n):
                    edge = min(k, n - 1 - k)
                    token = w.first + k
                    previous = seen.get(token)
                    if previous is None or edge > previous[0]:
                        seen[token] = (edge, labels[row][k + 1], scores[row][k + 1])

    return [
        _decode(text, all_offsets[t], encoded.word_ids(t), best[t], model.labels)
        for t, text in enumerate(texts)
    ]


def tag_sentences(
    model: LoadedModel, texts: Sequence[str], batch_size: int = 32
) -> list[list[EntitySpan]]:
    """Entities in each text, tagged one sentence at a time (`enrich.sentences`), all the
    sentences of all the texts in one length-sorted `tag` call; offsets are into each text.

    The bundled model was trained on single sentences and is more accurate on them: on the
    FiNER-ORD test documents it scores entity F1 0.682 (ORG 0.583) by sentence and 0.617 (ORG
    0.489) reading each whole document at once. Short sequences also cost less attention and
    need no overlapping windows (see the NER model card)."""
    pieces = [(t, s, e) for t, text in enumerate(texts) for s, e in sentence_spans(text)]
    found = tag(model, [texts[t][s:e] for t, s, e in pieces], batch_size)
    out: list[list[EntitySpan]] = [[] for _ in texts]
    for (t, s, _), spans in zip(pieces, found, strict=True):
        out[t] += [
            EntitySpan(span.start + s, span.end + s, span.label, span.text, span.score)
            for span in spans
        ]
    return out


def _decode(
    text: str,
    offsets: Sequence[tuple[int, int]],
    word_ids: Sequence[int | None],
    predictions: dict[int, tuple[int, int, float]],
    labels: Sequence[str],
) -> list[EntitySpan]:
    # words: (start char, end char, prefix, type, score) from the first piece's prediction
    words: list[tuple[int, int, str, str, float]] = []
    last_word: int | None = None
    for k, (start, end) in enumerate(offsets):
        if end <= start or k not in predictions:
            continue
        word = word_ids[k]
        if word is not None and word == last_word:
            s, _, prefix, kind, score = words[-1]
            words[-1] = (s, end, prefix, kind, score)
            continue
        last_word = word
        _, label_index, score = predictions[k]
        prefix, kind = _split_label(labels[label_index])
        words.append((start, end, prefix, kind, score))

    spans: list[EntitySpan] = []
    current: list[tuple[int, int, str, str, float]] = []

    def close() -> None:
        if current:
            start, end, kind = current[0][0], current[-1][1], current[0][3]
            score = sum(w[4] for w in current) / len(current)
            spans.append(EntitySpan(start, end, kind, text[start:end], score))
            current.clear()

    for entry in words:
        start, _, prefix, kind, _ = entry
        if prefix == "O":
            close()
        elif (
            prefix == "I"
            and current
            and current[-1][3] == kind
            and "\n" not in text[current[-1][1] : start]  # a name never spans two lines
        ):
            current.append(entry)
        else:
            close()
            current.append(entry)
    close()
    return complete_names(text, spans)


def complete_names(text: str, spans: Sequence[EntitySpan]) -> list[EntitySpan]:
    """Mend names the model cut after a connector word: "State Administration for" followed by
    "Market Regulation" becomes the whole name (taking in any span it now covers, as in "Bank
    of" + "China"), one with nothing capitalised after it loses the connector ("Ministry of" →
    "Ministry"), and a lone connector is dropped."""
    out: list[EntitySpan] = []
    covered_to = -1
    for span in spans:
        if span.start < covered_to:  # taken in by the name before it
            if span.end > covered_to:
                last = out[-1]
                out[-1] = replace(last, end=span.end, text=text[last.start : span.end])
                covered_to = span.end
            continue
        words = span.text.split()
        if not words or words[-1] not in _CONNECTORS:
            out.append(span)
            continue
        if len(words) == 1:
            continue
        rest = _CAPITALISED_WORDS.match(text, span.end)
        if rest:
            end = rest.end()
            if possessive := _POSSESSIVE.search(text, span.start, end):
                end = possessive.start()
        else:
            end = span.start + len(span.text[: -len(words[-1])].rstrip())
        out.append(replace(span, end=end, text=text[span.start : end]))
        covered_to = end
    return out
