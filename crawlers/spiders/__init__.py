"""Spiders: `feeds` (RSS/Atom → article pages) and `sitemaps` (news sitemaps → article pages)."""
