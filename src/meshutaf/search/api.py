"""The search endpoint: the same permission-filtered search as the page."""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Router, Schema

from meshutaf.core.schemas import ErrorOut, Id
from meshutaf.initiatives.permissions import initiative_get_for_user

from . import engine, registry

router = Router(tags=["search"])


class HitOut(Schema):
    kind: str
    object_id: int
    initiative_id: int
    title: str
    url: str
    date: datetime.datetime | None
    title_html: str
    snippet_html: str


class SearchOut(Schema):
    query: str
    total: int
    offset: int
    limit: int
    results: list[HitOut]


@router.get(
    "/search",
    response={200: SearchOut, 404: ErrorOut},  # 404: an initiative the caller is not in
    summary="Search meetings, minutes and knowledge",
)
def search_endpoint(
    request, q: str, initiative: Id | None = None, kind: str = "", offset: int = 0, limit: int = 20
):
    if kind and kind not in dict(registry.kinds()):
        raise ValidationError({"kind": [_("Choose a valid kind.")]})
    if not 0 <= offset <= engine.MAX_RESULTS or not 1 <= limit <= 100:
        raise ValidationError({"offset": [_("Offset 0–1000 and limit 1–100.")]})
    if len(q) > 200:
        raise ValidationError({"q": [_("The query is too long.")]})
    if initiative is not None:
        initiative_get_for_user(user=request.user, pk=initiative)
    results = engine.search(
        user=request.user,
        query=q,
        initiative_id=initiative,
        kinds=[kind] if kind else None,
        offset=offset,
        limit=limit,
    )
    return {
        "query": q,
        "total": results.total,
        "offset": results.offset,
        "limit": results.limit,
        "results": [
            {
                "kind": hit.entry.kind,
                "object_id": hit.entry.object_id,
                "initiative_id": hit.entry.initiative_id,
                "title": hit.entry.title,
                "url": hit.entry.url,
                "date": hit.entry.date,
                "title_html": hit.title_html,
                "snippet_html": hit.snippet_html,
            }
            for hit in results.hits
        ],
    }
