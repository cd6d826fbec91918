"""Blog article listing filtered by the tags a reader selects."""


def build_tag_filter(tags):
    """Return ``(sql, params)`` selecting published articles with any of ``tags``.

    ``tags`` are the tag names a reader ticked in the blog sidebar, sent as
    repeated ``?tag=`` query parameters. The returned SQL and parameters are
    passed to ``cursor.execute()`` by ``articles_with_tags()``.
    """
    wanted = [tag.strip() for tag in tags if tag.strip()]
    placeholders = ", ".join("?" for _ in wanted)
    sql = (
        "SELECT DISTINCT a.id, a.title, a.published_at FROM articles a "
        "JOIN article_tags t ON t.article_id = a.id "
        "WHERE a.published = 1 AND t.tag IN (" + placeholders + ") "
        "ORDER BY a.published_at DESC"
    )
    return sql, tuple(wanted)


def articles_with_tags(conn, tags):
    """Run the tag filter on an open sqlite3 connection and return the rows."""
    if not any(tag.strip() for tag in tags):
        return []
    sql, params = build_tag_filter(tags)
    return conn.execute(sql, params).fetchall()
