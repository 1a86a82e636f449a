"""Canvas templates: the list, and making, editing and deleting a template."""

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meshutaf.core.access import Action, role_allows
from meshutaf.core.forms import form_submitted
from meshutaf.initiatives.permissions import initiative_get_for_user

from .. import selectors, services
from ..forms import (
    TemplateForm,
)
from ..models import CanvasTemplate
from ..permissions import canvas_template_get_for_user

# --- Canvas templates -----------------------------------------------------------------------


@login_required
def template_list(request, pk: int):
    initiative, role = initiative_get_for_user(user=request.user, pk=pk)
    return render(
        request,
        "workshops/template_list.html",
        {
            "initiative": initiative,
            "templates": selectors.templates_for(initiative=initiative),
            "can_manage": role_allows(role, Action.MANAGE),
        },
    )


@login_required
def template_create(request, pk: int):
    initiative = initiative_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    initial = {"schema": TemplateForm.schema_text({"sections": [{"title": "", "kind": "list"}]})}
    source_id = request.GET.get("from", "")
    if source_id.isdigit() and len(source_id) < 18:
        source = CanvasTemplate.objects.filter(pk=int(source_id)).first()
        if source is not None:
            source = canvas_template_get_for_user(user=request.user, pk=source.pk).obj
            sections = [
                {
                    "key": section.key,
                    "title": section.title,
                    "help": section.help,
                    "kind": section.kind,
                    "rows": [{"key": r.key, "label": r.label} for r in section.rows],
                    "columns": [{"key": c.key, "label": c.label} for c in section.columns],
                }
                for section in source.sections()
            ]
            initial = {
                "title": _("Copy of %(title)s") % {"title": source.display_title},
                "description": source.display_description,
                "schema": TemplateForm.schema_text({"sections": sections}),
            }
    form = TemplateForm(request.POST or None, initial=initial)
    template = form_submitted(
        request,
        form,
        lambda data: services.canvas_template_create(
            initiative=initiative,
            by=request.user,
            title=data["title"],
            description=data["description"],
            schema=data["schema"],
        ),
    )
    if template:
        messages.success(request, _("The template was saved."))
        return redirect("workshops:templates", initiative.pk)
    return render(
        request,
        "workshops/template_form.html",
        {"initiative": initiative, "form": form, "template": None},
    )


@login_required
def template_edit(request, pk: int):
    template = canvas_template_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    initial = {
        "title": template.title,
        "description": template.description,
        "schema": TemplateForm.schema_text(template.schema),
    }
    form = TemplateForm(request.POST or None, initial=initial)
    updated = form_submitted(
        request,
        form,
        lambda data: services.canvas_template_update(
            template=copy.copy(template), by=request.user, data=data
        ),
    )
    if updated:
        messages.success(
            request, _("The template was saved. Sessions already created keep their canvas.")
        )
        return redirect("workshops:templates", template.initiative_id)
    return render(
        request,
        "workshops/template_form.html",
        {"initiative": template.initiative, "form": form, "template": template},
    )


@login_required
@require_POST
def template_delete(request, pk: int):
    template = canvas_template_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    services.canvas_template_delete(template=template, by=request.user)
    messages.success(request, _("The template was deleted. Sessions made from it are kept."))
    return redirect("workshops:templates", template.initiative_id)
