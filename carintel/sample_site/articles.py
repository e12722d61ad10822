"""The sample site's articles: Markdown files with YAML front matter in `articles/` (the format
is in README.md), loaded and checked into `SampleArticle` records; and where each one lives."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Final, Literal

import yaml

TEMPLATES: Final = ("blog", "nextjs", "cms")


QUIRKS: Final = (
    "none",
    "wrong_encoding",
    "truncated",
    "missing_404",
    "syndicated_copy",
    "tracking_link",
)


SITE_NAMES: Final[Mapping[str, str]] = {
    "blog": "EV Ledger",
    "nextjs": "Volt Daily",
    "cms": "China Auto Wire",
}


TRACKING_QUERY: Final = "utm_source=rss&utm_medium=feed&utm_campaign=sample"


DEFAULT_ARTICLES_DIR: Final = Path(__file__).with_name("articles")


DEFAULT_BASE_URL: Final = "http://127.0.0.1:8000"


BEIJING: Final = timezone(timedelta(hours=8))


FEED_SIZE: Final = 20


TRUNCATE_PERCENT: Final = 55


MODIFIED_AFTER: Final = timedelta(minutes=90)


BlockKind = Literal["p", "h2"]


Block = tuple[BlockKind, str]


@dataclass(frozen=True)
class SampleArticle:
    """One article of the sample site; `body` holds its blocks: ("p", text) or ("h2", text)."""

    id: int
    slug: str
    template: str
    title: str
    published: datetime
    author: str
    section: str
    tags: tuple[str, ...]
    summary: str
    body: tuple[Block, ...] = ()
    quirk: str = "none"
    syndicates: int | None = None

    @property
    def paragraphs(self) -> tuple[str, ...]:
        return tuple(text for kind, text in self.body if kind == "p")

    @property
    def subheadings(self) -> tuple[str, ...]:
        return tuple(text for kind, text in self.body if kind == "h2")

    @property
    def plain_text(self) -> str:
        """Every block (paragraphs and subheadings), in order, separated by blank lines."""
        return "\n\n".join(text for _, text in self.body)

    @property
    def site_name(self) -> str:
        return SITE_NAMES[self.template]

    @property
    def modified(self) -> datetime:
        return self.published + MODIFIED_AFTER


_FILE_NAME = re.compile(r"^(\d{3})-(.+)\.md$")


_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


_REQUIRED_KEYS: Final = (
    "id",
    "slug",
    "template",
    "title",
    "published",
    "author",
    "section",
    "summary",
)


_OPTIONAL_KEYS: Final = ("tags", "quirk", "syndicates")


def load_articles(directory: Path | None = None) -> list[SampleArticle]:
    """Every `*.md` article of `directory` (default: `articles/` next to this file), oldest first.

    Raises ValueError naming the file when a file is malformed or clashes with another one.
    """
    folder = DEFAULT_ARTICLES_DIR if directory is None else directory
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder}: no such articles directory")
    loaded = [(path.name, load_article(path)) for path in sorted(folder.glob("*.md"))]
    _check_collection(loaded)
    return sorted((a for _, a in loaded), key=lambda a: (a.published, a.id))


def load_article(path: Path) -> SampleArticle:
    """Parse one article file; a ValueError names the file and what is wrong."""
    try:
        article = parse_article_file(path.read_text(encoding="utf-8"))
        _check_file_name(path.name, article)
    except (ValueError, yaml.YAMLError) as exc:
        raise ValueError(f"{path.name}: {exc}") from exc
    return article


def parse_article_file(text: str) -> SampleArticle:
    """Parse the text of an article file (front matter and body)."""
    meta_text, body_text = _split_front_matter(text)
    meta = _load_meta(meta_text)
    article = SampleArticle(
        id=_integer(meta, "id"),
        slug=_slug(meta),
        template=_choice(meta, "template", TEMPLATES),
        title=_text(meta, "title"),
        published=_published(meta["published"]),
        author=_text(meta, "author"),
        section=_text(meta, "section"),
        tags=_tags(meta.get("tags")),
        summary=_text(meta, "summary"),
        body=_parse_body(body_text),
        quirk=_choice(meta, "quirk", QUIRKS) if "quirk" in meta else "none",
        syndicates=_integer(meta, "syndicates") if meta.get("syndicates") is not None else None,
    )
    _check_syndication_fields(article)
    return article


def _split_front_matter(text: str) -> tuple[str, str]:
    lines = text.lstrip("\ufeff").replace("\r\n", "\n").split("\n")
    if lines[0].strip() != "---":
        raise ValueError("the file must start with a '---' line that opens the YAML front matter")
    for index, line in enumerate(lines[1:], start=1):
        if line.strip() == "---":
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1 :])
    raise ValueError("the YAML front matter is not closed by a '---' line")


def _load_meta(meta_text: str) -> dict[str, Any]:
    meta = yaml.safe_load(meta_text)
    if not isinstance(meta, dict):
        raise ValueError("the front matter must be a YAML mapping (key: value lines)")
    missing = [key for key in _REQUIRED_KEYS if key not in meta]
    if missing:
        raise ValueError(f"front matter lacks {', '.join(missing)}")
    unknown = sorted(str(key) for key in meta if key not in (*_REQUIRED_KEYS, *_OPTIONAL_KEYS))
    if unknown:
        raise ValueError(f"unknown front matter key(s): {', '.join(unknown)}")
    return meta


def _integer(meta: Mapping[str, Any], key: str) -> int:
    value = meta[key]
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{key}: {value!r} is not an integer")
    return value


def _text(meta: Mapping[str, Any], key: str) -> str:
    value = meta[key]
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{key}: must be a non-empty text (quote it if it looks like a number)")
    return value.strip()


def _slug(meta: Mapping[str, Any]) -> str:
    slug = _text(meta, "slug")
    if not _SLUG.match(slug):
        raise ValueError(f"slug: {slug!r} must be lowercase letters, digits and single hyphens")
    return slug


def _choice(meta: Mapping[str, Any], key: str, allowed: Sequence[str]) -> str:
    value = meta[key]
    if value not in allowed:
        raise ValueError(f"{key}: {value!r} is not one of {', '.join(allowed)}")
    return str(value)


def _tags(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(t, str) and t for t in value):
        raise ValueError("tags: must be a list of texts such as [jd, gac] (quote yes/no/on/off)")
    return tuple(value)


def _published(value: object) -> datetime:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            raise ValueError(f"published: {value!r} is not an ISO 8601 date-time") from None
    if not isinstance(value, datetime):
        raise ValueError("published: needs a date and a time, e.g. 2025-05-12T09:30:00+08:00")
    if value.utcoffset() is None:
        raise ValueError("published: add the UTC offset, e.g. 2025-05-12T09:30:00+08:00")
    return value


def _parse_body(text: str) -> tuple[Block, ...]:
    chunks = [c.strip() for c in re.split(r"\n[ \t]*\n", text.strip())]
    blocks = tuple(_parse_block(chunk) for chunk in chunks if chunk)
    if not any(kind == "p" for kind, _ in blocks):
        raise ValueError("the body has no paragraph")
    return blocks


def _parse_block(chunk: str) -> Block:
    joined = " ".join(line.strip() for line in chunk.split("\n"))
    if chunk.startswith("## ") and "\n" not in chunk:
        return ("h2", chunk[3:].strip())
    if chunk.startswith("#"):
        raise ValueError(f"only '## ' subheadings on a line of their own are allowed: {chunk!r}")
    return ("p", joined)


def _check_syndication_fields(article: SampleArticle) -> None:
    copy = article.quirk == "syndicated_copy"
    if copy and article.syndicates is None:
        raise ValueError("quirk syndicated_copy needs 'syndicates: ID' of the original article")
    if not copy and article.syndicates is not None:
        raise ValueError("'syndicates' is only allowed with quirk: syndicated_copy")


def _check_file_name(name: str, article: SampleArticle) -> None:
    match = _FILE_NAME.match(name)
    if not match:
        raise ValueError("the file name must be NNN-slug.md (NNN: the id in three digits)")
    if int(match.group(1)) != article.id:
        raise ValueError(f"id {article.id} differs from the file name's number {match.group(1)}")
    if match.group(2) != article.slug:
        raise ValueError(f"slug {article.slug!r} differs from the file name's {match.group(2)!r}")


def _check_collection(loaded: Sequence[tuple[str, SampleArticle]]) -> None:
    by_id: dict[int, tuple[str, SampleArticle]] = {}
    by_path: dict[str, str] = {}
    for name, article in loaded:
        if article.id in by_id:
            raise ValueError(f"{name}: id {article.id} is also used by {by_id[article.id][0]}")
        path = article_path(article)
        if path in by_path:
            raise ValueError(f"{name}: URL {path} is also used by {by_path[path]}")
        by_id[article.id] = (name, article)
        by_path[path] = name
    for name, article in loaded:
        if article.syndicates is not None:
            _check_original(name, article, by_id.get(article.syndicates))


def _check_original(
    name: str, article: SampleArticle, original: tuple[str, SampleArticle] | None
) -> None:
    if original is None:
        raise ValueError(f"{name}: syndicates {article.syndicates}, but no article has that id")
    if original[1].template == article.template:
        raise ValueError(f"{name}: a syndicated copy must use another template than {original[0]}")


def article_path(a: SampleArticle) -> str:
    """The URL path of an article's page on its site."""
    if a.template == "blog":
        return f"/blog/{a.published:%Y/%m/%d}/{a.slug}/"
    if a.template == "nextjs":
        return f"/news/{a.slug}"
    return f"/cms/article/{a.id}.html"


BLOG_TAGLINE: Final = "Electric cars, batteries and the companies behind them"


NEXT_TAGLINE: Final = "Fast news on the business of electric mobility"
