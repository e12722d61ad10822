"""What every `carintel` command shares: the Typer apps, the common options, the home, the
console, error handling (exit codes) and progress bars. The commands live beside this module,
one module per group; `carintel.cli` puts them together."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from carintel import __version__
from carintel.errors import (
    EXIT_INTERRUPTED,
    EXIT_REPORT,
    EXIT_WAREHOUSE,
    CarintelError,
)
from carintel.ops import log, setup_file_log
from carintel.paths import Home

console = Console(stderr=True, soft_wrap=True)
out = Console(soft_wrap=True)
T = TypeVar("T")
WRITING_COMMANDS = frozenset(
    {"init", "crawl", "load", "enrich", "run", "weekly", "confirm", "reject", "edit", "import"}
)  # review decisions write the journal, not the warehouse, but are logged like the others

app = typer.Typer(
    name="carintel",
    help=(
        "Track cross-industry carmaking ventures in the news: crawl sources, load a DuckDB "
        "warehouse, link the companies mentioned, and render a weekly report.\n\n"
        "Start with:  carintel models fetch   (once per machine: the sentiment model's "
        "encoder)\n\n"
        "Then:  carintel run --sample   (offline, on the bundled sample news site)"
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)
report_app = typer.Typer(help="Render reports from the warehouse.", no_args_is_help=True)
app.add_typer(report_app, name="report")
models_app = typer.Typer(
    help=(
        "Fetch the sentiment model's encoder once per machine (models fetch); rebuild and "
        "evaluate the bundled models (NER, sentiment, events) and the claims the whole "
        "pipeline makes."
    ),
    no_args_is_help=True,
)
app.add_typer(models_app, name="models")
sources_app = typer.Typer(
    help="Check that the configured sources answer, and answer with news (sources check).",
    no_args_is_help=True,
)
app.add_typer(sources_app, name="sources")

HomeOption = Annotated[
    Path | None,
    typer.Option(
        "--home",
        help="Data folder holding the warehouse, landing files, reports and logs. "
        "Default: $CARINTEL_HOME, else ./data.",
        show_default=False,
    ),
]
SourcesOption = Annotated[
    Path | None,
    typer.Option(
        "--sources",
        help="A sources YAML file that replaces the default config/sources.yaml "
        "(at least a `feeds:` list of entries with `name` and `url`).",
        show_default=False,
    ),
]
WatchlistOption = Annotated[
    Path | None,
    typer.Option(
        "--watchlist",
        help="A watchlist YAML file that replaces the default config/watchlist.yaml.",
        show_default=False,
    ),
]
ModelsOption = Annotated[
    Path | None,
    typer.Option(
        "--models",
        help="An enrichment config (models, threads) that replaces config/enrich.yaml.",
        show_default=False,
    ),
]
SampleOption = Annotated[
    bool,
    typer.Option(
        "--sample",
        help="Serve the bundled sample news site on 127.0.0.1 and crawl it instead of the "
        "configured sources (offline; politeness delays off for the local site).",
    ),
]
WeekOption = Annotated[
    str | None,
    typer.Option("--week", help="ISO week such as 2025-W19. Default: the newest week with news."),
]


def home_for(ctx: typer.Context, option: Path | None) -> Home:
    global_home = ctx.obj.get("home") if isinstance(ctx.obj, dict) else None
    home = Home.resolve(option or global_home)
    if ctx.command.name in WRITING_COMMANDS:
        home.ensure()
        setup_file_log(home)
        log.info("carintel %s (%s)", ctx.command.name, " ".join(sys.argv[1:]))
    return home


def say(message: str) -> None:
    """A line for the person at the terminal, and for HOME/logs/carintel.log."""
    console.print(message, highlight=False)
    log.info(message)


def guard(action: Callable[[], T]) -> T:
    """Run a command body, turning known failures into a message and an exit code."""
    from reports import ReportError
    from warehouse import WarehouseError

    def fail(kind: str, exc: BaseException, code: int) -> typer.Exit:
        console.print(f"[red]{kind}:[/red] {exc}", highlight=False)
        log.error("%s: %s (exit %d)", kind, exc, code)
        return typer.Exit(code)

    try:
        return action()
    except CarintelError as exc:
        raise fail("error", exc, exc.exit_code) from None
    except WarehouseError as exc:
        raise fail("warehouse error", exc, EXIT_WAREHOUSE) from None
    except ReportError as exc:
        raise fail("report error", exc, EXIT_REPORT) from None
    except KeyboardInterrupt:
        console.print("[yellow]interrupted[/yellow]: rerun the same command to finish the work.")
        log.warning("interrupted (exit %d)", EXIT_INTERRUPTED)
        raise typer.Exit(EXIT_INTERRUPTED) from None


@contextmanager
def progress_bar(transient: bool = True) -> Iterator[Progress]:
    with Progress(
        SpinnerColumn(),
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=transient,
        disable=not console.is_terminal,
    ) as progress:
        yield progress


def _version(value: bool) -> None:
    if value:
        out.print(f"carintel {__version__}")
        raise typer.Exit()


@app.callback()
def main_callback(
    ctx: typer.Context,
    home: HomeOption = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    ctx.obj = {"home": home}


# -- stages ----------------------------------------------------------------------------------
