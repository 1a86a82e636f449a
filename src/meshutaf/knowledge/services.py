"""Writes for the knowledge base: documents (checked by content, text extracted in the
background) and insights. Every write keeps the search index in step."""

import logging
import os

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from meshutaf.accounts.models import User
from meshutaf.core.services import model_delete, model_save, model_update
from meshutaf.core.uploads import UploadRefusedError
from meshutaf.initiatives.models import Initiative
from meshutaf.initiatives.services import require_same_initiative

from . import files, indexing
from .models import Document, Extraction, Insight

logger = logging.getLogger(__name__)

DOCUMENT_FIELDS = ("title", "description", "meeting", "agenda_item")
INSIGHT_FIELDS = ("title", "body", "tags", "is_key", "meeting", "phase")
MAX_TAGS = 12


def _check_agenda_item(meeting, agenda_item) -> None:
    if agenda_item is not None and (meeting is None or agenda_item.meeting_id != meeting.pk):
        raise ValidationError({"agenda_item": _("Choose an item of this meeting's agenda.")})


@transaction.atomic
def document_upload(
    *, initiative: Initiative, by: User, upload, title: str = "", **fields
) -> Document:
    """Store an upload after checking its size and what its bytes say it is."""
    limit = settings.MESHUTAF_MAX_UPLOAD_MB * 1024 * 1024
    if upload.size > limit:
        raise ValidationError(
            {
                "file": _("The file is larger than %(limit)s MB.")
                % {"limit": settings.MESHUTAF_MAX_UPLOAD_MB}
            }
        )
    if upload.size == 0:
        raise ValidationError({"file": _("The file is empty.")})
    try:
        file_type = files.sniff(files.read_head(upload), upload)
        if file_type is not None:
            files.check_upload(upload, file_type)
    except UploadRefusedError as error:
        raise ValidationError({"file": str(error)}) from None
    if file_type is None:
        raise ValidationError(
            {
                "file": _(
                    "Upload a PDF, Word (DOCX), Excel (XLSX) or image (PNG, JPEG, GIF, WebP) file."
                )
            }
        )
    require_same_initiative(initiative, fields.get("meeting"))
    _check_agenda_item(fields.get("meeting"), fields.get("agenda_item"))
    original = os.path.basename(upload.name or "")[:255]
    document = Document(
        initiative=initiative,
        title=(title or "").strip() or os.path.splitext(original)[0] or _("Document"),
        original_name=original,
        file_type=file_type,
        size=upload.size,
        uploaded_by=by,
        extraction=Extraction.PENDING if file_type in ("pdf", "docx", "xlsx") else Extraction.NONE,
        **{name: value for name, value in fields.items() if name in DOCUMENT_FIELDS},
    )
    document.file.save(original or "upload", upload, save=False)
    # If saving the row fails, do not leave the stored file behind.
    stored_name = document.file.name
    try:
        model_save(document, by=by)
    except Exception:
        document.file.storage.delete(stored_name)
        raise
    indexing.index_document(document)
    if document.extraction == Extraction.PENDING:
        transaction.on_commit(lambda: _enqueue_extraction(document.pk))
    return document


def _enqueue_extraction(document_id: int) -> None:
    from .tasks import extract_document_text

    extract_document_text.enqueue(document_id)


def document_extract_text(*, document_id: int) -> Document | None:
    """Read a document's text and index it. Runs in the worker; safe to run twice."""
    document = Document.objects.filter(pk=document_id).first()
    if document is None:
        return None
    try:
        with document.file.open("rb") as handle:
            text = files.extract_text(handle, document.file_type)
        status = Extraction.DONE if text.strip() else Extraction.NONE
    except (ValueError, OSError) as error:
        logger.warning("could not read document %s: %s", document_id, error)
        text, status = "", Extraction.FAILED
    with transaction.atomic():
        document = Document.objects.select_for_update().filter(pk=document_id).first()
        if document is None:
            return None
        document.text = text.replace("\x00", "")
        document.extraction = status
        document.save(update_fields=["text", "extraction", "updated_at"])
        indexing.index_document(document)
    return document


def document_extraction_abandon(*, document_id: int) -> None:
    """A document whose reading job was given up (its workers kept dying on it: a file that
    exhausts memory, say) is marked unreadable, not left "being read" for ever."""
    Document.objects.filter(pk=document_id, extraction=Extraction.PENDING).update(
        extraction=Extraction.FAILED
    )


@transaction.atomic
def document_delete(*, document: Document, by: User) -> None:
    name, storage = document.file.name, document.file.storage
    indexing.unindex_document(document)
    model_delete(document, by=by)
    transaction.on_commit(lambda: storage.delete(name))


def clean_tags(tags) -> list[str]:
    if isinstance(tags, str):
        tags = tags.replace("،", ",").split(",")
    cleaned = []
    for tag in tags or []:
        tag = " ".join(str(tag).lstrip("#").split())[:40]
        if tag and tag not in cleaned:
            cleaned.append(tag)
    if len(cleaned) > MAX_TAGS:
        raise ValidationError({"tags": _("At most %(count)s tags.") % {"count": MAX_TAGS}})
    return cleaned


@transaction.atomic
def insight_create(*, initiative: Initiative, by: User, **fields) -> Insight:
    unknown = set(fields) - set(INSIGHT_FIELDS)
    if unknown:
        raise TypeError(f"unknown insight fields: {sorted(unknown)}")
    fields["tags"] = clean_tags(fields.get("tags", []))
    require_same_initiative(initiative, fields.get("meeting"), fields.get("phase"))
    insight = model_save(Insight(initiative=initiative, created_by=by, **fields), by=by)
    indexing.index_insight(insight)
    return insight


@transaction.atomic
def insight_update(*, insight: Insight, by: User, data: dict) -> Insight:
    data = dict(data)
    if "tags" in data:
        data["tags"] = clean_tags(data["tags"])
    require_same_initiative(insight.initiative, data.get("meeting"), data.get("phase"))
    insight, changed = model_update(instance=insight, fields=INSIGHT_FIELDS, data=data, by=by)
    if changed:
        indexing.index_insight(insight)
    return insight


@transaction.atomic
def insight_delete(*, insight: Insight, by: User) -> None:
    indexing.unindex_insight(insight)
    model_delete(insight, by=by)
