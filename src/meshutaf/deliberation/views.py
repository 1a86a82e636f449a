"""Pages for deliberation.

Members reach conversations through the initiative (`conversation_get_for_user`); everyone
else through the participation link (`conversation_get_by_token`). A participant without an
account is remembered by their session: one participant per browser, and a short code to
continue on another device."""

import functools
import io
import zipfile

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from meshutaf.core import imports, uploads
from meshutaf.core.access import Action, Role, role_allows
from meshutaf.core.charts import chart_pair
from meshutaf.core.forms import apply_service_errors, error_text, form_submitted
from meshutaf.core.http import client_address
from meshutaf.core.qr import qr_svg
from meshutaf.core.ratelimit import RateLimitError
from meshutaf.initiatives.permissions import initiative_get_for_user, initiative_role

from . import charts, polis_format, selectors, services
from .forms import (
    MAX_UPLOAD_BYTES,
    BurstForm,
    ConversationForm,
    PolisImportForm,
    ResumeForm,
    StatementForm,
    StatementsImportForm,
)
from .importing import STATEMENTS_IMPORT, StatementsFile
from .models import Conversation, Participant, Statement, StatementStatus
from .permissions import (
    ConversationNotOpen,
    conversation_get_by_token,
    conversation_get_for_user,
    statement_get_for_user,
)

SESSION_KEY = "deliberation_participants"
# A first row left out of an import is quoted in the message up to this many characters.
HEADING_QUOTE_LENGTH = 80


def _say_errors(request, source) -> None:
    """A refused form or service, as one message on the page the user returns to."""
    if isinstance(source, ValidationError):
        text = error_text(source)
    else:
        text = " ".join(error for errors in source.errors.values() for error in errors)
    messages.error(request, text)


def _join_url(request, conversation: Conversation) -> str:
    return request.build_absolute_uri(
        reverse("deliberation:participate", args=[conversation.token])
    )


# --- Facilitator and member pages ----------------------------------------------------------


@login_required
def initiative_list(request, pk: int):
    initiative, role = initiative_get_for_user(user=request.user, pk=pk)
    manage = role_allows(role, Action.MANAGE)
    return render(
        request,
        "deliberation/conversation_list.html",
        {
            "initiative": initiative,
            "conversations": selectors.conversation_list(
                initiative=initiative, include_drafts=manage
            ),
            "can_manage": manage,
        },
    )


@login_required
def conversation_create(request, pk: int):
    initiative = initiative_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    form = ConversationForm(request.POST or None, initiative=initiative)
    conversation = form_submitted(
        request,
        form,
        lambda data: services.conversation_create(initiative=initiative, by=request.user, **data),
    )
    if conversation:
        messages.success(request, _("The conversation was created. Add seed statements next."))
        return redirect(conversation)
    return render(
        request,
        "deliberation/conversation_form.html",
        {"initiative": initiative, "form": form, "conversation": None},
    )


@login_required
def conversation_edit(request, pk: int):
    conversation = conversation_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    initial = {name: getattr(conversation, name) for name in services.CONVERSATION_FIELDS}
    form = ConversationForm(
        request.POST or None, initiative=conversation.initiative, initial=initial
    )
    done = form_submitted(
        request,
        form,
        lambda data: services.conversation_update(
            conversation=conversation, by=request.user, data=data
        ),
    )
    if done:
        messages.success(request, _("The conversation was saved."))
        return redirect(conversation)
    return render(
        request,
        "deliberation/conversation_form.html",
        {"initiative": conversation.initiative, "form": form, "conversation": conversation},
    )


