"""`carintel review`: list claims with their review status, confirm, reject or edit them, and
share the decisions (export, import). Decisions go to the home's journal, never through the
writer's lock: a review works while the weekly job runs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from carintel.commands.common import HomeOption, app, guard, home_for, out, say

review_app = typer.Typer(
    help=(
        "Review claims: list them (events, mentions, sentiment, relevance, relationships), "
        "confirm, reject or edit them, export and import decisions. Decisions outlive "
        "re-enrichment and new models, and every report, view and API result honours them."
    ),
    no_args_is_help=True,
)
app.add_typer(review_app, name="review")

WeekFilter = Annotated[
    str | None,
    typer.Option("--week", help="ISO week such as 2025-W48 (default: every week)."),
]
StatusFilter = Annotated[
    str,
    typer.Option("--status", help="unreviewed | confirmed | rejected | edited | all"),
]
FormatOption = Annotated[str, typer.Option("--format", "-f", help="table | json")]
NoteOption = Annotated[
    str | None, typer.Option("--note", help="Why (kept with the decision).", show_default=False)
]
ByOption = Annotated[
    str | None,
    typer.Option("--by", help="Who decides (default: $USER).", show_default=False),
]
KindArgument = Annotated[
    str, typer.Argument(help="event | mention | sentiment | relevance | relationship")
]
KeyArgument = Annotated[
    str, typer.Argument(help="The claim's key, as 'carintel review KIND' lists it.")
]

_COLUMNS: dict[str, tuple[str, ...]] = {
    "event": ("key", "status", "type", "event_date", "parties", "confidence", "evidence"),
    "mention": ("key", "status", "entity_name", "surface", "title", "evidence"),
    "sentiment": ("key", "status", "entity_name", "label", "model_label", "title", "evidence"),
    "relevance": ("key", "status", "relevant", "relevance", "title"),
    "relationship": ("key", "status", "subject", "type", "object", "since", "evidence"),
}
_EVIDENCE_CHARS = 100


def _json_value(value: Any) -> Any:
    from carintel.review import _plain

    return _plain(value)


def list_claims(
    ctx: typer.Context, kind: str, week: str | None, status: str, format: str, home: Path | None
) -> None:
    from carintel.review import ReviewError, cell_text, claims, kind_of

    def body() -> None:
        if format not in ("table", "json"):
            raise ReviewError(f"unknown format {format!r}: use table or json")
        name = kind_of(kind)
        frame = claims(home_for(ctx, home).read_warehouse, name, week, status)
        if format == "json":
            rows = [
                {str(k): _json_value(v) for k, v in row.items()}
                for row in frame.to_dict(orient="records")
            ]
            out.print_json(json.dumps(rows, ensure_ascii=False, default=str))
            return
        table = Table(title=f"{len(frame)} {name} claim(s)")
        for column in _COLUMNS[name]:
            if column in ("key", "status"):
                table.add_column(column, no_wrap=True)
            else:
                table.add_column(column, overflow="fold")
        for row in frame.to_dict(orient="records"):
            table.add_row(  # Text: a document's words are never read as rich markup
                *(Text(cell_text(row.get(column), _EVIDENCE_CHARS)) for column in _COLUMNS[name])
            )
        out.print(table)

    guard(body)


def _register_list(command: str, kind: str) -> None:
    @review_app.command(command)
    def listing(
        ctx: typer.Context,
        week: WeekFilter = None,
        status: StatusFilter = "unreviewed",
        format: FormatOption = "table",
        home: HomeOption = None,
    ) -> None:
        list_claims(ctx, kind, week, status, format, home)

    listing.__doc__ = (
        f"List {kind} claims with their key, review status, fields and evidence, the highest "
        "impact first (unreviewed ones unless --status says otherwise)."
    )


for _command, _kind in (
    ("events", "event"),
    ("mentions", "mention"),
    ("sentiment", "sentiment"),
    ("relevance", "relevance"),
    ("relationships", "relationship"),
):
    _register_list(_command, _kind)


def _decide(
    ctx: typer.Context,
    home: Path | None,
    kind: str,
    key: str,
    decision: str,
    values: dict[str, Any] | None,
    note: str | None,
    by: str | None,
) -> None:
    from carintel.review import decide

    h = home_for(ctx, home)
    correction = decide(h.read_warehouse, kind, key, decision, values, note, by)
    say(
        f"{correction.kind} {correction.key}: {correction.status} by {correction.by} "
        "(in the journal; readers see it now, the warehouse at its next write step)"
    )


@review_app.command("confirm")
def confirm(
    ctx: typer.Context,
    kind: KindArgument,
    key: KeyArgument,
    note: NoteOption = None,
    by: ByOption = None,
    home: HomeOption = None,
) -> None:
    """Confirm a claim: it is marked confirmed, and kept even when a new model no longer finds
    it. Confirming a proposed relationship makes it an accepted relationship with you as its
    source."""
    guard(lambda: _decide(ctx, home, kind, key, "confirm", None, note, by))


@review_app.command("reject")
def reject(
    ctx: typer.Context,
    kind: KindArgument,
    key: KeyArgument,
    note: NoteOption = None,
    by: ByOption = None,
    home: HomeOption = None,
) -> None:
    """Reject a claim: it leaves reports, API results and views (the *_all views and the table
    corrections keep it). Rejecting a relevance judgement turns it round."""
    guard(lambda: _decide(ctx, home, kind, key, "reject", None, note, by))


@review_app.command("edit")
def edit(
    ctx: typer.Context,
    kind: Annotated[str, typer.Argument(help="event | sentiment | relevance")],
    key: KeyArgument,
    type: Annotated[
        str | None, typer.Option("--type", help="event: the right type.", show_default=False)
    ] = None,
    date: Annotated[
        str | None,
        typer.Option("--date", help="event: YYYY, YYYY-MM or YYYY-MM-DD.", show_default=False),
    ] = None,
    party: Annotated[
        list[str] | None,
        typer.Option(
            "--party",
            help="event: ENTITY:ROLE (repeat for each party; they replace the parties), "
            "e.g. --party baidu:partner --party geely:partner.",
            show_default=False,
        ),
    ] = None,
    label: Annotated[
        str | None,
        typer.Option(
            "--label", help="sentiment: positive | neutral | negative.", show_default=False
        ),
    ] = None,
    relevant: Annotated[
        bool | None,
        typer.Option(
            "--relevant/--not-relevant", help="relevance: the right judgement.", show_default=False
        ),
    ] = None,
    note: NoteOption = None,
    by: ByOption = None,
    home: HomeOption = None,
) -> None:
    """Edit a claim: an event's type, date or parties; an entity sentiment's label; a
    document's relevance. Reports and views show the claim as edited."""
    from carintel.review import edit_values

    def body() -> None:
        h = home_for(ctx, home)
        values = edit_values(h.read_warehouse, kind, type, date, party or [], label, relevant)
        _decide(ctx, home, kind, key, "edit", values, note, by)

    guard(body)


