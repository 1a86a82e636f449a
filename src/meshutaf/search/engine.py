"""Full-text search behind one interface: SQLite FTS5 or PostgreSQL text search.

`SearchEntry.terms` holds pre-folded tokens (see `analysis.py`), so both engines only match
plain tokens: FTS5 through an external-content table kept in step by triggers, PostgreSQL
through a stored tsvector column with a GIN index (both created by migration 0002 of this app).
Permission filtering happens in the same query, through `initiatives_visible_to`: a result
the user may not see is never fetched, counted or highlighted.
"""

from dataclasses import dataclass, field

from django.db import connection, transaction

from meshutaf.core.access import Role
from meshutaf.initiatives.permissions import initiatives_visible_to

from . import analysis
from .models import SearchEntry

FTS_TABLE = "search_fts"  # also spelled out in the DDL below
MAX_RESULTS = 1000  # deeper pages are not useful; narrowing the query is


SQLITE_SETUP = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(
        terms, content='search_searchentry', content_rowid='id',
        tokenize='unicode61 remove_diacritics 0')""",
    """CREATE TRIGGER IF NOT EXISTS search_fts_ai AFTER INSERT ON search_searchentry
        BEGIN INSERT INTO search_fts(rowid, terms) VALUES (new.id, new.terms); END""",
    """CREATE TRIGGER IF NOT EXISTS search_fts_ad AFTER DELETE ON search_searchentry
        BEGIN INSERT INTO search_fts(search_fts, rowid, terms)
        VALUES ('delete', old.id, old.terms); END""",
    """CREATE TRIGGER IF NOT EXISTS search_fts_au AFTER UPDATE ON search_searchentry
        BEGIN INSERT INTO search_fts(search_fts, rowid, terms)
        VALUES ('delete', old.id, old.terms);
        INSERT INTO search_fts(rowid, terms) VALUES (new.id, new.terms); END""",
    "INSERT INTO search_fts(search_fts) VALUES ('rebuild')",
]
SQLITE_TEARDOWN = [
    "DROP TRIGGER IF EXISTS search_fts_ai",
    "DROP TRIGGER IF EXISTS search_fts_ad",
    "DROP TRIGGER IF EXISTS search_fts_au",
    "DROP TABLE IF EXISTS search_fts",
]
# 'simple' does no stemming or stop words: the tokens are already what we want to match.
POSTGRES_SETUP = [
    """ALTER TABLE search_searchentry ADD COLUMN search_vector tsvector
        GENERATED ALWAYS AS (to_tsvector('simple', terms)) STORED""",
    """CREATE INDEX search_searchentry_vector ON search_searchentry
        USING gin (search_vector)""",
]
POSTGRES_TEARDOWN = [
    "DROP INDEX IF EXISTS search_searchentry_vector",
    "ALTER TABLE search_searchentry DROP COLUMN IF EXISTS search_vector",
]


def install(schema_editor) -> None:
    statements = POSTGRES_SETUP if schema_editor.connection.vendor == "postgresql" else SQLITE_SETUP
    for statement in statements:
        schema_editor.execute(statement)


def uninstall(schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    for statement in POSTGRES_TEARDOWN if vendor == "postgresql" else SQLITE_TEARDOWN:
        schema_editor.execute(statement)


@dataclass
class Hit:
    entry: SearchEntry
    title_html: str
    snippet_html: str


@dataclass
class Results:
    query: str
    hits: list[Hit] = field(default_factory=list)
    total: int = 0  # counted up to MAX_RESULTS + 1 only: more than that reads "1,000+"
    offset: int = 0
    limit: int = 20

    @property
    def has_next(self) -> bool:
        return self.offset + self.limit < min(self.total, MAX_RESULTS)

    @property
    def total_is_capped(self) -> bool:
        return self.total > MAX_RESULTS

    @property
    def has_previous(self) -> bool:
        return self.offset > 0


def _scope(*, user, initiative_id: int | None) -> tuple[list[int], list[int]]:
    """(initiatives the user sees, those where they are facilitator)."""
    visible = initiatives_visible_to(user=user)
    if initiative_id is not None:
        visible = visible.filter(pk=initiative_id)
    rows = list(visible.values_list("pk", "viewer_role"))
    return [pk for pk, _ in rows], [pk for pk, role in rows if role == Role.FACILITATOR]


def _permission_sql(visible: list[int], facilitated: list[int]) -> tuple[str, list]:
    visible_marks = ",".join(["%s"] * len(visible))
    sql = f"e.initiative_id IN ({visible_marks})"
    params: list = list(visible)
    if facilitated:
        facilitated_marks = ",".join(["%s"] * len(facilitated))
        sql += f" AND (NOT e.facilitators_only OR e.initiative_id IN ({facilitated_marks}))"
        params += facilitated
    else:
        sql += " AND NOT e.facilitators_only"
    return sql, params


def _kind_sql(kinds: list[str]) -> tuple[str, list]:
    if not kinds:
        return "", []
    return f" AND e.kind IN ({','.join(['%s'] * len(kinds))})", list(kinds)


def _sqlite_match(groups: list[list[str]]) -> str:
    def quoted(token: str) -> str:
        return '"' + token.replace('"', '""') + '"'

    return " AND ".join("(" + " OR ".join(quoted(t) for t in group) + ")" for group in groups)


def _capped(base: str) -> str:
    """FROM the first MAX_RESULTS + 1 matches (takes the limit as its last parameter)."""
    return f"FROM (SELECT 1 {base} LIMIT %s) AS capped"


def _ids_sqlite(groups, where, params, *, offset, limit) -> tuple[list[int], int]:
    match = _sqlite_match(groups)
    base = (
        f"FROM {FTS_TABLE} f JOIN search_searchentry e ON e.id = f.rowid "
        f"WHERE {FTS_TABLE} MATCH %s AND {where}"
    )
    with connection.cursor() as cursor:
        # Counting stops past MAX_RESULTS: a common word would otherwise visit every match.
        cursor.execute(f"SELECT count(*) {_capped(base)}", [match, *params, MAX_RESULTS + 1])
        total = cursor.fetchone()[0]
        if not total:
            return [], 0
        # Past MAX_RESULTS matches, newest first: FTS5 walks its rowids backwards and stops at
        # the page, instead of scoring every match with bm25().
        order = "f.rowid DESC" if total > MAX_RESULTS else f"bm25({FTS_TABLE}), e.date DESC"
        cursor.execute(
            f"SELECT e.id {base} ORDER BY {order} LIMIT %s OFFSET %s",
            [match, *params, limit, offset],
        )
        return [row[0] for row in cursor.fetchall()], total


def _ids_postgres(groups, where, params, *, offset, limit) -> tuple[list[int], int]:
    # Each form goes through the same parser as the indexed terms ('simple' configuration).
    query_sql = " && ".join(
        "(" + " || ".join(["plainto_tsquery('simple', %s)"] * len(group)) + ")" for group in groups
    )
    query_params = [token for group in groups for token in group]
    base = (
        f"FROM search_searchentry e, (SELECT {query_sql}) AS q(query) "
        f"WHERE e.search_vector @@ q.query AND {where}"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        # The planner costs `@@` as cheap, but each row's tsvector is a few kB in TOAST: a
        # sequential scan (which it picks for common words, or under a LIMIT) decompresses
        # every one of them. Only the GIN index is a sensible way in.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            f"SELECT count(*) {_capped(base)}", [*query_params, *params, MAX_RESULTS + 1]
        )
        total = cursor.fetchone()[0]
        if not total:
            return [], 0
        # ts_rank reads each match's whole tsvector: fine for up to MAX_RESULTS matches; past
        # that, newest first (a backwards walk of the primary key that stops at the page).
        if total > MAX_RESULTS:
            order = "e.id DESC"
        else:
            order = "ts_rank(e.search_vector, q.query) DESC, e.date DESC NULLS LAST"
        cursor.execute(
            f"SELECT e.id {base} ORDER BY {order} LIMIT %s OFFSET %s",
            [*query_params, *params, limit, offset],
        )
        return [row[0] for row in cursor.fetchall()], total


def search(
    *,
    user,
    query: str,
    initiative_id: int | None = None,
    kinds: list[str] | None = None,
    offset: int = 0,
    limit: int = 20,
) -> Results:
    """The entries matching `query` that `user` may see, best first (newest first when more
    than `MAX_RESULTS` match), with highlighted titles and snippets. At most `MAX_RESULTS`
    can be paged through."""
    results = Results(query=query, offset=max(0, offset), limit=limit)
    groups = analysis.query_groups(query)
    if not groups or results.offset >= MAX_RESULTS:
        return results
    visible, facilitated = _scope(user=user, initiative_id=initiative_id)
    if not visible:
        return results
    where, params = _permission_sql(visible, facilitated)
    kind_where, kind_params = _kind_sql(kinds or [])
    where += kind_where
    params += kind_params
    finder = _ids_postgres if connection.vendor == "postgresql" else _ids_sqlite
    ids, results.total = finder(groups, where, params, offset=results.offset, limit=limit)
    entries = SearchEntry.objects.defer("terms").in_bulk(ids)
    for pk in ids:
        entry = entries[pk]
        title = analysis.highlight(entry.title, groups, width=40)
        body = analysis.highlight(entry.body, groups)
        results.hits.append(Hit(entry=entry, title_html=title.html, snippet_html=body.html))
    return results
