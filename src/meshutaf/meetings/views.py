"""Pages for meetings. Every view goes through a gate in `permissions.py` (or the initiative
gate) before it reads or writes anything; the RSVP link and calendar feeds, which work
without a login, are checked by their signed or secret token instead."""

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from meshutaf.core.access import Action, role_allows
from meshutaf.core.forms import apply_service_errors, form_submitted
from meshutaf.initiatives.models import Membership
from meshutaf.initiatives.permissions import initiative_get_for_user

from . import calendar, selectors, services
from .forms import (
    ActionFilterForm,
    ActionStatusForm,
    AgendaItemForm,
    AttendanceForm,
    InviteForm,
    MeetingForm,
    OutcomeForm,
    RSVPForm,
    SeriesForm,
)
from .models import (
    MeetingInvitee,
    MeetingSeries,
    MeetingStatus,
)
from .permissions import (
    agenda_item_get_for_user,
    meeting_get_for_user,
    outcome_get_for_user,
    series_get_for_user,
)
from .tokens import rsvp_token_read

PAGE_SIZE = 30


# --- Lists ---------------------------------------------------------------------------------


@login_required
def meeting_list(request, pk: int):
    initiative, role = initiative_get_for_user(user=request.user, pk=pk)
    manage = role_allows(role, Action.MANAGE)
    when = request.GET.get("when") if request.GET.get("when") in ("upcoming", "past") else ""
    meetings = selectors.meeting_list(initiative=initiative, include_drafts=manage, when=when)
    page = Paginator(meetings, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "meetings/meeting_list.html",
        {
            "initiative": initiative,
            "page": page,
            "when": when,
            "can_manage": manage,
            "series_list": initiative.meeting_series.all(),
            "balance": selectors.sector_balance_over_time(initiative=initiative)[-12:],
        },
    )


@login_required
def meeting_create(request, pk: int):
    initiative = initiative_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    initial = {}
    series_id = request.GET.get("series", "")
    if series_id.isdigit() and len(series_id) < 18:
        series = MeetingSeries.objects.filter(initiative=initiative, pk=series_id).first()
        if series is not None:
            initial = _series_initial(series)
    form = MeetingForm(request.POST or None, initiative=initiative, initial=initial)
    meeting = form_submitted(
        request,
        form,
        lambda data: services.meeting_create(
            initiative=initiative, by=request.user, **form.service_fields()
        ),
    )
    if meeting:
        messages.success(request, _("The meeting was created."))
        return redirect(meeting)
    return render(
        request,
        "meetings/meeting_form.html",
        {"initiative": initiative, "form": form, "meeting": None},
    )


def _series_initial(series: MeetingSeries) -> dict:
    initial = {
        "series": series.pk,
        "title": series.title,
        "kind": series.kind,
        "venue": series.venue,
        "online_url": series.online_url,
        "group": series.group_id,
    }
    start = services.series_next_start(series=series)
    if start is not None:
        end = start + timezone.timedelta(minutes=series.duration_minutes)
        initial.update(
            date=start.date(),
            start_time=start.time(),
            end_time=end.time(),
            time_zone=str(start.tzinfo),
        )
    return initial


@login_required
def meeting_edit(request, pk: int):
    meeting = meeting_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    form = MeetingForm(
        request.POST or None,
        initiative=meeting.initiative,
        initial=MeetingForm.initial_for(meeting),
    )
    updated = form_submitted(
        request,
        form,
        lambda data: services.meeting_update(
            meeting=copy.copy(meeting), by=request.user, data=form.service_fields()
        ),
    )
    if updated:
        messages.success(request, _("The meeting was saved."))
        return redirect(updated)
    return render(
        request,
        "meetings/meeting_form.html",
        {"initiative": meeting.initiative, "form": form, "meeting": meeting},
    )


