"""Configuration files: the watchlist (who is tracked) and the sources (where news comes from).

Both are YAML, validated on load. A validation error names the file, the entry and what to fix.
The schemas are documented in the README ("Configuration files"); this module is the one place
that knows them. Other packages receive plain dicts from here (`entity_rows`, `alias_rows`, ...),
never these classes.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from carintel.errors import ConfigError
from carintel.paths import default_config_dir
from crawlers.query_rules import (
    bluesky_query_problems,
    gdelt_query_problems,
    mastodon_tag_problems,
    reddit_query_problems,
    reddit_subreddit_problems,
)
from enrich.precision import Precision
from enrich.resolve import name_key

EntityType = Literal["company", "venture", "brand", "product", "person"]
RelationshipType = Literal[
    "partner",
    "investor",
    "jv_parent",
    "alliance_member",
    "supplier",
    "brand_of",
    "product_of",
    "subsidiary_of",
    "executive_of",
    "founder_of",
]
RelationshipStatus = Literal["active", "ended", "cancelled"]

_ID = re.compile(r"^[a-z0-9][a-z0-9_]*$")
_PARTIAL_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_HAN = re.compile(r"[\u3400-\u9fff]")
_KANA = re.compile(r"[\u3040-\u30ff]")
SHORT_ALIAS_LENGTH = 4


log = logging.getLogger(__name__)


def _strict() -> ConfigDict:
    return ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Alias(BaseModel):
    """One surface form of an entity. Plain strings in YAML become `Alias(text=...)`."""

    model_config = _strict()
    text: Annotated[str, Field(min_length=1)]
    case_sensitive: bool | None = None
    lang: str | None = None

    def resolved_case_sensitive(self) -> bool:
        """Short aliases and acronyms match only with their exact case ("NIO", "GAC", "Aito")."""
        if self.case_sensitive is not None:
            return self.case_sensitive
        if _HAN.search(self.text) or _KANA.search(self.text):
            return True
        letters = [c for c in self.text if c.isalpha()]
        return len(self.text) <= SHORT_ALIAS_LENGTH or (bool(letters) and self.text.isupper())

    def resolved_lang(self) -> str:
        if self.lang:
            return self.lang
        if _KANA.search(self.text):
            return "ja"
        return "zh" if _HAN.search(self.text) else "en"


def _surely_before(a: str, b: str) -> bool:
    """Partial ISO dates: "2021" is not before "2021-01" (same year, coarser precision)."""
    n = min(len(a), len(b))
    return a[:n] < b[:n]


def _coerce_alias(value: Any) -> Any:
    return {"text": value} if isinstance(value, str) else value


def _check_partial_date(value: str | None) -> str | None:
    if value is None:
        return None
    text = str(value)
    if not _PARTIAL_DATE.match(text):
        raise ValueError(f"{text!r} is not a date like 2021, 2021-04 or 2021-04-17")
    parts = [int(p) for p in text.split("-")]
    try:
        date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a real date: {exc}") from None
    return text


class Entity(BaseModel):
    model_config = _strict()
    id: str
    name: Annotated[str, Field(min_length=1)]
    type: EntityType
    country: str | None = None
    description: str | None = None
    aliases: list[Alias] = Field(default_factory=list)

    @field_validator("id")
    @classmethod
    def _id_is_slug(cls, v: str) -> str:
        if not _ID.match(v):
            raise ValueError(f"{v!r} must be a lowercase slug such as 'li_auto'")
        return v

    @field_validator("aliases", mode="before")
    @classmethod
    def _aliases_from_strings(cls, v: Any) -> Any:
        return [_coerce_alias(a) for a in v] if isinstance(v, list) else v

    def all_aliases(self) -> list[Alias]:
        """The name, then the aliases, without repeats. An explicit alias with the name's text
        governs how the name matches (`{text: Apple, case_sensitive: true}`)."""
        explicit = {a.text for a in self.aliases}
        name = [] if self.name in explicit else [Alias(text=self.name)]
        seen: set[str] = set()
        out: list[Alias] = []
        for alias in [*name, *self.aliases]:
            if alias.text not in seen:
                seen.add(alias.text)
                out.append(alias)
        return out


class Relationship(BaseModel):
    """`subject` is `type` of `object`: e.g. seres is alliance_member of hima since 2021."""

    model_config = _strict()
    subject: str
    type: RelationshipType
    object: str
    since: str | None = None
    until: str | None = None
    status: RelationshipStatus = "active"
    note: str | None = None
    source_url: str | None = None

    @field_validator("since", "until", mode="before")
    @classmethod
    def _dates(cls, v: Any) -> str | None:
        return _check_partial_date(None if v is None else str(v))


class Watchlist(BaseModel):
    model_config = _strict()
    version: int = 1
    entities: list[Entity]
    relationships: list[Relationship] = Field(default_factory=list)
    # Names the NER model tags as organisations that are none: generic words, product lines,
    # places. Kept in `unlinked_mentions`, left out of the view `emerging_entities`.
    not_organisations: list[Annotated[str, Field(min_length=1)]] = Field(default_factory=list)

    @model_validator(mode="after")
    def _references_resolve(self) -> Watchlist:
        ids = [e.id for e in self.entities]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"entity ids used more than once: {', '.join(dupes)}")
        known = set(ids)
        for n, rel in enumerate(self.relationships):
            for end in (rel.subject, rel.object):
                if end not in known:
                    raise ValueError(
                        f"relationships[{n}] ({rel.subject} {rel.type} {rel.object}) names "
                        f"unknown entity {end!r}: add it to entities or fix the id"
                    )
        # Two entities must never match the same text. Any-case aliases are compared folded;
        # an exact-case alias also collides with an any-case alias of the same folded text.
        exact: dict[str, str] = {}
        folded: dict[str, str] = {}
        for entity in self.entities:
            for alias in entity.all_aliases():
                key = alias.text.casefold()
                if alias.resolved_case_sensitive():
                    others = [exact.setdefault(alias.text, entity.id), folded.get(key)]
                else:
                    others = [folded.setdefault(key, entity.id)]
                    others += [o for t, o in exact.items() if t.casefold() == key]
                for other in others:
                    if other is not None and other != entity.id:
                        raise ValueError(
                            f"alias {alias.text!r} belongs to both {other!r} and {entity.id!r}"
                            " (aliases are compared ignoring case): keep it on one entity"
                        )
        keys = {name_key(a.text): e.id for e in self.entities for a in e.all_aliases()}
        for name in self.not_organisations:
            if not name_key(name):
                raise ValueError(f"not_organisations entry {name!r} has no letters or digits")
            if name_key(name) in keys:
                raise ValueError(
                    f"not_organisations entry {name!r} is also a name of {keys[name_key(name)]!r}"
                    ": a watchlist name is linked, never listed as emerging; remove one of them"
                )
        for n, rel in enumerate(self.relationships):
            if rel.since and rel.until and _surely_before(rel.until, rel.since):
                raise ValueError(
                    f"relationships[{n}] ({rel.subject} {rel.type} {rel.object}): until "
                    f"{rel.until} is before since {rel.since}"
                )
        return self

    def by_id(self) -> dict[str, Entity]:
        return {e.id: e for e in self.entities}


class FeedSource(BaseModel):
    """An RSS or Atom feed whose entries link to article pages."""

    model_config = _strict()
    name: Annotated[str, Field(min_length=1)]
    url: str
    language: str | None = None
    enabled: bool = True
    note: str | None = None

    @field_validator("url")
    @classmethod
    def _http_url(cls, v: str) -> str:
        if not re.match(r"^https?://[^\s/]+", v):
            raise ValueError(f"{v!r} must be an http(s) URL")
        return v


class SitemapSource(FeedSource):
    """A news sitemap (or a sitemap index leading to one)."""


def _api_rules(info: ValidationInfo, problems: list[str]) -> None:
    """Raise the problems an API would have with a query (see crawlers.query_rules), unless the
    file is loaded with `query_rules=False` (`carintel sources check` reports them per source)."""
    relaxed = isinstance(info.context, dict) and info.context.get("query_rules") is False
    if problems and not relaxed:
        raise ValueError("; ".join(problems))


class ApiSource(BaseModel):
    """A source read through an API. `api_base` points the spider at another server (a mirror,
    or a local fixture server in tests); by default the service's public endpoint."""

    model_config = _strict()
    name: Annotated[str, Field(min_length=1)]
    enabled: bool = True
    note: str | None = None
    api_base: str | None = None


