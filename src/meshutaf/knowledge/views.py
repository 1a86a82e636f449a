"""Pages of the knowledge base: documents, insights and search. Documents are served only
through `document_download`, after the gate, never from a public media URL."""

import copy
import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meshutaf.core.access import Action, role_allows
from meshutaf.core.forms import form_submitted
from meshutaf.initiatives.permissions import initiative_get_for_user

from . import selectors, services
from .forms import DocumentForm, InsightForm
from .permissions import document_get_for_user, insight_get_for_user

INLINE_TYPES = {"pdf", "png", "jpeg", "gif", "webp"}


@login_required
def documents(request, pk: int):
    initiative, role = initiative_get_for_user(user=request.user, pk=pk)
    documents = selectors.document_list(
        initiative=initiative, include_drafts=role_allows(role, Action.MANAGE)
    )
    page = Paginator(documents, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "knowledge/documents.html",
        {
            "initiative": initiative,
            "page": page,
            "can_contribute": role_allows(role, Action.CONTRIBUTE),
            "can_manage": role_allows(role, Action.MANAGE),
        },
    )


@login_required
def document_upload(request, pk: int):
    initiative, role = initiative_get_for_user(user=request.user, pk=pk, action=Action.CONTRIBUTE)
    initial = {}
    if request.GET.get("meeting", "").isdigit() and len(request.GET["meeting"]) < 18:
        initial["meeting"] = int(request.GET["meeting"])
    form = DocumentForm(
        request.POST or None,
        request.FILES or None,
        initiative=initiative,
        include_drafts=role_allows(role, Action.MANAGE),
        initial=initial,
    )
    document = form_submitted(
        request,
        form,
        lambda data: services.document_upload(
            initiative=initiative,
            by=request.user,
            upload=data["file"],
            title=data["title"],
            description=data["description"],
            meeting=data["meeting"],
            agenda_item=data["agenda_item"],
        ),
    )
    if document:
        messages.success(request, _("The document was uploaded."))
        if document.meeting_id:
            return redirect(reverse("meetings:detail", args=[document.meeting_id]) + "#documents")
        return redirect("knowledge:documents", initiative.pk)
    return render(request, "knowledge/document_form.html", {"initiative": initiative, "form": form})


@login_required
def document_detail(request, pk: int):
    document, role = document_get_for_user(user=request.user, pk=pk)
    return render(
        request,
        "knowledge/document_detail.html",
        {
            "initiative": document.initiative,
            "document": document,
            "can_manage": role_allows(role, Action.MANAGE)
            or document.uploaded_by_id == request.user.pk,
        },
    )


@login_required
def document_download(request, pk: int):
    document = document_get_for_user(user=request.user, pk=pk).obj
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    extension = document.file_type
    filename = document.original_name or f"document.{extension}"
    content_type = mimetypes.types_map.get(f".{extension}", "application/octet-stream")
    if extension == "docx":
        content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    elif extension == "xlsx":
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = FileResponse(
        handle,
        as_attachment=extension not in INLINE_TYPES or request.GET.get("download") == "1",
        filename=filename,
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_POST
def document_delete(request, pk: int):
    document, role = document_get_for_user(user=request.user, pk=pk, action=Action.CONTRIBUTE)
    if not (role_allows(role, Action.MANAGE) or document.uploaded_by_id == request.user.pk):
        raise Http404
    services.document_delete(document=document, by=request.user)
    messages.success(request, _("The document was deleted."))
    return redirect("knowledge:documents", document.initiative_id)


@login_required
def insights(request, pk: int):
    initiative, role = initiative_get_for_user(user=request.user, pk=pk)
    tag = request.GET.get("tag", "")[:40]
    key_only = request.GET.get("key") == "1"
    can_contribute = role_allows(role, Action.CONTRIBUTE)
    form = None
    if can_contribute:
        form = InsightForm(
            request.POST or None,
            initiative=initiative,
            include_drafts=role_allows(role, Action.MANAGE),
        )
        created = form_submitted(
            request,
            form,
            lambda data: services.insight_create(initiative=initiative, by=request.user, **data),
        )
        if created:
            messages.success(request, _("The insight was saved."))
            return redirect("knowledge:insights", initiative.pk)
    elif request.method == "POST":
        raise Http404
    items = selectors.insight_list(initiative=initiative, tag=tag, key_only=key_only)
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "knowledge/insights.html",
        {
            "initiative": initiative,
            "page": page,
            "form": form,
            "tags": selectors.insight_tags(initiative=initiative),
            "tag": tag,
            "key_only": key_only,
            "can_manage": role_allows(role, Action.MANAGE),
        },
    )


@login_required
def insight_edit(request, pk: int):
    insight, role = insight_get_for_user(user=request.user, pk=pk, action=Action.CONTRIBUTE)
    initiative = insight.initiative
    if not (role_allows(role, Action.MANAGE) or insight.created_by_id == request.user.pk):
        raise Http404
    if request.method == "POST" and request.POST.get("delete"):
        services.insight_delete(insight=insight, by=request.user)
        messages.success(request, _("The insight was deleted."))
        return redirect("knowledge:insights", initiative.pk)
    form = InsightForm(
        request.POST or None,
        initiative=initiative,
        include_drafts=role_allows(role, Action.MANAGE),
        initial={
            "title": insight.title,
            "body": insight.body,
            "tags": ", ".join(insight.tags),
            "is_key": insight.is_key,
            "meeting": insight.meeting_id,
            "phase": insight.phase_id,
        },
    )
    saved = form_submitted(
        request,
        form,
        lambda data: services.insight_update(
            insight=copy.copy(insight), by=request.user, data=data
        ),
    )
    if saved:
        messages.success(request, _("The insight was saved."))
        return redirect(saved.get_absolute_url())
    return render(
        request,
        "knowledge/insight_form.html",
        {"initiative": initiative, "insight": insight, "form": form},
    )