@review_app.command("export")
def export_command(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="The JSON Lines file to write.")],
    home: HomeOption = None,
) -> None:
    """Write every decision of this home to FILE (JSON Lines), to share it or carry it to
    another machine ('carintel review import FILE' there)."""
    from carintel.review import export

    def body() -> None:
        count = export(home_for(ctx, home).read_warehouse, file)
        say(f"exported {count} decision(s) to {file}")

    guard(body)


@review_app.command("import")
def import_command(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A file from 'carintel review export'.")],
    home: HomeOption = None,
) -> None:
    """Add the decisions of FILE to this home's journal (importing twice adds nothing; a file
    with one bad line adds nothing)."""
    from carintel.review import import_decisions

    def body() -> None:
        result = import_decisions(home_for(ctx, home).read_warehouse, file)
        message = f"imported {result.added} decision(s); {result.already} were here already"
        if result.unknown:
            message += (
                f"; {result.unknown} name claims this warehouse does not hold yet (they apply "
                "once it does)"
            )
        say(message)

    guard(body)


@review_app.command("training")
def training_command(
    ctx: typer.Context,
    kind: Annotated[str, typer.Argument(help="events | sentiment")],
    file: Annotated[Path, typer.Argument(help="The JSON Lines file to write.")],
    home: HomeOption = None,
) -> None:
    """Write the decisions as training examples (events: {text, type}, rejections as "none";
    sentiment: {text, entity, label}), for 'carintel models train events --with-corrections'
    or your own training."""
    from carintel.review import write_training_file

    def body() -> None:
        count = write_training_file(home_for(ctx, home).read_warehouse, kind, file)
        say(f"wrote {count} {kind} training example(s) to {file}")

    guard(body)