@login_required
def conversation_detail(request, pk: int):
    conversation, role = conversation_get_for_user(user=request.user, pk=pk)
    manage = role_allows(role, Action.MANAGE)
    context = {
        "conversation": conversation,
        "initiative": conversation.initiative,
        "can_manage": manage,
        "vote_count": selectors.vote_count(conversation=conversation),
    }
    if manage:
        statements = list(selectors.statement_list(conversation=conversation))
        join_url = _join_url(request, conversation)
        context.update(
            statements=[s for s in statements if s.status != StatementStatus.PENDING],
            pending=[s for s in statements if s.status == StatementStatus.PENDING],
            statement_form=StatementForm(),
            import_form=StatementsImportForm(),
            join_url=join_url,
            qr_svg=qr_svg(join_url, label=_("QR code for the participation link")),
            bursts=selectors.participant_bursts(conversation=conversation),
            burst_min_size=selectors.BURST_MIN_SIZE,
            burst_gap_minutes=int(selectors.BURST_GAP.total_seconds() // 60),
        )
    return render(request, "deliberation/conversation_detail.html", context)


@login_required
@require_POST
def participants_exclude(request, pk: int):
    """Exclude a burst of participants from the analysis, or include it again."""
    conversation = conversation_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    form = BurstForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        excluded = data["action"] == BurstForm.EXCLUDE
        try:
            changed = services.participants_set_excluded(
                conversation=conversation,
                by=request.user,
                address_hash=data["network"],
                first=data["first"],
                last=data["last"],
                excluded=excluded,
            )
        except ValidationError as error:
            _say_errors(request, error)
        else:
            if excluded:
                text = ngettext(
                    "%(n)s participant was excluded from the analysis.",
                    "%(n)s participants were excluded from the analysis.",
                    changed,
                )
            else:
                text = ngettext(
                    "%(n)s participant counts in the analysis again.",
                    "%(n)s participants count in the analysis again.",
                    changed,
                )
            messages.success(request, text % {"n": changed})
    else:
        _say_errors(request, form)
    return redirect(reverse("deliberation:detail", args=[conversation.pk]) + "#bursts")


@login_required
@require_POST
def conversation_status(request, pk: int):
    conversation = conversation_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    try:
        services.conversation_set_status(
            conversation=conversation, by=request.user, status=request.POST.get("status", "")
        )
        messages.success(request, _("The status was changed."))
    except ValidationError as error:
        _say_errors(request, error)
    return redirect(conversation)


@login_required
@require_POST
def conversation_reset_link(request, pk: int):
    conversation = conversation_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    services.conversation_reset_link(conversation=conversation, by=request.user)
    messages.success(request, _("A new link was made; the old one no longer works."))
    return redirect(conversation)


@login_required
@require_POST
def conversation_delete(request, pk: int):
    conversation = conversation_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    initiative_id = conversation.initiative_id
    services.conversation_delete(conversation=conversation, by=request.user)
    messages.success(request, _("The conversation was deleted."))
    return redirect("deliberation:list", initiative_id)


@login_required
@require_POST
def statement_add(request, pk: int):
    conversation = conversation_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    form = StatementForm(request.POST)
    if form.is_valid():
        try:
            services.statement_add(
                conversation=conversation, text=form.cleaned_data["text"], by=request.user
            )
            messages.success(request, _("The statement was added."))
        except ValidationError as error:
            _say_errors(request, error)
    else:
        _say_errors(request, form)
    return redirect(reverse("deliberation:detail", args=[conversation.pk]) + "#statements")


@login_required
@require_POST
def statements_import(request, pk: int):
    conversation = conversation_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    form = StatementsImportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            parsed, added = imports.import_once(
                spec=STATEMENTS_IMPORT,
                upload=form.cleaned_data["file"],
                first_row_is_header=form.cleaned_data["first_row_is_heading"],
                conversation=conversation,
                by=request.user,
            )
        except ValidationError as error:
            _say_errors(request, error)
        else:
            messages.success(request, _import_summary(parsed, added))
    else:
        _say_errors(request, form)
    return redirect(reverse("deliberation:detail", args=[conversation.pk]) + "#statements")


def _import_summary(parsed: StatementsFile, added: int) -> str:
    """How many statements came in, and the first row if it was left out, quoted so that a
    wrong guess shows at once."""
    skipped = len(parsed.texts) - added
    sentences = [
        ngettext("%(count)s statement was imported.", "%(count)s statements were imported.", added)
        % {"count": added}
    ]
    if skipped:
        sentences.append(
            ngettext(
                "%(count)s statement was already there and was skipped.",
                "%(count)s statements were already there and were skipped.",
                skipped,
            )
            % {"count": skipped}
        )
    if parsed.heading is not None:
        heading = parsed.heading
        if len(heading) > HEADING_QUOTE_LENGTH:
            heading = heading[: HEADING_QUOTE_LENGTH - 1] + "…"
        # Isolated, so a heading in another script does not reorder the sentence around it.
        sentences.append(
            _("The first row, “%(row)s”, was left out as a heading.")
            % {"row": f"\u2068{heading}\u2069"}
        )
    return " ".join(sentences)


@login_required
@require_POST
def statement_moderate(request, pk: int):
    statement = statement_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    try:
        services.statement_moderate(
            statement=statement, by=request.user, status=request.POST.get("status", "")
        )
    except ValidationError as error:
        _say_errors(request, error)
    return redirect(
        reverse("deliberation:detail", args=[statement.conversation_id]) + "#statements"
    )


@login_required
@require_POST
def conversation_analyse(request, pk: int):
    """Ask the worker for a fresh map now (the page never computes it itself)."""
    conversation = conversation_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    conversation.analysis_requested_at = None
    services.analysis_request(conversation=conversation)
    messages.success(request, _("The opinion map will be recomputed in a few seconds."))
    return redirect("deliberation:results", conversation.pk)


@login_required
def conversation_results(request, pk: int):
    conversation, role = conversation_get_for_user(user=request.user, pk=pk)
    participant = Participant.objects.filter(conversation=conversation, user=request.user).first()
    return _results(request, conversation, participant, role=role, public=False)


def _results(request, conversation, participant, *, role: Role | None, public: bool):
    page = selectors.opinion_map(conversation=conversation, participant=participant)
    svg, legend, ungrouped = "", [], 0
    if page is not None:
        ungrouped = max(0, page.n_participants - page.n_clustered)
        me = participant.pk if participant else None
        svg = chart_pair(
            charts.opinion_map_svg(page.result, me=me),
            charts.opinion_map_svg(page.result, me=me, title_id="map-title-narrow", narrow=True),
        )
        legend = [{"group": group, "swatch": charts.swatch_svg(group.id)} for group in page.groups]
    context = {
        "conversation": conversation,
        "initiative": conversation.initiative,
        "map": page,
        "svg": svg,
        "legend": legend,
        "ungrouped": ungrouped,
        "ungrouped_swatch": charts.swatch_svg(None),
        "you_swatch": charts.you_swatch_svg(),
        "public": public,
        "can_manage": not public and role_allows(role, Action.MANAGE),
    }
    if request.htmx:
        return render(request, "deliberation/results.html#map", context)
    return render(request, "deliberation/results.html", context)


@login_required
def conversation_export(request, pk: int):
    """The conversation in Pol.is open-data format (votes.csv and comments.csv, zipped)."""
    conversation = conversation_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    votes, comments = selectors.export_rows(conversation)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, writer, rows in (
            ("votes.csv", polis_format.write_votes, votes),
            ("comments.csv", polis_format.write_comments, comments),
        ):
            text = io.StringIO()
            writer(text, rows)
            archive.writestr(name, text.getvalue())
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="conversation-{conversation.pk}.zip"'
    return response


@login_required
def polis_import(request, pk: int):
    initiative = initiative_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    form = PolisImportForm(request.POST or None, request.FILES or None)

    def run(data):
        try:
            votes = polis_format.parse_votes(_decode(data["votes"]))
            comments = polis_format.parse_comments(_decode(data["comments"]))
            export = polis_format.PolisExport(comments=comments, votes=votes)
            polis_format.check_references(export)
        except polis_format.PolisFormatError as error:
            raise ValidationError([str(error.args[0]), *error.errors]) from None
        return services.polis_import(
            initiative=initiative, by=request.user, export=export, title=data["title"]
        )

    conversation = form_submitted(request, form, run)
    if conversation:
        messages.success(
            request, _("The conversation was imported. The opinion map is being computed.")
        )
        return redirect(conversation)
    return render(
        request,
        "deliberation/polis_import.html",
        {"initiative": initiative, "form": form},
        status=400 if request.method == "POST" else 200,  # a refused import is an error
    )


def _decode(upload) -> str:
    try:
        return uploads.read_upload(upload, MAX_UPLOAD_BYTES).decode("utf-8-sig")
    except uploads.UploadRefusedError as error:
        raise polis_format.PolisFormatError(f"{upload.name}: {error}") from None
    except UnicodeDecodeError:
        raise polis_format.PolisFormatError(
            _("%(file)s is not UTF-8 text.") % {"file": upload.name}
        ) from None


# --- Participation by link -----------------------------------------------------------------


def _by_link(view):
    """For the participation-link pages: a draft's link answers (still 404, revealing nothing
    of the conversation) with a page that says the conversation is not open yet."""

    @functools.wraps(view)
    def wrapped(request, token: str, *args, **kwargs):
        try:
            return view(request, token, *args, **kwargs)
        except ConversationNotOpen as not_open:
            conversation = not_open.conversation
            manage_url = None
            if request.user.is_authenticated:
                role = initiative_role(user=request.user, initiative_id=conversation.initiative_id)
                if role_allows(role, Action.MANAGE):
                    manage_url = reverse("deliberation:detail", args=[conversation.pk])
            return render(
                request, "deliberation/not_open.html", {"manage_url": manage_url}, status=404
            )

    return wrapped


def _throttled(request, conversation: Conversation, role: Role | None, refused: RateLimitError):
    """Too many participants started from this network: HTTP 429, the message on the voting
    card, nothing written."""
    participant = _participant(request, conversation, role, create=False)
    context = _card_context(
        conversation, participant, error=" ".join(refused.messages), statement_form=StatementForm()
    )
    template = "deliberation/participate.html"
    if request.htmx:
        template += "#card"
    response = render(request, template, context, status=429)
    response["Retry-After"] = str(refused.retry_after)
    return response


def _participant(
    request, conversation: Conversation, role: Role | None, *, create: bool
) -> Participant | None:
    """The member's own participant (`role` is theirs in the initiative), or the one this
    browser started."""
    if request.user.is_authenticated and role is not None:
        if not create:
            return Participant.objects.filter(conversation=conversation, user=request.user).first()
        return services.participant_for_user(conversation=conversation, user=request.user)
    known = request.session.get(SESSION_KEY, {})
    participant_id = known.get(str(conversation.pk))
    if participant_id:
        participant = Participant.objects.filter(
            pk=participant_id, conversation=conversation
        ).first()
        if participant is not None:
            return participant
    if not create:
        return None
    participant = services.participant_create(
        conversation=conversation, address=client_address(request)
    )
    _remember(request, conversation, participant)
    return participant


def _remember(request, conversation: Conversation, participant: Participant) -> None:
    known = dict(request.session.get(SESSION_KEY, {}))
    known[str(conversation.pk)] = participant.pk
    request.session[SESSION_KEY] = known


def _card_context(conversation, participant, **extra) -> dict:
    if participant is not None:
        progress = selectors.participant_progress(participant=participant)
    else:
        total = conversation.statements.filter(status=StatementStatus.ACCEPTED).count()
        progress = {"voted": 0, "total": total, "remaining": total}
    return {
        "conversation": conversation,
        "participant": participant,
        "statement": selectors.next_statement(conversation=conversation, participant=participant),
        "progress": progress,
        **extra,
    }


@never_cache
@_by_link
def participate(request, token: str):
    conversation, role = conversation_get_by_token(user=request.user, token=token)
    participant = _participant(request, conversation, role, create=False)
    context = _card_context(conversation, participant)
    context["statement_form"] = StatementForm()
    return render(request, "deliberation/participate.html", context)


@require_POST
@never_cache
@_by_link
def vote(request, token: str):
    conversation, role = conversation_get_by_token(user=request.user, token=token)
    error = None
    statement_id = request.POST.get("statement", "")
    statement = None
    if statement_id.isdigit() and len(statement_id) < 18:
        statement = Statement.objects.filter(pk=statement_id, conversation=conversation).first()
    if statement is None:
        error = _("This statement was not found; here is another one.")
    else:
        try:
            participant = _participant(request, conversation, role, create=True)
            services.vote_cast(
                participant=participant, statement=statement, value=request.POST.get("value")
            )
        except RateLimitError as refused:
            return _throttled(request, conversation, role, refused)
        except ValidationError as exc:
            error = " ".join(exc.messages)
    participant = _participant(request, conversation, role, create=False)
    if request.htmx:
        context = _card_context(conversation, participant, error=error)
        return render(request, "deliberation/participate.html#card", context)
    if error:
        messages.error(request, error)
    back = (
        "deliberation:mine"
        if request.POST.get("next_page") == "mine"
        else "deliberation:participate"
    )
    return redirect(back, token)


@require_POST
@never_cache
@_by_link
def participant_statement(request, token: str):
    conversation, role = conversation_get_by_token(user=request.user, token=token)
    form = StatementForm(request.POST)
    if form.is_valid():
        try:
            participant = _participant(request, conversation, role, create=True)
            statement = services.statement_add(
                conversation=conversation, text=form.cleaned_data["text"], participant=participant
            )
            if statement.status == StatementStatus.PENDING:
                messages.success(
                    request, _("Thank you. Your statement will appear once it is approved.")
                )
            else:
                messages.success(request, _("Thank you. Your statement was added."))
        except RateLimitError as refused:
            return _throttled(request, conversation, role, refused)
        except ValidationError as error:
            _say_errors(request, error)
    else:
        _say_errors(request, form)
    return redirect("deliberation:participate", token)


@never_cache
@_by_link
def my_votes(request, token: str):
    conversation, role = conversation_get_by_token(user=request.user, token=token)
    participant = _participant(request, conversation, role, create=False)
    votes = list(selectors.my_votes(participant=participant)) if participant else []
    return render(
        request,
        "deliberation/my_votes.html",
        {"conversation": conversation, "participant": participant, "votes": votes},
    )


@never_cache
@_by_link
def public_results(request, token: str):
    conversation, role = conversation_get_by_token(user=request.user, token=token)
    if not conversation.show_results and not role_allows(role, Action.MANAGE):
        raise Http404
    participant = _participant(request, conversation, role, create=False)
    return _results(request, conversation, participant, role=role, public=True)


@never_cache
@_by_link
def resume(request, token: str):
    """Continue as the same participant on this device, with the code from another one."""
    conversation, role = conversation_get_by_token(user=request.user, token=token)
    participant = _participant(request, conversation, role, create=False)
    code = None
    form = ResumeForm(request.POST or None)
    if request.method == "POST" and request.POST.get("action") == "make":
        if participant is None:
            messages.error(
                request, _("Vote at least once first; then there is something to continue.")
            )
        else:
            code = services.participant_resume_code(participant=participant)
        form = ResumeForm()
    elif request.method == "POST" and form.is_valid():
        try:
            found = services.participant_by_resume_code(
                conversation=conversation, code=form.cleaned_data["code"]
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            if found.user_id is not None:
                form.add_error("code", _("This code belongs to a member; log in instead."))
            else:
                _remember(request, conversation, found)
                messages.success(request, _("Welcome back. You can continue where you stopped."))
                return redirect("deliberation:participate", token)
    return render(
        request,
        "deliberation/resume.html",
        {
            "conversation": conversation,
            "participant": participant,
            "form": form,
            "code": code or (participant.resume_code if participant else None),
            "is_member": role is not None,
            "site_url": settings.SITE_URL,
        },
    )
