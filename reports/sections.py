"""The weekly report's "what changed" lead and the sections after it, as HTML and Markdown.

`reports.data.load_weekly` fills `WeeklyReport.changes` (a `WeeklyChanges`); the functions here
turn it into the pieces `notebooks/weekly_report.ipynb` displays, in this order:

- `what_changed_html`: new events, proposed relationships, sentiment movers, volume spikes and
  emerging organisations (rules: the constants in `reports.data` and the SQL files that
  `warehouse.weekly` runs);
- `top_stories_html`, `entities_html` (one row per watchlist entity of the week),
  `trend_chart_html` (weekly documents of the top entities, a PNG data URI; drawn in
  `reports.figures`, named here too for the notebook),
  `social_buzz_html` and `coverage_html`.

`changes_markdown` gives the same lead for the e-mail digest (`reports.weekly.to_markdown`).
Every scraped value (titles, evidence, names, URLs) is escaped; only http(s) URLs become links;
every list is in a fixed order with ties broken by ids, so a week renders the same twice.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

import pandas as pd

from reports import formatting as fmt
from reports.data import (
    EMERGING_MIN_DOCUMENTS,
    NEW_WINDOW_DAYS,
    SENTIMENT_MIN_DOCUMENTS,
    SPIKE_BASELINE_WEEKS,
    SPIKE_MIN_DOCUMENTS,
    SPIKE_RATIO,
    WeeklyReport,
)
from reports.figures import trend_chart, trend_chart_html, trend_chart_png

__all__ = [
    "MARKDOWN_ITEMS",
    "changes_markdown",
    "claims_note",
    "coverage_html",
    "emerging_html",
    "entities_html",
    "new_events_html",
    "proposed_relationships_html",
    "sentiment_movers_html",
    "social_buzz_html",
    "top_stories_html",
    "trend_chart",
    "trend_chart_html",
    "trend_chart_png",
    "volume_spikes_html",
    "what_changed_html",
]

MARKDOWN_ITEMS = 8
"""How many lines each "what changed" list shows in the Markdown digest (the HTML shows all)."""
MARKDOWN_PAIRS = 4
"""How many of one event's proposed relationships the Markdown digest names (the HTML: all)."""
EVIDENCE_CHARS = 280
"""Evidence sentences longer than this are cut (with "…")."""
STORY_LINKS = 5
"""How many member documents a top story links besides its first one."""

NO_EVENTS = "No new events this week."
NO_RELATIONSHIPS = "No relationships were proposed this week."
NO_SENTIMENT = "Sentiment not available: no sentiment model scored the documents of these weeks."
NO_MOVERS = (
    f"No sentiment movers: no entity has {SENTIMENT_MIN_DOCUMENTS} or more scored documents "
    "in both weeks."
)
NO_SPIKES = "No volume spikes this week."
NO_EMERGING = "No emerging organisations this week."
NO_STORIES = "No stories this week."
NO_ENTITIES = "No tracked entity was mentioned this week."
NO_POSTS = "No posts or comments this week."
NO_RUNS = "No crawl run finished this week."
NO_FAILURES = "No failed requests."
NO_QUIET = "No quiet sources."

_SPIKE_RULE = (
    f"at least {SPIKE_MIN_DOCUMENTS} documents and at least {SPIKE_RATIO:g}× the mean of the "
    f"{SPIKE_BASELINE_WEEKS} weeks before"
)
_EMERGING_RULE = (
    f"outside the watchlist, in at least {EMERGING_MIN_DOCUMENTS} documents and more than the "
    "week before"
)


# --- shared pieces -----------------------------------------------------------------------------


