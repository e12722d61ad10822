"""Checking the API sources (GDELT, Hacker News, Mastodon, Reddit, Bluesky) with the API
spiders' own URL builders, parsers and credential handling."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from crawlers.check.fetch import Fetched, Fetcher
from crawlers.check.pages import finish_listing, fresh_verdict
from crawlers.check.results import CheckOptions, Probe, SourceCheck, answer_failure
from crawlers.listings import Entry
from crawlers.spiders import bluesky, gdelt, hackernews, mastodon, reddit


def check_gdelt(
    source: dict[str, Any], fetcher: Fetcher, o: CheckOptions, now: datetime
) -> SourceCheck:
    hours = int(source.get("first_lookback_hours") or 72)
    start = now - timedelta(hours=hours)
    url = gdelt.artlist_url(
        source.get("api_base"), source["query"], start, now, int(source.get("max_records") or 250)
    )
    probe = Probe(source["name"], "gdelt", f"GDELT: {source['query']}")
    f = probe.fetched = fetcher.fetch(url, robots=False)
    failure = answer_failure(f, api=True)
    if failure is not None:
        return probe.report(*failure, now=now)
    probe.format = "API (GDELT JSON)"
    try:
        found = gdelt.parse_article_list(f.body)
    except gdelt.GdeltThrottled as exc:
        return probe.report(
            "throttled", f"GDELT asks to slow down: {exc}",
            "GDELT allows one request every 5 seconds: run the check again in a minute",
            now=now,
        )  # fmt: skip
    except gdelt.GdeltQueryRejected as exc:
        probe.format = "API (GDELT text)"
        return probe.report(
            "query-rejected", f"GDELT refused the query: {exc}",
            "fix the query (terms of 3 characters or more, OR only inside one (A OR B) group)",
            now=now,
        )  # fmt: skip
    except gdelt.GdeltError as exc:
        return probe.report(
            "wrong-format", f"GDELT answered no article list: {exc}",
            "try again later; if it persists, check api_base", now=now,
        )  # fmt: skip
    entries = [Entry(a.url, a.title, a.seen_at) for a in found.articles]
    probe.notes.append(f"dates are GDELT's first-seen times over the last {hours} h")
    return finish_listing(
        probe, entries, url, fetcher, o, now,
        f"no article matched in the last {hours} hours: broaden the query",
    )  # fmt: skip


def check_hackernews(
    source: dict[str, Any], fetcher: Fetcher, o: CheckOptions, now: datetime
) -> SourceCheck:
    probe = Probe(source["name"], "hackernews", f"HN search: {source['query']}")
    url = hackernews.stories_url(source.get("api_base"), source["query"], 0, 0)
    f = probe.fetched = fetcher.fetch(url, robots=False)
    failure = answer_failure(f, api=True)
    if failure is not None:
        return probe.report(*failure, now=now)
    probe.format = "API (Algolia JSON)"
    try:
        page = hackernews.parse_search_page(f.body)
    except hackernews.HackerNewsError as exc:
        return probe.report(
            "wrong-format", f"not a search result: {exc}", "check api_base", now=now
        )
    dates: list[datetime] = []
    for hit in page.hits:
        try:
            dates.append(hackernews.story_record(hit).created_at)
        except hackernews.BadHit:
            continue
    probe.items = page.nb_hits
    probe.newest = max(dates, default=None)
    if not page.nb_hits:
        return probe.report("empty", "no story has ever matched", "broaden the query", now=now)
    return fresh_verdict(probe, now, o)


def check_mastodon(
    source: dict[str, Any], fetcher: Fetcher, o: CheckOptions, now: datetime
) -> SourceCheck:
    tag = str(source["tag"]).lstrip("#")
    probe = Probe(source["name"], "mastodon", f"{source['instance']} #{tag}")
    f = probe.fetched = fetcher.fetch(
        mastodon.timeline_url(source), headers={"Accept": "application/json"}, robots=False
    )
    if f.status == 401:
        said = mastodon.error_message(f.body)
        return probe.report(
            "auth-needed",
            f"HTTP 401{': ' + said if said else ''}: logged-out access to hashtag timelines "
            "is disabled",
            mastodon.logged_out_message(source),
            now=now,
        )
    failure = answer_failure(f, api=True, said=mastodon.error_message(f.body))
    if failure is not None:
        return probe.report(*failure, now=now)
    probe.format = "API (Mastodon JSON)"
    try:
        statuses, ids, _ = mastodon.parse_timeline(f.body, mastodon.web_base(source))
    except mastodon.MastodonError as exc:
        return probe.report(
            "wrong-format", f"not a timeline: {exc}", "check the instance name", now=now
        )
    probe.items = len(ids)
    probe.newest = max((s.published_at for s in statuses), default=None)
    if ids:
        return fresh_verdict(probe, now, o)
    # An empty timeline: nothing posted, or the server hides it from logged-out clients.
    answer = fetcher.fetch(
        mastodon.instance_url(source), headers={"Accept": "application/json"}, robots=False
    )
    access = mastodon.hashtag_feed_access(answer.body) if answer.ok else None
    if access is not None and "public" not in access:
        return probe.report(
            "auth-needed",
            f"an empty timeline, and the server says hashtag feeds are {access[0]} (local) / "
            f"{access[1]} (remote): logged-out access is disabled",
            mastodon.logged_out_message(source),
            now=now,
        )
    if access is not None and access[1] != "public":
        probe.notes.append("logged-out clients see only the server's own users' posts")
    return probe.report(
        "empty",
        f"no public post carries #{tag} on {source['instance']}",
        "pick a busier tag or a bigger instance",
        now=now,
    )


def check_reddit(
    source: dict[str, Any], fetcher: Fetcher, o: CheckOptions, now: datetime
) -> SourceCheck:
    query = f" (search: {source['query']})" if source.get("query") else ""
    sub = str(source["subreddit"]).strip().removeprefix("r/")
    probe = Probe(source["name"], "reddit", f"r/{sub}{query}")
    missing = reddit.missing_configuration(o.env)
    found = reddit.credentials(o.env)
    agent = reddit.user_agent(o.env)
    if missing or found is None or agent is None:
        return probe.report(
            "auth-needed", "no credentials in the environment", str(missing), now=now
        )
    problem = reddit.agent_problem(agent)
    if problem:
        probe.notes.append(f"{problem}; Reddit throttles such clients")
    token_answer = fetcher.once(
        ("reddit", reddit.token_url(source), *found),
        lambda: fetcher.fetch(
            reddit.token_url(source),
            method="POST",
            data=b"grant_type=client_credentials",
            headers={
                "Authorization": reddit.basic_auth(*found),
                "User-Agent": agent,
                "Content-Type": "application/x-www-form-urlencoded",
            },
            robots=False,
        ),
    )
    token = _login(
        probe,
        token_answer,
        refused_with=(401, 403),
        refusal="Reddit refused the app's credentials",
        said=reddit.error_message,
        parse=reddit.parse_token,
        parse_error=reddit.RedditError,
        advice=(
            f"check {reddit.ENV_ID} and {reddit.ENV_SECRET}; a new app works only once Reddit "
            f"has approved it (Responsible Builder Policy: {reddit.POLICY_URL})"
        ),
        now=now,
    )
    if isinstance(token, SourceCheck):
        return token
    f = probe.fetched = fetcher.fetch(
        reddit.listing_url(source),
        headers={"Authorization": f"bearer {token}", "User-Agent": agent},
        robots=False,
    )
    failure = answer_failure(f, api=True, said=reddit.error_message(f.body))
    if failure is not None:
        verdict, detail, advice = failure
        if verdict == "blocked":
            advice = "the subreddit is private, quarantined or banned: pick another one"
        return probe.report(verdict, detail, advice, now=now)
    probe.format = "API (Reddit JSON)"
    try:
        posts, _, _ = reddit.parse_listing(f.body)
    except reddit.RedditError as exc:
        return probe.report("wrong-format", f"not a listing: {exc}", "check api_base", now=now)
    probe.items = len(posts)
    probe.newest = max((p.published_at for p in posts), default=None)
    if not posts:
        return probe.report(
            "empty", f"no post in r/{sub}{' matches' if query else ''}",
            "broaden the query, or check the subreddit name", now=now,
        )  # fmt: skip
    return fresh_verdict(probe, now, o)


def _login(
    probe: Probe,
    answer: Fetched,
    *,
    refused_with: tuple[int, ...],
    refusal: str,
    said: Callable[[bytes], str],
    parse: Callable[[bytes], str],
    parse_error: type[Exception],
    advice: str,
    now: datetime,
    holds: str = "token",
) -> str | SourceCheck:
    """The token of an API login answer, or the report that says why there is none: the
    service refused the credentials (`refused_with` statuses), the request failed, or the
    answer holds no token."""
    probe.fetched = answer
    if answer.status in refused_with:
        message = said(answer.body)
        return probe.report(
            "auth-needed",
            f"{refusal} (HTTP {answer.status}{': ' + message if message else ''})",
            advice,
            now=now,
        )
    failure = answer_failure(answer, api=True, said=said(answer.body))
    if failure is not None:
        return probe.report(*failure, now=now)
    try:
        return parse(answer.body)
    except parse_error as exc:
        return probe.report("auth-needed", f"no {holds}: {exc}", advice, now=now)


def check_bluesky(
    source: dict[str, Any], fetcher: Fetcher, o: CheckOptions, now: datetime
) -> SourceCheck:
    probe = Probe(source["name"], "bluesky", f"search: {source['query']}")
    found = bluesky.credentials(o.env)
    if found is None:
        return probe.report(
            "auth-needed", "no credentials in the environment", bluesky.MISSING_CREDENTIALS,
            now=now,
        )  # fmt: skip
    session = fetcher.once(
        ("bluesky", bluesky.session_url(source), *found),
        lambda: fetcher.fetch(
            bluesky.session_url(source),
            method="POST",
            data=bluesky.session_body(*found),
            headers={"Content-Type": "application/json", "Accept": "application/json"},
            robots=False,
        ),
    )
    token = _login(
        probe,
        session,
        refused_with=(400, 401),
        refusal="Bluesky refused the login",
        said=bluesky.error_message,
        parse=bluesky.parse_session,
        parse_error=bluesky.BlueskyError,
        advice=f"check {bluesky.ENV_HANDLE} and {bluesky.ENV_PASSWORD} (an app password)",
        now=now,
        holds="session",
    )
    if isinstance(token, SourceCheck):
        return token
    f = probe.fetched = fetcher.fetch(
        bluesky.search_url(source),
        headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
        robots=False,
    )
    failure = answer_failure(f, api=True, said=bluesky.error_message(f.body))
    if failure is not None:
        return probe.report(*failure, now=now)
    probe.format = "API (Bluesky JSON)"
    try:
        posts, _, _ = bluesky.parse_search(f.body)
    except bluesky.BlueskyError as exc:
        return probe.report(
            "wrong-format", f"not a search result: {exc}", "check api_base", now=now
        )
    probe.items = len(posts)
    probe.newest = max((p.published_at for p in posts), default=None)
    if not posts:
        return probe.report(
            "empty",
            "no post matches (Bluesky requires every word of the query)",
            "use fewer words, or a phrase in quotes",
            now=now,
        )
    return fresh_verdict(probe, now, o)


Checker = Callable[[dict[str, Any], Fetcher, CheckOptions, datetime], SourceCheck]
