"""`carintel.api.review`: analysts' review of claims from a notebook, as `carintel review` does
it from the shell.

    >>> from carintel import api
    >>> todo = api.review.events(week="2025-W48")          # unreviewed, highest impact first
    >>> api.review.reject("event", todo.key[0], note="a court filing, not a cancellation")
    >>> api.review.edit("event", key, type="investment")
    >>> api.review.edit("sentiment", key, label="negative")
    >>> api.review.confirm("relationship", key)            # becomes an accepted relationship

Decisions go to the home's journal (never through the writer's lock, so they never wait for the
weekly job); every reader sees them at once and the writer loads them at its next write step.
Which home: the `home=` argument, else `carintel.api.warehouse`, else `$CARINTEL_HOME`, else the
checkout's `data/` (as every `carintel.api` function).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partialmethod
from pathlib import Path
from typing import Any

import pandas as pd

from carintel import review as core
from carintel.review import ImportResult, ReviewError, UnknownClaimError
from warehouse.journal import Correction

__all__ = ["ImportResult", "Review", "ReviewError", "UnknownClaimError"]

HomeArg = str | Path | None


class Review:
    """The review operations over the warehouse that `warehouse_path(home)` names (what
    `carintel.api` reads); `carintel.api.review` is the one analysts use."""

    def __init__(self, warehouse_path: Callable[[HomeArg], Path]) -> None:
        self._warehouse = warehouse_path

    def claims(
        self,
        kind: str,
        week: str | None = None,
        status: str | None = "unreviewed",
        home: HomeArg = None,
    ) -> pd.DataFrame:
        """Claims of `kind` (events, mentions, sentiment, relevance, relationships) in ISO week
        `week` (None: every week) with `status` (unreviewed, confirmed, rejected, edited; None or
        "all": any), the highest impact first. Columns: key, status, the claim's fields, evidence,
        reviewer, review_note, reviewed_at, impact."""
        return core.claims(self._warehouse(home), kind, week, status)

    def events(
        self, week: str | None = None, status: str | None = "unreviewed", home: HomeArg = None
    ) -> pd.DataFrame:
        """Event claims (`claims("events", ...)`): key (= event_id), status, type, model_type,
        event_date, parties, confidence, source_count, evidence, source_urls, ..."""
        return self.claims("event", week, status, home)

    mentions = partialmethod(claims, "mention")
    """Mention links (a name, in a document, linked to an entity): `claims("mentions", ...)`
    with key, status, entity_name, surface, title, url, evidence, ..."""
    sentiment = partialmethod(claims, "sentiment")
    """Entity sentiment per document: key, status, entity_name, label, model_label, evidence."""
    relevance = partialmethod(claims, "relevance")
    """Relevance judgements per document: key, status, relevant, model_relevant, title."""
    relationships = partialmethod(claims, "relationship")
    """Proposed relationships: key, status, subject, type, object, since, evidence."""

    def latest_week(self, home: HomeArg = None) -> str | None:
        """The ISO week of the newest document, e.g. "2025-W48" (None: no documents)."""
        return core.latest_week(self._warehouse(home))

    def status_counts(self, week: str | None = None, home: HomeArg = None) -> pd.DataFrame:
        """Claims of each kind (rows: event, mention, sentiment, relevance, relationship) by
        status (columns unreviewed, confirmed, rejected, edited) in `week` (None: all)."""
        return core.status_counts(self._warehouse(home), week)

    def confirm(
        self,
        kind: str,
        key: str,
        note: str | None = None,
        by: str | None = None,
        home: HomeArg = None,
    ) -> Correction:
        """Confirm a claim (kept even when a new model no longer finds it; a confirmed proposed
        relationship becomes an accepted one with you as its source)."""
        return core.decide(self._warehouse(home), kind, key, "confirm", None, note, by)

    def reject(
        self,
        kind: str,
        key: str,
        note: str | None = None,
        by: str | None = None,
        home: HomeArg = None,
    ) -> Correction:
        """Reject a claim: it leaves reports, API results and views (the *_all views keep it)."""
        return core.decide(self._warehouse(home), kind, key, "reject", None, note, by)

    def edit(
        self,
        kind: str,
        key: str,
        *,
        type: str | None = None,
        date: str | None = None,
        parties: Sequence[str] = (),
        label: str | None = None,
        relevant: bool | None = None,
        note: str | None = None,
        by: str | None = None,
        home: HomeArg = None,
    ) -> Correction:
        """Edit a claim: an event's `type`, `date` (YYYY, YYYY-MM or YYYY-MM-DD) or `parties`
        ("ENTITY:ROLE" each); a sentiment's `label`; a document's `relevant`."""
        warehouse = self._warehouse(home)
        values = core.edit_values(warehouse, kind, type, date, parties, label, relevant)
        return core.decide(warehouse, kind, key, "edit", values, note, by)

    def export(self, path: str | Path, home: HomeArg = None) -> int:
        """Write every decision of the home to `path` (JSON Lines); returns how many."""
        return core.export(self._warehouse(home), Path(path))

    def import_decisions(self, path: str | Path, home: HomeArg = None) -> ImportResult:
        """Add the decisions of an exported file to the home (importing twice adds nothing)."""
        return core.import_decisions(self._warehouse(home), Path(path))

    def training_examples(self, kind: str, home: HomeArg = None) -> list[dict[str, Any]]:
        """The decisions as training examples for the event head (`kind` "events") or the
        sentiment model ("sentiment"); see `carintel.review.training_examples`."""
        return core.training_examples(self._warehouse(home), kind)
