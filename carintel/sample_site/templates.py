"""The sample site's three page templates: a WordPress-like blog, a Next.js news site and an
old CMS; each renders its index and its article pages."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Final

from carintel.sample_site.articles import (
    BEIJING,
    BLOG_TAGLINE,
    NEXT_TAGLINE,
    SITE_NAMES,
    Block,
    BlockKind,
    SampleArticle,
    article_path,
)
from carintel.sample_site.pages import (
    ATOM,
    Site,
    beijing_minutes,
    charset,
    esc,
    human_date,
    iso,
    name_slug,
    script_json,
    utc_millis,
)


def home_html(site: Site) -> str:
    rows = [
        ("/blog/", SITE_NAMES["blog"], "a WordPress blog", "/blog/feed/"),
        ("/news/", SITE_NAMES["nextjs"], "a Next.js news app", "/news/atom.xml"),
        ("/cms/", SITE_NAMES["cms"], "an older portal CMS", "/cms/sitemap-news.xml"),
    ]
    items = "".join(
        f'<li><a href="{path}">{name}</a>: {kind} (<a href="{listing}">{listing}</a>)</li>\n'
        for path, name, kind, listing in rows
    )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8">'
        "<title>carintel sample sites</title></head>\n<body>\n<h1>carintel sample sites</h1>\n"
        f"<p>{len(site.articles)} articles on three imitation news sites.</p>\n"
        f"<ul>\n{items}</ul>\n</body>\n</html>\n"
    )


_BLOG_CSS: Final = (
    "body{font-family:Georgia,serif;margin:0}.site{max-width:1080px;margin:auto}"
    ".site-content{display:flex;gap:32px}.site-main{flex:3}.widget-area{flex:1}"
)


_BLOG_MENU: Final = ("Partnerships", "Batteries", "Software", "Markets")


_COMMENTERS: Final = ("Marco T.", "Aiko S.", "Jonas Weber", "Priya R.", "Tomás G.")


_COMMENTS: Final = (
    "Interesting move. I wonder who carries the warranty cost when two companies build one car.",
    "Curious whether this ever reaches Europe or stays a China-only product.",
    "The battery side of this story is the part nobody talks about enough.",
    "Good summary, thanks. Would love a follow-up once deliveries actually start.",
    "Another tech company building cars. Let's see how many survive the price war.",
)


def _meta_property(prop: str, content: str) -> str:
    return f'<meta property="{prop}" content="{esc(content)}">'


def _meta_name(name: str, content: str) -> str:
    return f'<meta name="{name}" content="{esc(content)}">'


def _blog_document(
    site: Site, title: str, head: str, main: str, current: SampleArticle | None, charset: str
) -> str:
    name = SITE_NAMES["blog"]
    body_class = "home blog"
    if current is not None:
        body_class = f"post-template-default single single-post postid-{current.id}"
    return (
        f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="{charset}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)}</title>\n{head}\n"
        f'<link rel="alternate" type="application/rss+xml" title="{name} &raquo; Feed"'
        f' href="{esc(site.base)}/blog/feed/">\n'
        f'<meta name="generator" content="WordPress 6.5.2">\n<style>{_BLOG_CSS}</style>\n'
        f'</head>\n<body class="{body_class}">\n<div id="page" class="site">\n'
        '<a class="skip-link screen-reader-text" href="#primary">Skip to content</a>\n'
        f'{_blog_masthead(site)}\n<div id="content" class="site-content">\n'
        f'<main id="primary" class="site-main">\n{main}\n</main>\n'
        f"{_blog_sidebar(site, current)}\n</div>\n"
        f'<footer id="colophon" class="site-footer"><div class="site-info">&copy; {site.year} '
        f"{name}. Proudly powered by WordPress.</div></footer>\n</div>\n</body>\n</html>\n"
    )


def _blog_masthead(site: Site) -> str:
    home = f"{esc(site.base)}/blog/"
    menu = "".join(
        f'<li class="menu-item"><a href="{home}?cat={name_slug(item)}">{item}</a></li>'
        for item in _BLOG_MENU
    )
    return (
        '<header id="masthead" class="site-header">\n<div class="site-branding">'
        f'<p class="site-title"><a href="{home}" rel="home">{SITE_NAMES["blog"]}</a></p>'
        f'<p class="site-description">{BLOG_TAGLINE}</p></div>\n'
        '<nav id="site-navigation" class="main-navigation" aria-label="Primary menu">'
        f'<ul id="primary-menu" class="menu"><li class="menu-item current-menu-item">'
        f'<a href="{home}">Home</a></li>{menu}</ul></nav>\n</header>'
    )


def _blog_sidebar(site: Site, current: SampleArticle | None) -> str:
    popular = [a for a in site.newest("blog") if a is not current][:5]
    links = "".join(f'<li><a href="{esc(site.url(a))}">{esc(a.title)}</a></li>' for a in popular)
    return (
        '<aside id="secondary" class="widget-area">\n'
        '<section id="popular-posts-2" class="widget widget_popular_posts">'
        f'<h2 class="widget-title">Popular posts</h2><ul>{links}</ul></section>\n'
        '<section id="newsletter-3" class="widget widget_newsletter">'
        '<h2 class="widget-title">Newsletter</h2>'
        "<p>The week in electric-car business news, every Friday. No spam.</p>"
        f'<form action="{esc(site.base)}/blog/?newsletter=1" method="post">'
        '<input type="email" name="email" placeholder="Your email address">'
        '<button type="submit">Subscribe</button></form></section>\n</aside>'
    )


def blog_article_html(site: Site, a: SampleArticle) -> str:
    url = site.url(a)
    head = "\n".join(
        [
            f'<link rel="canonical" href="{esc(url)}">',
            _meta_name("description", a.summary),
            _meta_property("og:site_name", SITE_NAMES["blog"]),
            _meta_property("og:title", a.title),
            _meta_property("og:type", "article"),
            _meta_property("og:url", url),
            _meta_property("og:description", a.summary),
            _meta_property("article:published_time", iso(a.published)),
            _meta_property("article:section", a.section),
            _meta_name("author", a.author),
        ]
    )
    main = "\n".join([_blog_post(site, a), _blog_related(site, a), _blog_comments(a)])
    title = f"{a.title} – {SITE_NAMES['blog']}"
    return _blog_document(site, title, head, main, a, charset(a))


def _blog_post(site: Site, a: SampleArticle) -> str:
    url = esc(site.url(a))
    author_url = f"{esc(site.base)}/blog/?author={name_slug(a.author)}"
    tags = ", ".join(
        f'<a href="{esc(site.base)}/blog/?tag={esc(t)}" rel="tag">{esc(t)}</a>' for t in a.tags
    )
    tag_classes = "".join(f" tag-{name_slug(t)}" for t in a.tags)
    return (
        f'<article id="post-{a.id}" class="post-{a.id} post type-post status-publish '
        f'format-standard hentry category-{name_slug(a.section)}{tag_classes}">\n'
        f'<header class="entry-header">\n<h1 class="entry-title">{esc(a.title)}</h1>\n'
        '<div class="entry-meta"><span class="posted-on">Posted on '
        f'<a href="{url}" rel="bookmark"><time class="entry-date published" '
        f'datetime="{iso(a.published)}">{human_date(a.published)}</time></a></span> '
        f'<span class="byline">By <a class="url fn n" rel="author" href="{author_url}">'
        f"{esc(a.author)}</a></span></div>\n</header>\n"
        f'<div class="entry-content">\n{_plain_blocks(a.body)}</div>\n'
        f'<footer class="entry-footer"><span class="cat-links">Posted in '
        f'<a href="{esc(site.base)}/blog/?cat={name_slug(a.section)}" rel="category tag">'
        f'{esc(a.section)}</a></span> <span class="tags-links">Tagged {tags}</span></footer>\n'
        "</article>"
    )


def _plain_blocks(body: Sequence[Block]) -> str:
    return "".join(f"<{kind}>{esc(text)}</{kind}>\n" for kind, text in body)


def _blog_related(site: Site, a: SampleArticle) -> str:
    links = "".join(
        f'<li class="jp-relatedposts-post"><a href="{esc(site.url(o))}">{esc(o.title)}</a>'
        f"<p>{esc(o.section)}</p></li>"
        for o in site.related(a, 3)
    )
    return (
        '<div id="jp-relatedposts" class="jp-relatedposts">'
        f'<h3 class="jp-relatedposts-headline">Related posts</h3><ul>{links}</ul></div>'
    )


def _blog_comments(a: SampleArticle) -> str:
    count = 1 + a.id % 2
    items = "".join(_blog_comment(a, n) for n in range(count))
    noun = "thought" if count == 1 else "thoughts"
    return (
        '<div id="comments" class="comments-area">\n'
        f'<h2 class="comments-title">{count} {noun} on &ldquo;{esc(a.title)}&rdquo;</h2>\n'
        f'<ol class="comment-list">\n{items}</ol>\n'
        '<div id="respond" class="comment-respond">'
        '<h3 id="reply-title" class="comment-reply-title">'
        'Leave a Reply</h3><form action="/blog/wp-comments-post.php" method="post" '
        'id="commentform"><textarea id="comment" name="comment"></textarea>'
        '<input name="submit" type="submit" value="Post Comment"></form></div>\n</div>'
    )


def _blog_comment(a: SampleArticle, n: int) -> str:
    when = a.published + timedelta(days=1, hours=3 + 5 * n, minutes=17)
    clock = f"{when:%I:%M}".lstrip("0") + (" am" if when.hour < 12 else " pm")
    name = _COMMENTERS[(a.id + n) % len(_COMMENTERS)]
    text = _COMMENTS[(a.id * 3 + n) % len(_COMMENTS)]
    comment_id = a.id * 100 + n + 1
    return (
        f'<li id="comment-{comment_id}" class="comment even thread-even depth-1">'
        f'<article id="div-comment-{comment_id}" class="comment-body">'
        '<footer class="comment-meta"><div class="comment-author vcard">'
        f'<b class="fn">{esc(name)}</b> <span class="says">says:</span></div>'
        f'<div class="comment-metadata">{human_date(when)} at {clock}</div></footer>'
        f'<div class="comment-content"><p>{esc(text)}</p></div></article></li>\n'
    )


def blog_index_html(site: Site) -> str:
    posts = "\n".join(_blog_teaser(site, a) for a in site.newest("blog"))
    head = f'<link rel="canonical" href="{esc(site.base)}/blog/">'
    title = f"{SITE_NAMES['blog']} – {BLOG_TAGLINE}"
    return _blog_document(site, title, head, posts, None, "utf-8")


def _blog_teaser(site: Site, a: SampleArticle) -> str:
    return (
        f'<article id="post-{a.id}" class="post-{a.id} post type-post status-publish">'
        f'<header class="entry-header"><h2 class="entry-title"><a href="{esc(site.url(a))}" '
        f'rel="bookmark">{esc(a.title)}</a></h2><div class="entry-meta">'
        f'<time class="entry-date published" datetime="{iso(a.published)}">'
        f"{human_date(a.published)}</time></div></header>"
        f'<div class="entry-summary"><p>{esc(a.summary)}</p></div></article>'
    )


_NEXT_BUILD_ID: Final = "k3Jx9vQm2Lr8TzYb0aWcE"


def _next_document(
    site: Site, title: str, head: str, main: str, next_data: object, charset: str
) -> str:
    name = SITE_NAMES["nextjs"]
    nav = "".join(
        f'<a class="Header_link__pQ3nV" href="/news/?topic={name_slug(topic)}">{topic}</a>'
        for topic in ("Cars", "Batteries", "Tech", "Policy")
    )
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charSet="{charset}"/>'
        '<meta name="viewport" content="width=device-width"/>'
        f"<title>{esc(title)}</title>{head}"
        f'<link rel="alternate" type="{ATOM}" href="{esc(site.base)}/news/atom.xml"/>'
        '</head><body><div id="__next"><div class="Layout_wrapper__k2Lp9">'
        '<header class="Header_header__3vQxe"><a class="Header_logo__Zp1c4" href="/news/">'
        f'{name}</a><nav class="Header_nav__fW2qa">{nav}</nav></header>'
        f'<main class="Layout_main__q8TdP">{main}</main>'
        f'<footer class="Footer_footer__Wd2Kk"><p class="Footer_copy__Bn4Lz">© {site.year} '
        f"{name}. All rights reserved.</p></footer></div></div>"
        '<script id="__NEXT_DATA__" type="application/json">'
        f"{script_json(next_data)}</script></body></html>\n"
    )


def _next_data(page: str, props: Mapping[str, object], query: Mapping[str, str]) -> object:
    return {
        "props": {"pageProps": dict(props), "__N_SSP": True},
        "page": page,
        "query": dict(query),
        "buildId": _NEXT_BUILD_ID,
        "isFallback": False,
        "gssp": True,
        "scriptLoader": [],
    }


def next_article_html(site: Site, a: SampleArticle) -> str:
    url = site.url(a)
    head = (
        f'<meta name="description" content="{esc(a.summary)}"/>'
        f'<link rel="canonical" href="{esc(url)}"/>'
        f'<meta property="og:title" content="{esc(a.title)}"/>'
        '<meta property="og:type" content="article"/>'
        f'<meta property="og:site_name" content="{SITE_NAMES["nextjs"]}"/>'
        f'<meta property="og:url" content="{esc(url)}"/>'
        f'<script type="application/ld+json">{script_json(_news_article_ld(site, a))}</script>'
    )
    main = _next_article_body(a) + _next_newsletter() + _next_more(site, a)
    data = _next_data("/news/[slug]", {"article": _next_article_props(a)}, {"slug": a.slug})
    title = f"{a.title} | {SITE_NAMES['nextjs']}"
    return _next_document(site, title, head, main, data, charset(a))


def _news_article_ld(site: Site, a: SampleArticle) -> dict[str, object]:
    return {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": a.title,
        "description": a.summary,
        "datePublished": iso(a.published),
        "dateModified": iso(a.modified),
        "author": {"@type": "Person", "name": a.author},
        "publisher": {"@type": "Organization", "name": SITE_NAMES["nextjs"], "url": site.base},
        "mainEntityOfPage": {"@type": "WebPage", "@id": site.url(a)},
        "articleSection": a.section,
        "keywords": list(a.tags),
    }


def _next_article_props(a: SampleArticle) -> dict[str, object]:
    return {
        "id": a.id,
        "slug": a.slug,
        "title": a.title,
        "standfirst": a.summary,
        "section": a.section,
        "publishedAt": utc_millis(a.published),
        "author": a.author,
        "tags": list(a.tags),
        "body": list(a.paragraphs),
    }


def _next_article_body(a: SampleArticle) -> str:
    blocks = "".join(_next_block(kind, text) for kind, text in a.body)
    return (
        '<article class="Article_article__Hn4sX"><div class="Article_header__v9JtQ">'
        f'<span class="Article_kicker__p0Wm2">{esc(a.section)}</span>'
        f'<h1 class="Headline_title__Rt5aB">{esc(a.title)}</h1>'
        f'<p class="Headline_standfirst__d3Kx8">{esc(a.summary)}</p>'
        '<div class="Byline_byline__m2VbQ"><span class="Byline_by__cL0sd">By </span>'
        f'<span class="Byline_name__Vx7Lp">{esc(a.author)}</span></div></div>'
        '<div class="ArticleBody_body__x7Qa2"><div class="ArticleBody_column__u3RtN">'
        f"{blocks}</div></div></article>"
    )


def _next_block(kind: BlockKind, text: str) -> str:
    if kind == "h2":
        return f'<h2 class="ArticleBody_subhead__T4rWs">{esc(text)}</h2>'
    return f'<div class="RichText_block__P0a1c"><p class="RichText_p__Yk3sd">{esc(text)}</p></div>'


def _next_newsletter() -> str:
    return (
        '<aside class="NewsletterPromo_promo__F9sAa"><div class="NewsletterPromo_inner__a1Bq7">'
        f'<h3 class="NewsletterPromo_title__Mx2Ld">Get {SITE_NAMES["nextjs"]} in your inbox</h3>'
        '<p class="NewsletterPromo_text__Wk7Ue">One email each morning with the EV stories '
        'that matter.</p><form class="NewsletterPromo_form__Zr5Tn"><input type="email" '
        'placeholder="you@example.com"/><button type="submit">Sign up</button></form></div></aside>'
    )


def _next_more(site: Site, a: SampleArticle) -> str:
    links = "".join(
        f'<li class="MoreFrom_item__Gh6Yc"><a class="MoreFrom_link__Pq8Rs" '
        f'href="{article_path(o)}">{esc(o.title)}</a></li>'
        for o in site.related(a, 4)
    )
    return (
        f'<section class="MoreFrom_section__h1UeC"><h2 class="MoreFrom_heading__Jq0xm">More from '
        f'{SITE_NAMES["nextjs"]}</h2><ul class="MoreFrom_list__s3NbR">{links}</ul></section>'
    )


def next_index_html(site: Site) -> str:
    cards = "".join(
        f'<div class="Card_card__Lm3Xz"><a class="Card_link__Rt9Wq" href="{article_path(a)}">'
        f'<h2 class="Card_title__Nb2Kc">{esc(a.title)}</h2></a>'
        f'<p class="Card_summary__Ae5Tg">{esc(a.summary)}</p></div>'
        for a in site.newest("nextjs")
    )
    main = (
        '<section class="Home_grid__Q4sPd"><h1 class="Home_title__Vx1Ry">Latest</h1>'
        f"{cards}</section>"
    )
    stories = [{"slug": a.slug, "title": a.title} for a in site.newest("nextjs")]
    data = _next_data("/news", {"stories": stories}, {})
    head = f'<link rel="canonical" href="{esc(site.base)}/news/"/>'
    name = SITE_NAMES["nextjs"]
    return _next_document(site, f"{name}: {NEXT_TAGLINE}", head, main, data, "utf-8")


_CMS_CSS: Final = (
    "body{margin:0;font:12px/1.8 SimSun,Arial}td{vertical-align:top}"
    ".art_title{font-size:22px;font-weight:bold;text-align:center}"
    ".ad{border:1px solid #ccc;background:#f6f6f6;text-align:center}"
)


_CMS_CHANNELS: Final = (
    ("industry", "产业 Industry"),
    ("ev", "新能源 New energy"),
    ("tech", "科技 Tech"),
    ("finance", "财经 Finance"),
)


def _cms_document(site: Site, title: str, head: str, content: str, root: str, charset: str) -> str:
    """`root` is the relative way back to /cms/ from the page ("" or "../")."""
    name = SITE_NAMES["cms"]
    return (
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
        '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n<html>\n<head>\n'
        f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">\n'
        f'<title>{esc(title)}</title>\n{head}<style type="text/css">{_CMS_CSS}</style>\n'
        '</head>\n<body>\n<table width="960" border="0" cellspacing="0" cellpadding="0" '
        'align="center" class="top">\n<tr><td class="logo" width="300">'
        f'<a href="{root}index.html">{name} 中国汽车通讯</a></td>'
        f'<td class="topad">{_cms_ad("960x90", root)}</td></tr>\n</table>\n'
        '<table width="960" border="0" cellspacing="0" cellpadding="0" align="center" '
        f'class="main">\n<tr>\n<td width="180" class="leftnav">{_cms_nav(root)}</td>\n'
        f'<td width="780" class="content">\n{content}\n</td>\n</tr>\n</table>\n'
        '<table width="960" border="0" align="center" class="footer"><tr><td align="center">'
        f"Copyright &copy; 2008-{site.year} {name}. All rights reserved. "
        "版权所有 京ICP备00000000号</td></tr></table>\n</body>\n</html>\n"
    )


def _cms_nav(root: str) -> str:
    items = "".join(
        f'<li><a href="{root}index.html?channel={key}">{label}</a></li>'
        for key, label in _CMS_CHANNELS
    )
    return (
        f'<ul class="nav"><li><a href="{root}index.html">首页 Home</a></li>{items}</ul>'
        f"{_cms_ad('180x250', root)}"
    )


def _cms_ad(size: str, root: str) -> str:
    return (
        f'<div class="ad ad_{size}">广告 Advertisement<br>'
        f'<a href="{root}index.html?ad={size}" target="_blank">Fleet leasing from 1.99% — '
        "apply today</a></div>"
    )


def cms_article_html(site: Site, a: SampleArticle) -> str:
    head = (
        f'<meta name="keywords" content="{esc(",".join(a.tags))}">\n'
        f'<meta name="description" content="{esc(a.summary)}">\n'
    )
    related = "".join(
        f'<li><a href="{o.id}.html">{esc(o.title)}</a></li>' for o in site.related(a, 5)
    )
    content = (
        f'<div class="crumbs">您的位置 You are here: <a href="../index.html">首页 Home</a> &gt; '
        f'<a href="../index.html?channel={name_slug(a.section)}">{esc(a.section)}</a> &gt; '
        '正文 Article</div>\n<table width="100%" border="0" cellspacing="0" cellpadding="0">\n'
        f'<tr><td class="art_title">{esc(a.title)}</td></tr>\n'
        f'<tr><td class="art_info" align="center">来源 Source: {SITE_NAMES["cms"]}&nbsp;&nbsp;'
        f"发布时间 Published: {beijing_minutes(a.published)}</td></tr>\n</table>\n"
        f'<div id="artibody">\n{_cms_body(a)}</div>\n'
        f'<p class="editor" align="right">责任编辑 Editor: {esc(a.author)}</p>\n'
        f"{_cms_ad('640x80', '../')}\n"
        f'<div class="related"><h3>相关新闻 Related</h3><ul>{related}</ul></div>'
    )
    title = f"{a.title}_{SITE_NAMES['cms']}"
    return _cms_document(site, title, head, content, "../", charset(a))


def _cms_body(a: SampleArticle) -> str:
    parts: list[str] = []
    for index, (kind, text) in enumerate(a.body):
        if kind == "h2":
            parts.append(f"<p><strong>{esc(text)}</strong></p>\n")
        else:
            parts.append(f"<p>{esc(text)}</p>\n")
        if index == 1:
            parts.append(_cms_ad("300x250", "../") + "\n")
    return "".join(parts)


def cms_index_html(site: Site) -> str:
    rows = "".join(
        f'<tr><td><a href="article/{a.id}.html">{esc(a.title)}</a></td>'
        f'<td width="90" class="date">{a.published.astimezone(BEIJING):%Y-%m-%d}</td></tr>\n'
        for a in site.newest("cms")
    )
    content = (
        '<div class="crumbs">您的位置 You are here: 首页 Home</div>\n'
        '<h3 class="list_title">最新新闻 Latest news</h3>\n'
        f'<table width="100%" class="list">\n{rows}</table>'
    )
    return _cms_document(site, f"{SITE_NAMES['cms']} 中国汽车通讯", "", content, "", "utf-8")