def _items(value: object) -> list[object]:
    """A list column's value (DuckDB gives numpy arrays) as a list; missing is empty."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    try:
        return list(value)  # type: ignore[call-overload, no-any-return]
    except TypeError:
        return []


def _pairs(titles: object, urls: object) -> list[tuple[object, object]]:
    return list(zip(_items(titles), _items(urls), strict=False))


def _cut(value: object, limit: int = EVIDENCE_CHARS) -> str:
    text = fmt.text(value)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _words(value: object) -> str:
    """An event or relationship type as words: "joint_venture" -> "joint venture"."""
    return fmt.text(value).replace("_", " ")


def _event_date(value: object, precision: object) -> str:
    when = fmt.text(value)
    if not when:
        return "date unknown"
    return f"{when} ({fmt.text(precision) or 'precision unknown'})"


def _number(value: object) -> float | None:
    if value is None or bool(pd.isna(value)):
        return None
    return float(value)  # type: ignore[arg-type]


def _polarity(value: object) -> str:
    number = _number(value)
    return "—" if number is None else f"{number:+.2f}"


def _sources_html(titles: object, urls: object) -> str:
    links = [fmt.link_html(title, url) for title, url in _pairs(titles, urls)]
    return "; ".join(links) if links else "no source document"


def _list(items: Sequence[str], cls: str = "carintel-list") -> str:
    return f'<ul class="{cls}">\n' + "\n".join(f"<li>{item}</li>" for item in items) + "\n</ul>"


def _section(level: int, title: str, body: str, note: str = "") -> str:
    extra = f'\n<p class="carintel-note">{html.escape(note)}</p>' if note else ""
    return f"<h{level}>{html.escape(title)}</h{level}>{extra}\n{body}"


# --- what changed ------------------------------------------------------------------------------


def _event_items(frame: pd.DataFrame) -> list[str]:
    items = []
    for row in frame.itertuples(index=False):
        count = int(row.source_count)
        evidence = _cut(row.evidence)
        items.append(
            _review_badge(getattr(row, "review_status", None))
            + f"<strong>{fmt.e(_words(row.type))}</strong>: "
            f"{fmt.e(row.parties) or 'no linked party'}"
            f" · {fmt.e(_event_date(row.event_date, row.date_precision))} · {fmt.e(row.stage)}"
            f" · {fmt.plural(count, 'source')}: {_sources_html(row.titles, row.urls)}"
            + (f'<br><q class="carintel-evidence">{html.escape(evidence)}</q>' if evidence else "")
        )
    return items


REVIEW_BADGES = {"confirmed": "confirmed by an analyst", "edited": "edited by an analyst"}


def _review_badge(status: object) -> str:
    """A badge for a claim an analyst confirmed or edited (none for an unreviewed one)."""
    label = REVIEW_BADGES.get(fmt.text(status))
    return f'<span class="carintel-badge carintel-reviewed">{fmt.e(label)}</span> ' if label else ""


def _md_badge(status: object) -> str:
    label = REVIEW_BADGES.get(fmt.text(status))
    return f"({label}) " if label else ""


def reviews_text(report: WeeklyReport) -> str:
    """How many of the week's claims analysts reviewed (the report's last line)."""
    counts = report.changes.review_counts
    if not counts.reviewed:
        return (
            f"No claim of this week reviewed yet ({fmt.plural(counts.claims, 'claim')}); "
            "'carintel review events --week " + report.week + "' lists them."
        )
    return (
        f"Analysts reviewed {fmt.plural(counts.reviewed, 'claim')} of this week's "
        f"{counts.claims}: {counts.confirmed} confirmed, {counts.rejected} rejected, "
        f"{counts.edited} edited."
    )


def reviews_html(report: WeeklyReport) -> str:
    """The report's footer: how many of the week's claims analysts reviewed."""
    return f'<p class="carintel-reviews">{fmt.e(reviews_text(report))}</p>'


def new_events_html(report: WeeklyReport) -> str:
    """New developments first reported this week: type, parties, date with precision, stage,
    sources; then, collapsed, the background the week's documents recall (events dated well
    before their first report)."""
    changes = report.changes
    body = _list(_event_items(changes.new_events)) if not changes.new_events.empty else ""
    body = body or fmt.empty(NO_EVENTS)
    background = changes.background_events
    if not background.empty:
        body += (
            f'\n<details class="carintel-background"><summary>Background cited this week '
            f"({fmt.plural(len(background), 'event')})</summary>\n"
            f"{_list(_event_items(background))}\n</details>"
        )
    return _section(3, "New events", body, _new_rule(report))


def _new_rule(report: WeeklyReport) -> str:
    counts = report.changes.claim_counts
    note = (
        f"New: first reported this week and dated within {NEW_WINDOW_DAYS} days of that report "
        "(or undated)."
    )
    if counts.lower_confidence_events:
        note += (
            f" {fmt.plural(counts.lower_confidence_events, 'lower-confidence event')} "
            f"(confidence below {counts.min_confidence:.2f}) in the warehouse."
        )
    return note


def claims_note(report: WeeklyReport) -> str:
    """What the claims below leave out: off-topic documents (a phone launch that names
    Xiaomi), counted so an analyst knows they were read and set aside."""
    off_topic = report.changes.claim_counts.off_topic_documents
    if not off_topic:
        return ""
    return (
        f"Claims come from documents about carmaking ventures only: "
        f"{fmt.plural(off_topic, 'off-topic document')} of this week left out."
    )


def _relationship_groups(report: WeeklyReport) -> list[list[Any]]:
    """Proposed relationships grouped by the event behind them (they share its evidence and
    sources), in the frame's order."""
    groups: dict[str, list[Any]] = {}
    for row in report.changes.proposed_relationships.itertuples(index=False):
        groups.setdefault(fmt.text(row.event_id) or fmt.text(row.rel_id), []).append(row)
    return list(groups.values())


