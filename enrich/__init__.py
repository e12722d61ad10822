"""Enrichment: pure functions, text in, annotations out. Imports neither `crawlers` nor `warehouse`.

Today: watchlist entity linking by alias (`enrich.linker`). Sentiment, NER and events arrive with
their models; until then their fields stay empty, never filled with placeholder values.
"""