class GdeltSource(ApiSource):
    """GDELT DOC 2.0 article list for a query (mode=artlist, format=json)."""

    query: Annotated[str, Field(min_length=1)]
    max_records: Annotated[int, Field(ge=1, le=250)] = 250
    first_lookback_hours: Annotated[int, Field(ge=1, le=24 * 90)] = 72

    @field_validator("query")
    @classmethod
    def _gdelt_rules(cls, v: str, info: ValidationInfo) -> str:
        _api_rules(info, gdelt_query_problems(v))
        return v


class HackerNewsSource(ApiSource):
    """Hacker News stories (and their comments) matching a query, via the Algolia search API."""

    query: Annotated[str, Field(min_length=1)]
    comments: bool = True
    first_lookback_hours: Annotated[int, Field(ge=1, le=24 * 365)] = 24 * 7


class MastodonSource(ApiSource):
    """A hashtag timeline on one Mastodon instance."""

    instance: Annotated[str, Field(min_length=3)]
    tag: Annotated[str, Field(min_length=1)]

    @field_validator("tag")
    @classmethod
    def _hashtag(cls, v: str, info: ValidationInfo) -> str:
        _api_rules(info, mastodon_tag_problems(v))
        return v


class RedditSource(ApiSource):
    """New posts of a subreddit (optionally a search in it); OAuth app credentials from the
    environment: REDDIT_CLIENT_ID, REDDIT_CLIENT_SECRET and REDDIT_USERNAME (for the User-Agent
    Reddit requires; or REDDIT_USER_AGENT)."""

    subreddit: Annotated[str, Field(min_length=1)]
    query: str | None = None
    comments: bool = True

    @field_validator("subreddit")
    @classmethod
    def _subreddit_name(cls, v: str, info: ValidationInfo) -> str:
        _api_rules(info, reddit_subreddit_problems(v))
        return v

    @field_validator("query")
    @classmethod
    def _query_length(cls, v: str | None, info: ValidationInfo) -> str | None:
        _api_rules(info, reddit_query_problems(v))
        return v


