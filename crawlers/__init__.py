"""Scrapy project: spiders that collect news into landing files (JSON Lines + WARC).

Imports neither `warehouse` nor `enrich`.
The landing JSON Lines schema is `crawlers.items.ArticleItem`.
"""