@login_required
@require_POST
def meeting_status(request, pk: int):
    meeting = meeting_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    try:
        services.meeting_set_status(
            meeting=meeting, by=request.user, status=request.POST.get("status", "")
        )
        messages.success(
            request, _("Status changed to “%(status)s”.") % {"status": meeting.get_status_display()}
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(meeting)


@login_required
@require_POST
def meeting_delete(request, pk: int):
    meeting = meeting_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    try:
        services.meeting_delete(meeting=meeting, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(meeting)
    messages.success(request, _("The meeting was deleted."))
    return redirect("meetings:list", meeting.initiative_id)


# The meeting page's tabs, one job at a time: `?tab=` names one (see `meeting_tab`).
TABS = ("overview", "invitations", "attendance", "minutes")


def meeting_tabs() -> list[tuple[str, str]]:
    return [
        ("overview", _("Overview and agenda")),
        ("invitations", _("Invitations and answers")),
        ("attendance", _("Attendance and turns")),
        ("minutes", _("Minutes and outcomes")),
    ]


def meeting_tab(meeting, asked: str | None) -> str:
    """The tab asked for, else the sensible one: the minutes once the meeting is over (or
    held), the overview before it."""
    if asked in TABS:
        return str(asked)
    return "minutes" if meeting.is_past or meeting.status == MeetingStatus.HELD else "overview"


def detail_url(meeting_pk: int, tab: str, anchor: str = "") -> str:
    url = reverse("meetings:detail", args=[meeting_pk])
    if tab in TABS:
        url += f"?tab={tab}"
    return url + (f"#{anchor}" if anchor else "")


@login_required
def meeting_detail(request, pk: int):
    meeting, role = meeting_get_for_user(user=request.user, pk=pk)
    tab = meeting_tab(meeting, request.GET.get("tab"))
    page = selectors.meeting_page(meeting=meeting, user=request.user)
    manage = role_allows(role, Action.MANAGE)
    context = {
        "initiative": meeting.initiative,
        "meeting": meeting,
        "page": page,
        "tab": tab,
        "tabs": meeting_tabs(),
        "can_manage": manage,
        "can_contribute": role_allows(role, Action.CONTRIBUTE),
        "statuses": MeetingStatus.choices,
        "rsvp_form": RSVPForm(initial={"rsvp": getattr(page.my_invitation, "rsvp", None)}),
    }
    if manage and tab == "minutes":
        context["outcome_form"] = OutcomeForm(meeting=meeting)
    return render(request, "meetings/meeting_detail.html", context)


@login_required
def meeting_print(request, pk: int):
    """The meeting as a sheet to print or save as PDF, with no editing forms: the agenda
    before the meeting and the minutes after it (?part= asks for either)."""
    meeting = meeting_get_for_user(user=request.user, pk=pk).obj
    sheet = selectors.meeting_print_sheet(
        meeting=meeting, user=request.user, part=request.GET.get("part")
    )
    context = {
        "initiative": meeting.initiative,
        "meeting": meeting,
        "page": sheet.page,
        "part": sheet.part,
        "planned": sheet.planned,
        "actions": sheet.actions,
        "loose_notes": sheet.loose_notes,
    }
    return render(request, "meetings/meeting_print.html", context)


@login_required
def meeting_ics(request, pk: int):
    meeting = meeting_get_for_user(user=request.user, pk=pk).obj
    response = HttpResponse(
        calendar.calendar_bytes([meeting], name=meeting.title), content_type="text/calendar"
    )
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    return response


# --- Series ---------------------------------------------------------------------------------


@login_required
def series_create(request, pk: int):
    initiative = initiative_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    form = SeriesForm(request.POST or None, initiative=initiative)
    series = form_submitted(
        request,
        form,
        lambda data: services.series_create(initiative=initiative, by=request.user, **data),
    )
    if series:
        messages.success(request, _("The series was created. Schedule its first meeting."))
        return redirect(reverse("meetings:create", args=[initiative.pk]) + f"?series={series.pk}")
    return render(
        request,
        "meetings/series_form.html",
        {"initiative": initiative, "form": form, "series": None},
    )


@login_required
def series_edit(request, pk: int):
    series = series_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    initial = {
        "title": series.title,
        "kind": series.kind,
        "recurrence": series.recurrence,
        "duration_minutes": series.duration_minutes,
        "group": series.group_id,
        "venue": series.venue,
        "online_url": series.online_url,
        "agenda_template": SeriesForm.agenda_text(series.agenda_template),
    }
    form = SeriesForm(request.POST or None, initiative=series.initiative, initial=initial)
    updated = form_submitted(
        request,
        form,
        lambda data: services.series_update(series=copy.copy(series), by=request.user, data=data),
    )
    if updated:
        messages.success(request, _("The series was saved."))
        return redirect("meetings:series", updated.pk)
    return render(
        request,
        "meetings/series_form.html",
        {"initiative": series.initiative, "form": form, "series": series},
    )


@login_required
def series_detail(request, pk: int):
    series, role = series_get_for_user(user=request.user, pk=pk)
    manage = role_allows(role, Action.MANAGE)
    meetings = series.meetings.all()
    if not manage:
        meetings = meetings.exclude(status=MeetingStatus.DRAFT)
    return render(
        request,
        "meetings/series_detail.html",
        {
            "initiative": series.initiative,
            "series": series,
            "meetings": meetings.order_by("-starts_at"),
            "can_manage": manage,
            "next_start": services.series_next_start(series=series),
        },
    )


# --- Agenda and minutes ---------------------------------------------------------------------


@login_required
@require_POST
def agenda_add(request, pk: int):
    meeting = meeting_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    form = AgendaItemForm(request.POST, meeting=meeting)
    if form.is_valid():
        try:
            services.agenda_item_add(meeting=meeting, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, _("The agenda item needs a title."))
    return redirect(detail_url(meeting.pk, "overview", "agenda"))


@login_required
def agenda_edit(request, pk: int):
    item = agenda_item_get_for_user(user=request.user, pk=pk).obj
    meeting = item.meeting
    form = AgendaItemForm(request.POST or None, instance=copy.copy(item), meeting=meeting)
    if request.method == "POST":
        # The ModelForm only parses here; the service validates and saves.
        form.instance = copy.copy(item)
        if form.is_valid():
            try:
                services.agenda_item_update(item=item, by=request.user, data=form.cleaned_data)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("The agenda item was saved."))
                # Back to the tab it was opened from; to the minutes once it has some.
                tab = "minutes" if item.minutes else request.GET.get("tab", "")
                return redirect(detail_url(meeting.pk, tab, f"item-{item.pk}"))
    return render(
        request,
        "meetings/agenda_form.html",
        {"initiative": meeting.initiative, "meeting": meeting, "item": item, "form": form},
    )


@login_required
@require_POST
def agenda_move(request, pk: int):
    item = agenda_item_get_for_user(user=request.user, pk=pk).obj
    services.agenda_item_move(
        item=item, by=request.user, offset=-1 if request.POST.get("direction") == "up" else 1
    )
    return redirect(detail_url(item.meeting_id, "overview", f"item-{item.pk}"))


@login_required
@require_POST
def agenda_delete(request, pk: int):
    item = agenda_item_get_for_user(user=request.user, pk=pk).obj
    services.agenda_item_delete(item=item, by=request.user)
    messages.success(request, _("The agenda item was removed."))
    return redirect(detail_url(item.meeting_id, "overview", "agenda"))


@login_required
def minutes_edit(request, pk: int):
    """The general minutes of the meeting (each agenda item has its own too)."""
    meeting = meeting_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    if request.method == "POST":
        services.meeting_update(
            meeting=meeting, by=request.user, data={"summary": request.POST.get("summary", "")}
        )
        messages.success(request, _("The minutes were saved."))
        return redirect(detail_url(meeting.pk, "minutes", "minutes"))
    return render(
        request,
        "meetings/minutes_form.html",
        {"initiative": meeting.initiative, "meeting": meeting},
    )


# --- Invitations and RSVP -------------------------------------------------------------------


@login_required
def invite(request, pk: int):
    meeting = meeting_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    members = (
        Membership.objects.filter(initiative=meeting.initiative_id, user__is_active=True)
        .select_related("user")
        .order_by("user__first_name", "user__username")
    )
    form = InviteForm(request.POST or None, initiative=meeting.initiative, members=members)
    created = form_submitted(
        request,
        form,
        lambda data: services.invitees_add(
            meeting=meeting,
            by=request.user,
            users=data["user_objects"],
            groups=data.get("groups") or [],
            whole_initiative=data.get("everyone", False),
            emails=data.get("emails") or [],
        ),
    )
    if created is not None:
        if meeting.status == MeetingStatus.DRAFT:
            note = _("Invitations are sent when the meeting is scheduled.")
        else:
            note = _("Invitations are on their way by e-mail.")
        messages.success(
            request,
            _("%(count)s invited.") % {"count": len(created)} + " " + (note if created else ""),
        )
        return redirect(detail_url(meeting.pk, "invitations", "invitees"))
    return render(
        request,
        "meetings/invite.html",
        {"initiative": meeting.initiative, "meeting": meeting, "form": form},
    )


@login_required
@require_POST
def invitee_remove(request, pk: int):
    invitee = get_object_or_404(MeetingInvitee.objects.only("pk", "meeting_id"), pk=pk)
    meeting = meeting_get_for_user(
        user=request.user, pk=invitee.meeting_id, action=Action.MANAGE
    ).obj
    services.invitee_remove(invitee=invitee, by=request.user)
    return redirect(detail_url(meeting.pk, "invitations", "invitees"))


@login_required
@require_POST
def send_invitations(request, pk: int):
    """(Re)send invitations to invitees not yet e-mailed, e.g. after a draft is scheduled."""
    meeting = meeting_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    try:
        count = services.invitations_send(meeting=meeting, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            ngettext(
                "%(count)s invitation is on its way.",
                "%(count)s invitations are on their way.",
                count,
            )
            % {"count": count},
        )
    return redirect(detail_url(meeting.pk, "invitations", "invitees"))


@login_required
@require_POST
def my_rsvp(request, pk: int):
    meeting = meeting_get_for_user(user=request.user, pk=pk).obj
    invitee = meeting.invitees.filter(user=request.user).first()
    if invitee is None:
        raise Http404
    form = RSVPForm(request.POST)
    if form.is_valid():
        try:
            services.invitee_respond(invitee=invitee, rsvp=form.cleaned_data["rsvp"])
            messages.success(request, _("Thank you; your answer was saved."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    return redirect(meeting)


@never_cache
def rsvp(request, token: str):
    """Answer an invitation from the e-mail link, without logging in. The token is signed and
    bound to one invitee and nonce; the page shows only what that invitee needs."""
    read = rsvp_token_read(token)
    invitee = None
    if read is not None:
        invitee = (
            MeetingInvitee.objects.select_related("meeting__initiative")
            .filter(pk=read[0], token_nonce=read[1])
            .first()
        )
    if invitee is None:
        return render(request, "meetings/rsvp_invalid.html", status=404)
    form = RSVPForm(request.POST or None, initial={"rsvp": invitee.rsvp})
    done = False
    if request.method == "POST" and form.is_valid():
        try:
            invitee = services.invitee_respond(invitee=invitee, rsvp=form.cleaned_data["rsvp"])
            done = True
        except ValidationError as error:
            apply_service_errors(form, error)
    return render(
        request,
        "meetings/rsvp.html",
        {"invitee": invitee, "meeting": invitee.meeting, "form": form, "done": done},
    )


# --- Attendance and participation -----------------------------------------------------------


@login_required
def attendance(request, pk: int):
    meeting = meeting_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    candidates = selectors.attendance_candidates(meeting=meeting)
    present = set(meeting.attendance.values_list("person", flat=True))
    form = AttendanceForm(
        request.POST or None, candidates=candidates, initial={"people": list(present)}
    )
    saved = form_submitted(
        request,
        form,
        lambda data: services.attendance_set(
            meeting=meeting, by=request.user, people=data["people"]
        ),
    )
    if saved is not None:
        messages.success(request, _("Attendance saved: %(count)s present.") % {"count": len(saved)})
        return redirect(detail_url(meeting.pk, "attendance", "attendance"))
    return render(
        request,
        "meetings/attendance.html",
        {
            "initiative": meeting.initiative,
            "meeting": meeting,
            "form": form,
            "candidates": candidates,
            "present": present,
        },
    )


@login_required
def turns(request, pk: int):
    """The phone screen a facilitator taps during the meeting: one button per person present."""
    meeting = meeting_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    if request.method == "POST":
        if request.POST.get("undo"):
            services.speaking_turn_undo(meeting=meeting, by=request.user)
        else:
            person_id = request.POST.get("person", "")
            person = meeting.attendance.filter(
                person_id=int(person_id) if person_id.isdigit() and len(person_id) < 18 else 0
            ).first()
            if person is None:
                return HttpResponse(_("Mark this person as present first."), status=400)
            services.speaking_turn_add(meeting=meeting, by=request.user, person=person.person)
        if not request.htmx:
            return redirect("meetings:turns", meeting.pk)
    rows = list(
        meeting.attendance.select_related("person", "organisation").order_by("person__full_name")
    )
    counts = selectors.turn_counts(meeting=meeting)
    for row in rows:
        row.turns = counts.get(row.person_id, 0)
    template = "meetings/turns.html#tracker" if request.htmx else "meetings/turns.html"
    return render(
        request,
        template,
        {
            "initiative": meeting.initiative,
            "meeting": meeting,
            "rows": rows,
            "total": sum(counts.values()),
        },
    )


@login_required
def participation(request, pk: int):
    meeting = meeting_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    return render(
        request,
        "meetings/participation.html",
        {
            "initiative": meeting.initiative,
            "meeting": meeting,
            "data": selectors.participation(meeting=meeting),
        },
    )


# --- Outcomes and action items --------------------------------------------------------------


@login_required
@require_POST
def outcome_add(request, pk: int):
    meeting = meeting_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    form = OutcomeForm(request.POST, meeting=meeting)
    outcome = form_submitted(
        request,
        form,
        lambda data: services.outcome_create(
            meeting=meeting,
            by=request.user,
            kind=data["kind"],
            text=data["text"],
            agenda_item=data.get("agenda_item"),
            owner=data.get("owner"),
            due_date=data.get("due_date"),
        ),
    )
    if outcome is None:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))
        return redirect(detail_url(meeting.pk, "minutes", "outcomes"))
    messages.success(request, _("Recorded: %(kind)s.") % {"kind": outcome.get_kind_display()})
    anchor = f"item-{outcome.agenda_item_id}" if outcome.agenda_item_id else "outcomes"
    return redirect(detail_url(meeting.pk, "minutes", anchor))


@login_required
@require_POST
def outcome_delete(request, pk: int):
    outcome = outcome_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    services.outcome_delete(outcome=outcome, by=request.user)
    messages.success(request, _("Removed."))
    return redirect(detail_url(outcome.meeting_id, "minutes", "outcomes"))


@login_required
@require_POST
def action_status(request, pk: int):
    """Owners and contributors update an action item's status (htmx or plain form)."""
    item = outcome_get_for_user(user=request.user, pk=pk, action=Action.CONTRIBUTE).obj
    form = ActionStatusForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("Choose a valid status."), status=400)
    try:
        item = services.action_item_set_status(
            item=item, by=request.user, status=form.cleaned_data["status"]
        )
    except ValidationError as error:
        return HttpResponse(" ".join(error.messages), status=400)
    if request.htmx:
        return render(
            request,
            "meetings/_action_row.html",
            {"item": item, "can_update": True, "show_source": request.POST.get("source") == "1"},
        )
    next_url = request.POST.get("next", "")
    if next_url.startswith("/") and not next_url.startswith("//"):
        return redirect(next_url)
    return redirect(item)


