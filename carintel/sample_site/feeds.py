"""The sample site's listings: robots.txt, the sitemap index and news sitemap, the RSS 2.0 and
Atom feeds (each with the quirks real feeds have)."""

from __future__ import annotations

from datetime import UTC, datetime

from carintel.sample_site.articles import (
    BEIJING,
    BLOG_TAGLINE,
    FEED_SIZE,
    NEXT_TAGLINE,
    SITE_NAMES,
    SampleArticle,
)
from carintel.sample_site.pages import Site, esc, iso, rfc822


def robots_txt(site: Site) -> str:
    return f"User-agent: *\nDisallow: /private/\nAllow: /\n\nSitemap: {site.base}/sitemap.xml\n"


def sitemap_index(site: Site) -> str:
    newest = site.newest("cms")
    lastmod = f"<lastmod>{iso(newest[0].published)}</lastmod>" if newest else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"  <sitemap><loc>{esc(site.base)}/cms/sitemap-news.xml</loc>{lastmod}</sitemap>\n"
        "</sitemapindex>\n"
    )


def news_sitemap(site: Site) -> str:
    urls = "".join(_news_sitemap_url(site, a) for a in site.newest("cms"))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"\n'
        '        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">\n'
        f"{urls}</urlset>\n"
    )


def _news_sitemap_url(site: Site, a: SampleArticle) -> str:
    return (
        "  <url>\n"
        f"    <loc>{esc(site.listed_url(a))}</loc>\n"
        "    <news:news>\n"
        "      <news:publication>\n"
        f"        <news:name>{esc(a.site_name)}</news:name>\n"
        "        <news:language>en</news:language>\n"
        "      </news:publication>\n"
        f"      <news:publication_date>{iso(a.published.astimezone(BEIJING))}"
        "</news:publication_date>\n"
        f"      <news:title>{esc(a.title)}</news:title>\n"
        "    </news:news>\n"
        "  </url>\n"
    )


def rss_feed(site: Site) -> str:
    items = site.newest("blog")[:FEED_SIZE]
    build = f"    <lastBuildDate>{rfc822(items[0].published)}</lastBuildDate>\n" if items else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:atom="http://www.w3.org/2005/Atom">\n'
        "  <channel>\n"
        f"    <title>{SITE_NAMES['blog']}</title>\n"
        f'    <atom:link href="{esc(site.base)}/blog/feed/" rel="self"'
        ' type="application/rss+xml"/>\n'
        f"    <link>{esc(site.base)}/blog/</link>\n"
        f"    <description>{BLOG_TAGLINE}</description>\n"
        f"{build}"
        "    <language>en-US</language>\n"
        "    <generator>https://wordpress.org/?v=6.5.2</generator>\n"
        f"{''.join(_rss_item(site, a) for a in items)}"
        "  </channel>\n"
        "</rss>\n"
    )


def _rss_item(site: Site, a: SampleArticle) -> str:
    categories = "".join(f"      <category>{esc(tag)}</category>\n" for tag in a.tags)
    return (
        "    <item>\n"
        f"      <title>{esc(a.title)}</title>\n"
        f"      <link>{esc(site.listed_url(a))}</link>\n"
        f"      <dc:creator>{esc(a.author)}</dc:creator>\n"
        f"      <pubDate>{rfc822(a.published)}</pubDate>\n"
        f"{categories}"
        f'      <guid isPermaLink="false">{esc(site.base)}/blog/?p={a.id}</guid>\n'
        f"      <description>{esc(a.summary)}</description>\n"
        "    </item>\n"
    )


def atom_feed(site: Site) -> str:
    entries = site.newest("nextjs")
    updated = max((a.modified for a in entries), default=datetime(2025, 1, 1, tzinfo=UTC))
    base = esc(site.base)
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">\n'
        "  <id>tag:volt-daily.example,2024:feed</id>\n"
        f"  <title>{SITE_NAMES['nextjs']}</title>\n"
        f"  <subtitle>{NEXT_TAGLINE}</subtitle>\n"
        f'  <link rel="self" type="application/atom+xml" href="{base}/news/atom.xml"/>\n'
        f'  <link rel="alternate" type="text/html" href="{base}/news/"/>\n'
        f"  <updated>{iso(updated)}</updated>\n"
        f"{''.join(_atom_entry(site, a) for a in entries)}"
        "</feed>\n"
    )


def _atom_entry(site: Site, a: SampleArticle) -> str:
    categories = "".join(f'    <category term="{esc(tag)}"/>\n' for tag in a.tags)
    return (
        "  <entry>\n"
        f"    <id>tag:volt-daily.example,2024:article-{a.id}</id>\n"
        f'    <title type="text">{esc(a.title)}</title>\n'
        f'    <link rel="alternate" type="text/html" href="{esc(site.listed_url(a))}"/>\n'
        f"    <published>{iso(a.published)}</published>\n"
        f"    <updated>{iso(a.modified)}</updated>\n"
        f"    <author><name>{esc(a.author)}</name></author>\n"
        f"{categories}"
        f'    <summary type="text">{esc(a.summary)}</summary>\n'
        "  </entry>\n"
    )