def proposed_relationships_html(report: WeeklyReport) -> str:
    """Relationships this week's events propose, one item per event: not yet reviewed, with
    the evidence sentence and the reporting documents."""
    title = "Proposed relationships"
    groups = _relationship_groups(report)
    if not groups:
        return _section(3, title, fmt.empty(NO_RELATIONSHIPS))
    items = []
    for rows in groups:
        first = rows[0]
        since = {fmt.text(row.since) for row in rows}
        shared = len(since) == 1  # one event usually dates all its relationships alike
        pairs = "; ".join(
            f"<strong>{fmt.e(row.subject)}</strong> {fmt.e(_words(row.type))} of "
            f"<strong>{fmt.e(row.object)}</strong>"
            + (f" (since {fmt.e(row.since)})" if fmt.text(row.since) and not shared else "")
            for row in rows
        )
        if shared and fmt.text(first.since):
            pairs += f" · since {fmt.e(first.since)}"
        evidence = _cut(first.evidence)
        items.append(
            f'<span class="carintel-badge">{fmt.e(first.review_status)}</span> {pairs}'
            f" · {_sources_html(first.titles, first.urls)}"
            + (f'<br><q class="carintel-evidence">{html.escape(evidence)}</q>' if evidence else "")
        )
    return _section(
        3,
        title,
        _list(items),
        "Suggested by this week's events: accept the ones that hold with 'carintel review "
        "confirm relationship KEY' (keys: 'carintel review relationships'), or add them to the "
        "watchlist.",
    )


def sentiment_movers_html(report: WeeklyReport) -> str:
    """Entities whose mean sentiment moved most against the week before."""
    changes = report.changes
    title = "Sentiment movers"
    if not changes.sentiment_available:
        return _section(3, title, fmt.empty(NO_SENTIMENT))
    if changes.sentiment_movers.empty:
        return _section(3, title, fmt.empty(NO_MOVERS))
    items = [
        f"<strong>{fmt.e(row.entity)}</strong> {_polarity(row.sentiment_change)}: mean "
        f"{_polarity(row.previous_sentiment)} → {_polarity(row.sentiment)} "
        f"({fmt.plural(int(row.sentiment_documents), 'scored document')}, "
        f"{int(row.previous_sentiment_documents)} the week before) · strongest: "
        f"{fmt.link_html(row.strongest_title, row.strongest_url)}"
        for row in changes.sentiment_movers.itertuples(index=False)
    ]
    return _section(3, title, _list(items), "Mean polarity (−1 to +1) against the week before.")


def volume_spikes_html(report: WeeklyReport) -> str:
    """Entities far above their usual weekly volume, with the story behind each."""
    frame = report.changes.volume_spikes
    title = "Volume spikes"
    if frame.empty:
        return _section(3, title, fmt.empty(NO_SPIKES), f"A spike: {_SPIKE_RULE}.")
    items = []
    for row in frame.itertuples(index=False):
        story = (
            f"story: {fmt.link_html(row.story_title, row.story_url)} "
            f"({fmt.plural(int(row.story_documents), 'document')}, "
            f"{fmt.plural(int(row.story_sources), 'source')})"
            if fmt.text(row.story_id)
            else "no story assigned"
        )
        items.append(
            f"<strong>{fmt.e(row.entity)}</strong>: {fmt.plural(int(row.documents), 'document')} "
            f"(weekly mean before: {float(row.baseline):.2f}) · {story}"
        )
    return _section(3, title, _list(items), f"A spike: {_SPIKE_RULE}.")