class BlueskySource(ApiSource):
    """Bluesky posts matching a query; an app password session from the environment:
    BLUESKY_HANDLE and BLUESKY_APP_PASSWORD."""

    query: Annotated[str, Field(min_length=1)]

    @field_validator("query")
    @classmethod
    def _no_boolean_operators(cls, v: str, info: ValidationInfo) -> str:
        _api_rules(info, bluesky_query_problems(v))
        return v


# The spider that reads each section of the sources file.
SOURCE_SECTIONS: dict[str, str] = {
    "feeds": "feeds",
    "sitemaps": "sitemaps",
    "gdelt": "gdelt",
    "hackernews": "hackernews",
    "mastodon": "mastodon",
    "reddit": "reddit",
    "bluesky": "bluesky",
}


class Sources(BaseModel):
    model_config = _strict()
    feeds: list[FeedSource] = Field(default_factory=list)
    sitemaps: list[SitemapSource] = Field(default_factory=list)
    gdelt: list[GdeltSource] = Field(default_factory=list)
    hackernews: list[HackerNewsSource] = Field(default_factory=list)
    mastodon: list[MastodonSource] = Field(default_factory=list)
    reddit: list[RedditSource] = Field(default_factory=list)
    bluesky: list[BlueskySource] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_names(self) -> Sources:
        names = [s.name for s in self.all()]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"source names used more than once: {', '.join(dupes)}")
        if not names:
            raise ValueError("no sources: add at least one entry under 'feeds:'")
        return self

    def sections(self) -> dict[str, list[FeedSource | ApiSource]]:
        return {section: list(getattr(self, section)) for section in SOURCE_SECTIONS}

    def all(self) -> list[FeedSource | ApiSource]:
        return [s for entries in self.sections().values() for s in entries]

    def enabled(self) -> Iterator[FeedSource | ApiSource]:
        return (s for s in self.all() if s.enabled)

    def by_spider(self) -> dict[str, list[dict[str, Any]]]:
        """Enabled sources as plain dicts, grouped by the spider that reads them."""
        grouped: dict[str, list[dict[str, Any]]] = {}
        for section, entries in self.sections().items():
            enabled = [s.model_dump() for s in entries if s.enabled]
            if enabled:
                grouped.setdefault(SOURCE_SECTIONS[section], []).extend(enabled)
        return grouped


