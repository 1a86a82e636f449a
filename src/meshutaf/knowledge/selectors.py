"""Reads for the knowledge base."""

from django.db.models import QuerySet

from meshutaf.meetings.models import MeetingStatus

from .models import Document, Insight


def documents_for_meeting(*, meeting) -> list[Document]:
    return list(
        Document.objects.filter(meeting=meeting)
        .defer("text")
        .select_related("agenda_item")
        .order_by("agenda_item__position", "title", "pk")
    )


def document_list(*, initiative, include_drafts: bool) -> QuerySet[Document]:
    documents = Document.objects.filter(initiative=initiative).defer("text")
    if not include_drafts:
        documents = documents.exclude(meeting__status=MeetingStatus.DRAFT)
    return documents.select_related("meeting", "uploaded_by").order_by("-created_at", "pk")


def insight_list(*, initiative, tag: str = "", key_only: bool = False) -> QuerySet[Insight]:
    insights = Insight.objects.filter(initiative=initiative).select_related(
        "meeting", "phase", "created_by"
    )
    if key_only:
        insights = insights.filter(is_key=True)
    if tag:
        # JSON containment is not portable to SQLite; tags are few, so filter in Python
        # only when asked, on an already-small set.
        ids = [
            pk
            for pk, tags in Insight.objects.filter(initiative=initiative).values_list("pk", "tags")
            if tag in (tags or [])
        ]
        insights = insights.filter(pk__in=ids)
    return insights.order_by("-created_at", "pk")


def insight_tags(*, initiative) -> list[str]:
    tags: dict[str, int] = {}
    for row in Insight.objects.filter(initiative=initiative).values_list("tags", flat=True):
        for tag in row or []:
            tags[tag] = tags.get(tag, 0) + 1
    return sorted(tags, key=lambda tag: (-tags[tag], tag))