@login_required
def my_actions(request):
    form = ActionFilterForm(request.GET or None, initial={"status": "open"})
    status = form.cleaned_data["status"] if form.is_valid() else "open"
    if not request.GET:
        status = "open"
    items = list(selectors.action_items(user=request.user, owner_only=True, status=status))
    return render(
        request,
        "meetings/my_actions.html",
        {
            "form": form,
            "items": items,
            "overdue": selectors.overdue_count(items),
            "status": status,
        },
    )


@login_required
def initiative_actions(request, pk: int):
    initiative, role = initiative_get_for_user(user=request.user, pk=pk)
    form = ActionFilterForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_valid() else "open"
    if not request.GET:
        status = "open"
    items = selectors.action_items(user=request.user, initiative=initiative, status=status)
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "meetings/initiative_actions.html",
        {
            "initiative": initiative,
            "form": form,
            "page": page,
            "can_update": role_allows(role, Action.CONTRIBUTE),
            "overdue": selectors.overdue_count(page.object_list),
        },
    )


@login_required
def dashboard_fragment(request):
    """Upcoming meetings and my open action items, for the dashboard."""
    items = list(selectors.action_items(user=request.user, owner_only=True, status="open")[:10])
    return render(
        request,
        "meetings/_dashboard.html",
        {
            "upcoming": selectors.upcoming_for_user(user=request.user),
            "items": items,
            "overdue": selectors.overdue_count(items),
        },
    )