class ModelChoice(BaseModel):
    """A model: "bundled" (the default, offline), a Hugging Face model id or a local path, and
    the precision it runs in (None: the file's top-level `precision`)."""

    model_config = _strict()
    source: Annotated[str, Field(min_length=1)] = "bundled"
    precision: Precision | None = None

    @model_validator(mode="before")
    @classmethod
    def _quantize_is_int8(cls, data: Any) -> Any:
        """The deprecated `quantize: true` is `precision: int8`; `quantize: false` says
        nothing (the model runs in its precision)."""
        if not isinstance(data, dict) or "quantize" not in data:
            return data
        data = dict(data)
        quantize, precision = data.pop("quantize"), data.get("precision")
        if quantize is True:
            if precision not in (None, "int8"):
                raise ValueError(
                    f"'quantize: true' (deprecated, meaning int8) and 'precision: {precision}' "
                    "disagree: keep only 'precision'"
                )
            log.warning("config: 'quantize: true' is deprecated: write 'precision: int8'")
            data["precision"] = "int8"
        elif quantize is False:
            if precision == "int8":
                raise ValueError(
                    "'quantize: false' and 'precision: int8' disagree: drop 'quantize' (deprecated)"
                )
        else:
            raise ValueError(
                "'quantize' (deprecated) takes true or false: write 'precision: int8' instead"
            )
        return data


class RelevanceChoice(BaseModel):
    """How sure relevance must be that a document is about carmaking ventures before its
    events, sentiment and volume count as claims. Default (null): the threshold the bundled
    relevance model chose on the claims dev split (enrich/artifacts/relevance)."""

    model_config = _strict()
    threshold: Annotated[float, Field(ge=0.0, le=1.0)] | None = None
    # the base encoder that relevance and stories read (all-MiniLM-L6-v2); None: the file's
    precision: Precision | None = None


class EnrichConfig(BaseModel):
    """config/enrich.yaml: which models enrichment uses. `ner: null` or `sentiment: null`
    switches that model off (alias linking still runs)."""

    model_config = _strict()
    ner: ModelChoice | None = Field(default_factory=ModelChoice)
    sentiment: ModelChoice | None = Field(default_factory=ModelChoice)
    events: ModelChoice | None = Field(default_factory=ModelChoice)
    stories: bool = True  # story clustering with the base encoder's embeddings
    relevance: RelevanceChoice = Field(default_factory=lambda: RelevanceChoice())
    threads: Annotated[int, Field(ge=1, le=64)] | None = None
    batch_size: Annotated[int, Field(ge=1, le=512)] = 32
    # every model's precision unless its entry names one: auto (bf16 where the CPU has bf16
    # matrix units, fp32 elsewhere), fp32, bf16 or int8 (enrich.precision; the model cards)
    precision: Precision = "auto"

    def precision_of(self, choice: ModelChoice | RelevanceChoice | None) -> Precision:
        """The precision a model entry asks for: its own, else the file's."""
        own = choice.precision if choice is not None else None
        return own or self.precision

    def with_precision(self, precision: Precision) -> EnrichConfig:
        """The same models, every one in `precision` (what `models eval --precision` scores)."""
        entries: dict[str, Any] = {"precision": precision}
        for name in ("ner", "sentiment", "events", "relevance"):
            entry = getattr(self, name)
            if entry is not None:
                entries[name] = entry.model_copy(update={"precision": None})
        return self.model_copy(update=entries)


