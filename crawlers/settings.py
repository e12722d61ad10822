"""Scrapy settings for carintel: polite by default.

`carintel crawl` sets CARINTEL_LANDING_DIR and CARINTEL_RUN_ID; `scrapy crawl` works too and writes
to $CARINTEL_HOME/landing (default ./data/landing).
"""

from __future__ import annotations

import os
from typing import Any

from carintel_home import LANDING, STATE, home_root

BOT_NAME = "carintel"
SPIDER_MODULES = ["crawlers.spiders"]
NEWSPIDER_MODULE = "crawlers.spiders"

USER_AGENT = "carintel/0.1 (news research crawler; +https://github.com/carintel/carintel)"

# Politeness
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 2.0
RANDOMIZE_DOWNLOAD_DELAY = True
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 2.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

# Limits
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
DOWNLOAD_FAIL_ON_DATALOSS = True
RETRY_ENABLED = True
RETRY_TIMES = 2
# 429 is handled by crawlers.throttle (it honours Retry-After); the rest retry at once.
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408]
CARINTEL_THROTTLE_RETRIES = 3
CARINTEL_THROTTLE_BASE_WAIT = 30.0
CARINTEL_THROTTLE_MAX_WAIT = 900.0
REDIRECT_MAX_TIMES = 5

TELNETCONSOLE_ENABLED = False
LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"

_HOME = home_root()
CARINTEL_LANDING_DIR = str(_HOME / LANDING)
CARINTEL_STATE_DIR = str(_HOME / STATE)  # cursors and the seen-URL store (crawlers.state)
CARINTEL_SKIP_SEEN = True  # do not download again an article page an earlier run fetched
CARINTEL_MIN_TEXT_CHARS = 200  # shorter articles are dropped (posts and comments are not)
CARINTEL_SOCIAL_MAX_PAGES = 10  # API pages per social source and run (Mastodon, Reddit, Bluesky)
CARINTEL_SOCIAL_FIRST_RUN_PAGES = 1  # pages on a source's first run (no cursor yet)

DOWNLOADER_MIDDLEWARES = {
    # At the network end: archives responses as they arrived (see crawlers.archive).
    "crawlers.archive.WarcArchiveMiddleware": 950,
    # Before RetryMiddleware (550) on the way back: sees a 429 first and pauses the site.
    "crawlers.throttle.RetryAfterMiddleware": 560,
}
EXTENSIONS = {
    "crawlers.extensions.RunStatsExtension": 500,
    "crawlers.extensions.ProgressExtension": 510,
}
ITEM_PIPELINES = {
    "crawlers.pipelines.RequireTextPipeline": 100,
    "crawlers.pipelines.DuplicateCanonicalPipeline": 200,
}


def landing_feeds(landing_dir: str) -> dict[str, dict[str, Any]]:
    """The FEEDS setting: one JSON Lines landing file per run, spider and worker (the
    `%(run_id)s`, `%(name)s` and `%(worker_suffix)s` are the spider's attributes)."""
    return {
        f"{landing_dir}/%(run_id)s/items-%(name)s%(worker_suffix)s.jsonl": {
            "format": "jsonlines",
            "encoding": "utf-8",
            "store_empty": True,
        },
    }


FEEDS = landing_feeds(CARINTEL_LANDING_DIR)

# Settings that turn politeness off for a local site we serve ourselves (`--sample`, tests).
LOCAL_SITE_SETTINGS = {
    "DOWNLOAD_DELAY": 0,
    "RANDOMIZE_DOWNLOAD_DELAY": False,
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
    # a local site answers at once; tests of the timeout path shorten it further
    "DOWNLOAD_TIMEOUT": float(os.environ.get("CARINTEL_LOCAL_TIMEOUT", "10")),
    "RETRY_TIMES": 1,
    # Seconds between requests to a rate-limited API (GDELT: default 6, see crawlers.spiders.gdelt).
    "CARINTEL_API_MIN_DELAY": 0,
}

# With --redis: how long an idle worker waits for work from the other workers before it stops.
CARINTEL_REDIS_IDLE_SECONDS = float(os.environ.get("CARINTEL_REDIS_IDLE_SECONDS", "10"))