def _named_with(row: Any) -> str:
    """The watchlist organisations an emerging name keeps company with, as "Xiaomi, CATL"."""
    return ", ".join(str(name) for name in _items(getattr(row, "named_with", None)))


def emerging_html(report: WeeklyReport) -> str:
    """Organisations outside the watchlist that gained documents this week."""
    frame = report.changes.emerging
    title = "Emerging organisations"
    if frame.empty:
        return _section(3, title, fmt.empty(NO_EMERGING), f"Organisations {_EMERGING_RULE}.")
    items = []
    for row in frame.itertuples(index=False):
        new = ' <span class="carintel-badge">new</span>' if bool(row.new) else ""
        with_names = _named_with(row)
        items.append(
            f"<strong>{fmt.e(row.name)}</strong>{new}: "
            f"{fmt.plural(int(row.documents), 'document')} "
            f"({int(row.previous_documents)} the week before), first seen {fmt.day(row.first_seen)}"
            + (f" · named with {fmt.e(with_names)}" if with_names else "")
            + f" · {_sources_html(row.titles, row.urls)}"
        )
    return _section(3, title, _list(items), f"Organisations {_EMERGING_RULE}.")


def what_changed_html(report: WeeklyReport) -> str:
    """The report's lead: everything new since the week before."""
    note = claims_note(report)
    return "\n".join(
        [
            "<h2>What changed since last week</h2>",
            *([f'<p class="carintel-note">{html.escape(note)}</p>'] if note else []),
            new_events_html(report),
            proposed_relationships_html(report),
            sentiment_movers_html(report),
            volume_spikes_html(report),
            emerging_html(report),
        ]
    )


# --- the sections after the lead ---------------------------------------------------------------


def top_stories_html(report: WeeklyReport) -> str:
    """Stories with documents this week, most documents first, each linking its members."""
    frame = report.changes.top_stories
    if frame.empty:
        return _section(2, "Top stories", fmt.empty(NO_STORIES))
    items = []
    for row in frame.itertuples(index=False):
        pairs = _pairs(row.titles, row.urls)
        names = sorted({fmt.text(name) for name in _items(row.source_names) if fmt.text(name)})
        more = [fmt.link_html(title, url) for title, url in pairs[1 : 1 + STORY_LINKS]]
        rest = len(pairs) - 1 - len(more)
        also = ""
        if more:
            also = "<br>Also: " + "; ".join(more) + (f"; and {rest} more" if rest > 0 else "")
        items.append(
            f"<strong>{fmt.link_html(row.title, row.url)}</strong> · "
            f"{fmt.plural(int(row.week_documents), 'document')} this week, "
            f"{int(row.documents)} in all from {fmt.plural(int(row.sources), 'source')}"
            + (f" ({html.escape(', '.join(names))})" if names else "")
            + also
        )
    return _section(2, "Top stories", _list(items, "carintel-list carintel-stories"))


def entities_html(report: WeeklyReport) -> str:
    """One row per watchlist entity of the week: volume, share of voice, sentiment, change."""
    changes = report.changes
    frame = changes.entities
    title = "Top entities"
    if frame.empty:
        return _section(2, title, fmt.empty(NO_ENTITIES))
    headers = [
        ("", "Entity"),
        ("", "Type"),
        ("num", "Mentions"),
        ("num", "Share of voice"),
        ("num", "Documents"),
        ("num", "Change"),
    ]
    if changes.sentiment_available:
        headers += [("num", "Sentiment"), ("num", "Sentiment change")]
    rows = []
    for row in frame.itertuples(index=False):
        change = int(row.change)
        trend = "num up" if change > 0 else "num down" if change < 0 else "num"
        cells = [
            ("", fmt.e(row.entity)),
            ("", fmt.e(row.type)),
            ("num", str(int(row.mentions))),
            ("num", f"{100 * (_number(row.share_of_voice) or 0.0):.1f}%"),
            ("num", str(int(row.documents))),
            (trend, fmt.signed(change)),
        ]
        if changes.sentiment_available:
            cells += [("num", _polarity(row.sentiment)), ("num", _polarity(row.sentiment_change))]
        rows.append(cells)
    note = (
        "Share of voice: the entity's share of the week's watchlist mentions. Change: documents "
        "against the week before."
    )
    if not changes.sentiment_available:
        note += " " + NO_SENTIMENT
    return _section(2, title, fmt.table(headers, rows), note)


