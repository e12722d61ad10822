from __future__ import annotations

from pathlib import Path

from warehouse import connect


def _doc(conn, doc_id: str, kind: str, engagement: str | None, published: str | None) -> None:  # type: ignore[no-untyped-def]
    conn.execute(
        "INSERT INTO documents (doc_id, canonical_url, url, title, text, kind, source, "
        "published_at, first_seen_at, engagement, content_hash, word_count, crawl_run_id) "
        "VALUES (?, ?, ?, 't', 'x', ?, 'social', ?::TIMESTAMPTZ, "
        "'2025-06-02 23:30:00+00'::TIMESTAMPTZ, ?::JSON, ?, 1, 'run1')",
        [doc_id, f"https://s.example/{doc_id}", f"https://s.example/{doc_id}", kind, published,
         engagement, doc_id],
    )  # fmt: skip


def test_engagement_sums_the_counts_a_platform_gave(tmp_path: Path) -> None:
    conn = connect(tmp_path / "w.duckdb")
    _doc(conn, "p1", "post", '{"score": 40, "comments": 12}', "2025-06-01 10:00:00+00")
    _doc(conn, "p2", "comment", '{"likes": 3, "reposts": "n/a", "quotes": 9}', None)
    _doc(conn, "p3", "post", None, "2025-06-01 23:59:00-02")
    _doc(conn, "a1", "article", '{"score": 99}', "2025-06-01 10:00:00+00")
    rows = conn.execute(
        "SELECT doc_id, score, comments, reposts, likes, engagement, day FROM social_posts "
        "ORDER BY doc_id"
    ).fetchall()
    assert [r[0] for r in rows] == ["p1", "p2", "p3"]  # articles are not social posts
    p1, p2, p3 = rows
    assert p1[1:6] == (40, 12, None, None, 52)
    assert p2[1:6] == (None, None, None, 3, 3)  # an unreadable count counts as 0, quotes not at all
    assert p3[5] == 0
    assert str(p2[6]) == "2025-06-02"  # no publication time: the first-seen day
    assert str(p3[6]) == "2025-06-02"  # the UTC day
