"""Building the enricher from the configuration, and running it over the warehouse."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from carintel.config import EnrichConfig, ModelChoice, Watchlist, alias_rows
from carintel.errors import CarintelError
from carintel.timeline import TimelineResult, build_timeline
from carintel_home import new_run_id
from enrich.bases import MINILM
from enrich.embeddings import Encoder, load_encoder
from enrich.events import EventModel, head_base, head_folder, load_event_model
from enrich.linker import AliasLinker
from enrich.models import (
    ARTIFACTS,
    LoadedModel,
    ModelError,
    ModelSpec,
    artifact_folder,
    load_ner,
    load_sentiment,
    resolve_precision,
)
from enrich.pipeline import Enricher, enrich_documents, polarity
from enrich.precision import cpu_support
from enrich.records import DocumentEnrichment, InputDocument
from enrich.relationships import BELONGS_TO, ancestors
from enrich.relevance import RelevanceModel, load_relevance_model
from enrich.resolve import EntityResolver, name_key
from enrich.sentiment import load_tone_calibration
from warehouse.enrichment import (
    EnrichmentRows,
    document_texts,
    pending_documents,
    record_enrichment_run,
    write_enrichment,
)

STAGE = "enrich"


@dataclass(frozen=True)
class EnrichResult:
    documents: int
    mentions: int
    unlinked: int  # organisations outside the watchlist
    people_and_places: int  # people and places outside the watchlist
    version: str
    timeline: TimelineResult
    precision: str = ""  # what each model ran in, and what the CPU offers (`precision_line`)


def _load(
    choice: ModelChoice | None, config: EnrichConfig, loader: Callable[[ModelSpec], LoadedModel]
) -> LoadedModel | None:
    if choice is None:
        return None
    precision = config.precision_of(choice)
    try:
        return loader(ModelSpec(source=choice.source, precision=precision, threads=config.threads))
    except ModelError as exc:
        raise CarintelError(
            f"{exc} (config/enrich.yaml chooses the models; null turns one off)"
        ) from exc


def _event_model(config: EnrichConfig, minilm: Encoder) -> EventModel | None:
    """The event classifier: `bundled` (the head over all-mpnet-base-v2, which `carintel models
    fetch` puts on the machine), `bundled-minilm` (the head over the MiniLM encoder that stories
    and relevance use: nothing to fetch, less precise) or a folder with a head."""
    if config.events is None:
        return None
    folder = head_folder(config.events.source)
    try:
        base = head_base(folder)
        precision = resolve_precision(config.precision_of(config.events))
        if base is MINILM and precision == minilm.precision:
            return load_event_model(minilm, folder)
        encoder = load_encoder(base=base, threads=config.threads, precision=precision)
        return load_event_model(encoder, folder)
    except ModelError as exc:
        raise CarintelError(
            f"{exc} (config/enrich.yaml: events; 'events: {{source: bundled-minilm}}' needs "
            "nothing fetched)"
        ) from exc


def _relevance_model(encoder: Encoder) -> RelevanceModel:
    try:
        return load_relevance_model(encoder)
    except ModelError as exc:
        raise CarintelError(str(exc)) from exc


def sentiment_folder(source: str) -> Path | None:
    """The artifact folder of a configured sentiment source that carries an entity-tone
    calibration: the bundled model's, or a folder in its format (a model trained with
    corrections); None for bundled-minilm and hub models (the weighted mean)."""
    if source == "bundled":
        return ARTIFACTS / "sentiment"
    return artifact_folder(source)


def _base_encoder(config: EnrichConfig) -> Encoder:
    """The MiniLM encoder relevance and stories read, in `relevance.precision`."""
    try:
        return load_encoder(threads=config.threads, precision=config.precision_of(config.relevance))
    except ModelError as exc:
        raise CarintelError(f"{exc} (config/enrich.yaml: relevance.precision)") from exc


def precision_line(enricher: Enricher) -> str:
    """What each model runs in and what the CPU offers: for the run log and `status`."""
    found = ", ".join(f"{name} {value}" for name, value in enricher.precisions().items())
    return f"precision: {found or 'no models'}; {cpu_support().describe()}"


def build_enricher(watchlist: Watchlist, config: EnrichConfig) -> Enricher:
    from transformers.utils import logging as hf_logging

    # long texts are windowed on purpose: no length warnings, no weight-loading bars
    hf_logging.set_verbosity_error()  # type: ignore[no-untyped-call]
    hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
    aliases = alias_rows(watchlist)
    encoder = _base_encoder(config)
    relevance_model = _relevance_model(encoder)
    sentiment = _load(config.sentiment, config, load_sentiment)
    calibration = None
    tone_folder = sentiment_folder(config.sentiment.source) if config.sentiment else None
    if sentiment is not None and tone_folder is not None:
        calibration = load_tone_calibration(tone_folder, sentiment.weights_version)
    return Enricher(
        linker=AliasLinker(aliases),
        resolver=EntityResolver(aliases),
        entity_types={e.id: e.type for e in watchlist.entities},
        ner=_load(config.ner, config, load_ner),
        sentiment=sentiment,
        entity_tone=calibration,
        events=_event_model(config, encoder),
        encoder=encoder if config.stories else None,
        batch_size=config.batch_size,
        relevance_threshold=(
            config.relevance.threshold
            if config.relevance.threshold is not None
            else relevance_model.threshold
        ),
        relevance_model=relevance_model,
        belongs_to=ancestors(
            (r.subject, r.object) for r in watchlist.relationships if r.type in BELONGS_TO
        ),
    )


def model_label(model: LoadedModel | None) -> str:
    return f"{model.name}@{model.version}" if model else ""


def to_rows(enricher: Enricher, results: list[DocumentEnrichment]) -> EnrichmentRows:
    rows = EnrichmentRows()
    sentiment_model = model_label(enricher.sentiment)
    for r in results:
        for m in r.mentions:
            base: dict[str, Any] = {"doc_id": r.doc_id, "field": m.field, "char_start": m.start,
                                    "char_end": m.end, "surface": m.text, "label": m.label,
                                    "score": m.score}  # fmt: skip
            if m.entity_id is not None:
                rows.mentions.append(base | {"entity_id": m.entity_id, "method": m.method})
            else:
                rows.unlinked_mentions.append(base | {"name_key": name_key(m.text)})
        for tone in r.entity_sentiment:
            rows.entity_sentiment.append(
                {"doc_id": r.doc_id, "entity_id": tone.entity_id, "label": tone.sentiment.label,
                 "score": tone.sentiment.score, "model": sentiment_model,
                 "polarity": polarity(tone.sentiment), "sentences": tone.sentences}
            )  # fmt: skip
        for org in r.organisation_sentiment:
            rows.organisation_sentiment.append(
                {"doc_id": r.doc_id, "name_key": org.name_key, "name": org.name,
                 "label": org.sentiment.label, "score": org.sentiment.score,
                 "model": sentiment_model, "polarity": polarity(org.sentiment),
                 "sentences": org.sentences}
            )  # fmt: skip
        if r.sentiment is not None:
            rows.document_sentiment.append(
                {"doc_id": r.doc_id, "label": r.sentiment.label, "score": r.sentiment.score,
                 "model": sentiment_model, "polarity": polarity(r.sentiment)}
            )  # fmt: skip
        rows.document_relevance.append(
            {"doc_id": r.doc_id, "relevance": r.relevance, "relevant": r.relevant,
             "method": f"{enricher.relevance_method()}@{enricher.relevance_threshold:g}"}
        )  # fmt: skip
        seen: set[tuple[int, str]] = set()
        for event in r.events:
            start, end = event.evidence_span
            if (start, event.type) in seen:
                continue
            seen.add((start, event.type))
            rows.event_reports.append(
                {"doc_id": r.doc_id, "sentence_start": start, "sentence_end": end,
                 "type": event.type, "stage": event.stage, "confidence": event.confidence,
                 "evidence": event.evidence, "event_date": event.date.date,
                 "date_precision": event.date.precision, "date_source": event.date.source,
                 "parties": json.dumps([{"entity_id": p.entity_id, "role": p.role,
                                         "text": p.text} for p in event.parties])}
            )  # fmt: skip
    return rows


def claim_thresholds(enricher: Enricher) -> dict[str, tuple[float, str]]:
    """The confidence the report shows events above: chosen with the event head for precision
    on the claims dev set (head_config.json `report_min_confidence`)."""
    if enricher.events is None:
        return {}
    config = enricher.events.head.config
    value = float(config.get("report_min_confidence", config.get("min_confidence", 0.0)))
    note = str(config.get("report_min_confidence_note", "the head's storage threshold"))
    return {"event": (value, f"{enricher.events.head.version}: {note}")}


def enrich_warehouse(
    conn: duckdb.DuckDBPyConnection,
    enricher: Enricher,
    progress: Callable[[int, int], None] | None = None,
    batch_documents: int = 64,
    rebuild: bool = False,
) -> EnrichResult:
    """Enrich every document not yet enriched at this enricher's version, batch by batch; with
    `rebuild`, every document (analysts' decisions are data of their own: they stay)."""
    version = enricher.version()
    started = datetime.now(UTC)
    pending = pending_documents(conn, STAGE, version, rebuild)
    mentions = unlinked = people_and_places = 0
    for start in range(0, len(pending), batch_documents):
        batch = pending[start : start + batch_documents]
        docs = [
            InputDocument(
                id=r["doc_id"],
                text=r["text"],
                title=r["title"],
                published_at=r["published_at"],
                first_seen_at=r["first_seen_at"],
            )
            for r in document_texts(conn, batch)
        ]
        rows = to_rows(enricher, enrich_documents(enricher, docs))
        write_enrichment(conn, STAGE, version, batch, rows)
        mentions += len(rows.mentions)
        organisations = sum(1 for row in rows.unlinked_mentions if row["label"] == "ORG")
        unlinked += organisations
        people_and_places += len(rows.unlinked_mentions) - organisations
        if progress:
            progress(min(start + batch_documents, len(pending)), len(pending))
    if pending:
        run_id = new_run_id(started)
        versions = {"pipeline": version, "ner": model_label(enricher.ner),
                    "sentiment": model_label(enricher.sentiment),
                    "events": enricher.events.version if enricher.events else ""}  # fmt: skip
        record_enrichment_run(conn, run_id, started, len(pending), versions)
    timeline = build_timeline(conn, enricher.encoder, claim_thresholds(enricher))
    return EnrichResult(
        len(pending), mentions, unlinked, people_and_places, version, timeline,
        precision_line(enricher),
    )  # fmt: skip