def _engagement(row: object) -> str:
    parts = []
    for name in ("score", "comments", "reposts", "likes"):
        value = _number(getattr(row, name))
        if value is not None:
            parts.append(f"{int(value)} {name}")
    return ", ".join(parts)


def social_buzz_html(report: WeeklyReport) -> str:
    """The week's posts and comments with the most engagement."""
    frame = report.changes.social_buzz
    if frame.empty:
        return _section(2, "Social buzz", fmt.empty(NO_POSTS))
    items = []
    for row in frame.itertuples(index=False):
        label = fmt.text(row.title) or _cut(row.text, 120)
        detail = _engagement(row)
        author = fmt.text(row.author)
        items.append(
            f"{fmt.link_html(label, row.url)} · {fmt.e(row.kind)} on {fmt.e(row.source)}"
            + (f" by {html.escape(author)}" if author else "")
            + f" · engagement {int(row.engagement)}"
            + (f" ({html.escape(detail)})" if detail else "")
            + (f" · {fmt.e(row.entities)}" if fmt.text(row.entities) else "")
        )
    return _section(
        2,
        "Social buzz",
        _list(items),
        "Engagement: score + comments + reposts + likes at fetch time.",
    )


def coverage_html(report: WeeklyReport) -> str:
    """Sources crawled this week, failed requests by reason, and quiet sources."""
    changes = report.changes
    parts = ["<h2>Coverage</h2>"]
    if changes.coverage.empty:
        parts.append(fmt.empty(NO_RUNS))
    else:
        rows = [
            [
                ("", fmt.e(row.source)),
                ("num", str(int(row.runs))),
                ("num", str(int(row.requests))),
                ("num", str(int(row.items))),
                ("num", str(int(row.new_documents))),
                ("num", str(int(row.errors))),
            ]
            for row in changes.coverage.itertuples(index=False)
        ]
        headers = [
            ("", "Source"),
            ("num", "Runs"),
            ("num", "Requests"),
            ("num", "Items"),
            ("num", "New documents"),
            ("num", "Errors"),
        ]
        parts.append(fmt.table(headers, rows))
    parts.append("<h3>Failures by reason</h3>")
    if changes.failures.empty:
        parts.append(fmt.empty(NO_FAILURES))
    else:
        parts.append(
            _list(
                [
                    f"<strong>{fmt.e(row.reason)}</strong>: {int(row.count)} ({fmt.e(row.sources)})"
                    for row in changes.failures.itertuples(index=False)
                ]
            )
        )
    parts.append("<h3>Quiet sources</h3>")
    parts.append(
        '<p class="carintel-note">No new document in their last 3 or more runs by the '
        "week's end.</p>"
    )
    if changes.quiet_sources.empty:
        parts.append(fmt.empty(NO_QUIET))
    else:
        parts.append(
            _list(
                [
                    f"<strong>{fmt.e(row.source)}</strong>: "
                    f"{fmt.plural(int(row.runs_without_new), 'run')} without new documents"
                    + (
                        f", last new document {fmt.day(row.last_new_at)}"
                        if fmt.day(row.last_new_at)
                        else ""
                    )
                    for row in changes.quiet_sources.itertuples(index=False)
                ]
            )
        )
    return "\n".join(parts)


# --- Markdown ----------------------------------------------------------------------------------


def _md_sources(titles: object, urls: object, limit: int = 3) -> str:
    pairs = _pairs(titles, urls)
    links = [fmt.md_link(title, url) for title, url in pairs[:limit]]
    more = len(pairs) - len(links)
    return "; ".join(links) + (f"; +{more} more" if more > 0 else "") if links else "no source"


def _md_more(lines: list[str], total: int, shown: int, noun: str, nouns: str = "") -> None:
    if total > shown:
        lines.append(f"- …and {fmt.plural(total - shown, noun, nouns or None)} in the HTML report.")


