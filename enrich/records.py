"""The records enrichment takes and returns (plain, frozen): its boundary with the rest."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from enrich.events import ExtractedEvent
from enrich.sentiment import Sentiment


@dataclass(frozen=True)
class InputDocument:
    id: str
    text: str
    title: str = ""
    published_at: str | datetime | None = None
    first_seen_at: datetime | None = None


@dataclass(frozen=True)
class Mention:
    entity_id: str | None  # None: an organisation outside the watchlist
    field: str  # title | text
    start: int  # Python character offsets into the field, end exclusive
    end: int
    text: str
    method: str  # alias | ner
    label: str | None = None  # NER type (ORG, PER, LOC, MISC)
    score: float | None = None  # NER confidence


@dataclass(frozen=True)
class EntityTone:
    entity_id: str
    sentiment: Sentiment
    sentences: int  # sentences classified for it: the title and text sentences naming it, <= 8


@dataclass(frozen=True)
class OrganisationTone:
    """Sentiment toward an organisation outside the watchlist, by its normalised name."""

    name_key: str
    name: str  # as the document first writes it
    sentiment: Sentiment
    sentences: int


@dataclass(frozen=True)
class DocumentEnrichment:
    doc_id: str
    language: str
    mentions: tuple[Mention, ...]
    entity_sentiment: tuple[EntityTone, ...] = ()
    organisation_sentiment: tuple[OrganisationTone, ...] = ()
    sentiment: Sentiment | None = None
    relevance: float = 0.0
    relevant: bool = False
    events: tuple[ExtractedEvent, ...] = ()

    @property
    def linked(self) -> tuple[Mention, ...]:
        return tuple(m for m in self.mentions if m.entity_id is not None)

    @property
    def unlinked(self) -> tuple[Mention, ...]:
        return tuple(m for m in self.mentions if m.entity_id is None)