def _read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found. Check the path.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot be read as UTF-8 text: {exc}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from exc
    if data is None:
        raise ConfigError(f"{path}: the file is empty; see the README for its schema.")
    return data


def _explain(path: Path, data: Any, exc: ValidationError) -> ConfigError:
    lines = [f"{path}: {exc.error_count()} problem(s):"]
    for err in exc.errors():
        where = _describe_location(data, err["loc"])
        lines.append(f"  - {where}: {err['msg'].removeprefix('Value error, ')}")
    lines.append("Fix the entries above; the schema is documented in the README.")
    return ConfigError("\n".join(lines))


def _describe_location(data: Any, loc: tuple[int | str, ...]) -> str:
    """`entities[3] (xiaomi).aliases[1]`: the path, with the entry's id or name where it has one."""
    parts: list[str] = []
    node = data
    for key in loc:
        if isinstance(key, int):
            parts[-1:] = [f"{parts[-1] if parts else ''}[{key}]"]
            node = node[key] if isinstance(node, list) and key < len(node) else None
            if isinstance(node, dict):
                label = node.get("id") or node.get("name")
                if label:
                    parts[-1] += f" ({label})"
        else:
            parts.append(str(key))
            node = node.get(key) if isinstance(node, dict) else None
    return ".".join(parts) or "top level"


def load_watchlist(path: Path | None = None) -> Watchlist:
    path = path or default_config_dir() / "watchlist.yaml"
    data = _read_yaml(path)
    try:
        return Watchlist.model_validate(data)
    except ValidationError as exc:
        raise _explain(path, data, exc) from None


def load_sources(path: Path | None = None, *, query_rules: bool = True) -> Sources:
    """The sources file, validated. `query_rules=False` accepts queries an API would refuse
    (crawlers.query_rules): `carintel sources check` reports those per source instead."""
    path = path or default_config_dir() / "sources.yaml"
    data = _read_yaml(path)
    try:
        return Sources.model_validate(data, context={"query_rules": query_rules})
    except ValidationError as exc:
        raise _explain(path, data, exc) from None


def load_enrich_config(path: Path | None = None) -> EnrichConfig:
    path = path or default_config_dir() / "enrich.yaml"
    if not path.exists() and path == default_config_dir() / "enrich.yaml":
        return EnrichConfig()
    data = _read_yaml(path)
    try:
        return EnrichConfig.model_validate(data)
    except ValidationError as exc:
        raise _explain(path, data, exc) from None


# -- plain rows for the other packages ------------------------------------------------------


def entity_rows(watchlist: Watchlist) -> list[dict[str, Any]]:
    return [
        {
            "id": e.id,
            "name": e.name,
            "type": e.type,
            "country": e.country,
            "description": e.description,
        }
        for e in watchlist.entities
    ]


def alias_rows(watchlist: Watchlist) -> list[dict[str, Any]]:
    """Columns: entity_id, alias, case_sensitive, lang (the `aliases` table; the linker)."""
    return [
        {
            "entity_id": e.id,
            "alias": a.text,
            "case_sensitive": a.resolved_case_sensitive(),
            "lang": a.resolved_lang(),
        }
        for e in watchlist.entities
        for a in e.all_aliases()
    ]


def relationship_rows(watchlist: Watchlist) -> list[dict[str, Any]]:
    return [r.model_dump() for r in watchlist.relationships]


def not_organisation_rows(watchlist: Watchlist) -> list[dict[str, Any]]:
    """Columns: name_key, name (the `not_organisations` table), one row per normalised name."""
    rows: dict[str, dict[str, Any]] = {}
    for name in watchlist.not_organisations:
        rows.setdefault(name_key(name), {"name_key": name_key(name), "name": name})
    return list(rows.values())