def changes_markdown(report: WeeklyReport, limit: int = MARKDOWN_ITEMS) -> list[str]:
    """The "what changed" lead and the top stories as Markdown lines, at most `limit` a list."""
    changes = report.changes
    lines = ["## What changed since last week", ""]
    if claims_note(report):
        lines += [fmt.md(claims_note(report)), ""]
    lines += ["### New events", ""]
    if changes.new_events.empty:
        lines.append(NO_EVENTS)
    for row in changes.new_events.head(limit).itertuples(index=False):
        lines.append(
            f"- {_md_badge(getattr(row, 'review_status', None))}**{fmt.md(_words(row.type))}**: "
            f"{fmt.md(row.parties) or 'no linked party'} · "
            f"{fmt.md(_event_date(row.event_date, row.date_precision))} · {fmt.md(row.stage)} · "
            f"{fmt.plural(int(row.source_count), 'source')}: {_md_sources(row.titles, row.urls)}"
        )
    _md_more(lines, len(changes.new_events), limit, "more event")
    if not changes.background_events.empty:
        lines.append(
            f"- Background cited this week: {fmt.plural(len(changes.background_events), 'event')} "
            "dated well before (in the HTML report)."
        )
    lower = changes.claim_counts.lower_confidence_events
    if lower:
        lines.append(f"- {fmt.plural(lower, 'lower-confidence event')} in the warehouse.")
    lines += ["", "### Proposed relationships", ""]
    if changes.proposed_relationships.empty:
        lines.append(NO_RELATIONSHIPS)
    groups = _relationship_groups(report)
    for rows in groups[:limit]:
        first = rows[0]
        pairs = ", ".join(
            f"**{fmt.md(row.subject)}** {fmt.md(_words(row.type))} of **{fmt.md(row.object)}**"
            for row in rows[:MARKDOWN_PAIRS]
        )
        if len(rows) > MARKDOWN_PAIRS:
            pairs += f" and {len(rows) - MARKDOWN_PAIRS} more"
        evidence = _cut(first.evidence, 160)
        lines.append(
            f"- {fmt.md(first.review_status)}: {pairs}"
            + (f" — “{fmt.md(evidence)}”" if evidence else "")
            + f" ({_md_sources(first.titles, first.urls, 1)})"
        )
    _md_more(lines, len(groups), limit, "more event with proposals", "more events with proposals")
    lines += ["", "### Sentiment movers", ""]
    if not changes.sentiment_available:
        lines.append(NO_SENTIMENT)
    elif changes.sentiment_movers.empty:
        lines.append(NO_MOVERS)
    for row in changes.sentiment_movers.head(limit).itertuples(index=False):
        lines.append(
            f"- **{fmt.md(row.entity)}** {_polarity(row.sentiment_change)}: "
            f"{_polarity(row.previous_sentiment)} → {_polarity(row.sentiment)} "
            f"({int(row.sentiment_documents)} scored documents) · "
            f"{fmt.md_link(row.strongest_title, row.strongest_url)}"
        )
    lines += ["", "### Volume spikes", ""]
    if changes.volume_spikes.empty:
        lines.append(NO_SPIKES)
    for row in changes.volume_spikes.head(limit).itertuples(index=False):
        story = (
            f"story: {fmt.md_link(row.story_title, row.story_url)}"
            if fmt.text(row.story_id)
            else "no story assigned"
        )
        lines.append(
            f"- **{fmt.md(row.entity)}**: {fmt.plural(int(row.documents), 'document')} "
            f"(mean before {float(row.baseline):.2f}) · {story}"
        )
    _md_more(lines, len(changes.volume_spikes), limit, "more spike")
    lines += ["", "### Emerging organisations", ""]
    if changes.emerging.empty:
        lines.append(NO_EMERGING)
    for row in changes.emerging.head(limit).itertuples(index=False):
        lines.append(
            f"- **{fmt.md(row.name)}**{' (new)' if bool(row.new) else ''}: "
            f"{fmt.plural(int(row.documents), 'document')} ({int(row.previous_documents)} the week "
            f"before)"
            + (f" · named with {fmt.md(_named_with(row))}" if _named_with(row) else "")
            + f" · {_md_sources(row.titles, row.urls, 2)}"
        )
    _md_more(lines, len(changes.emerging), limit, "more organisation")
    lines += ["", "## Top stories", ""]
    if changes.top_stories.empty:
        lines.append(NO_STORIES)
    for row in changes.top_stories.head(limit).itertuples(index=False):
        lines.append(
            f"- {fmt.md_link(row.title, row.url)} — "
            f"{fmt.plural(int(row.week_documents), 'document')} this week, "
            f"{fmt.plural(int(row.sources), 'source')}"
        )
    _md_more(lines, len(changes.top_stories), limit, "more story", "more stories")
    return lines
