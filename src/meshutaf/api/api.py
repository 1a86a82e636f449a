"""The API object: authentication (personal tokens or session + CSRF) and error shapes.

Errors always come back as `{"detail": "...", "errors": {"field": ["..."]}}` (`ErrorOut`, the
errors only for invalid fields) in the caller's language (Accept-Language or the account's
setting), and every operation documents the statuses it can answer (`conformance.py`).
"""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Redoc
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, django_auth

from meshutaf.accounts.api import router as accounts_router
from meshutaf.accounts.selectors import user_for_api_token
from meshutaf.deliberation.api import router as deliberation_router
from meshutaf.directory.api import router as directory_router
from meshutaf.discourse.api import router as discourse_router
from meshutaf.initiatives.api import router as initiatives_router
from meshutaf.measurement.api import router as measurement_router
from meshutaf.meetings.api import router as meetings_router
from meshutaf.notifications.api import router as notifications_router
from meshutaf.programs.api import router as programs_router
from meshutaf.search.api import router as search_router
from meshutaf.stakeholder_map.api import router as map_router
from meshutaf.workshops.api import router as workshops_router

from .conformance import BodyNotAnObjectError, ObjectBodyParser, check_bodies, document_errors


class PersonalToken(HttpBearer):
    openapi_description = "A personal API token: `Authorization: Bearer msh_…`"

    def authenticate(self, request, token):
        user = user_for_api_token(raw=token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="Meshutaf API",
    version="1",
    description="Initiatives, phases, groups, organisations, people and memberships.",
    auth=[PersonalToken(), django_auth],
    urls_namespace="api",
    docs_url="/docs",
    # Redoc rather than Swagger UI: a reading page that serves its script locally and whose
    # colours can be set to pass WCAG AA contrast.
    docs=Redoc(
        settings={
            "hideDownloadButton": False,
            "theme": {
                "colors": {
                    "primary": {"main": "#1f5f8b"},
                    "success": {"main": "#1e6b3a"},
                    "warning": {"main": "#7a4b00"},
                    "error": {"main": "#a11d2b"},
                    "text": {"primary": "#1b2430", "secondary": "#4a5563"},
                    "http": {
                        "get": "#1f5f8b",
                        "post": "#1e6b3a",
                        "put": "#7a4b00",
                        "patch": "#7a4b00",
                        "delete": "#a11d2b",
                    },
                },
                "sidebar": {"textColor": "#1b2430", "backgroundColor": "#f7f8fa"},
                "rightPanel": {"backgroundColor": "#1b2430"},
            },
        }
    ),
    openapi_url="/openapi.json",
    parser=ObjectBodyParser(),
)


def _error(request, status: int, detail: str, errors: dict | None = None):
    body: dict = {"detail": detail}
    if errors:
        body["errors"] = errors
    return api.create_response(request, body, status=status)


# Pydantic speaks English only; these are the errors a client meets most, in the user's words.
def _pydantic_message(error: dict) -> str:
    kind = error.get("type", "")
    context = error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind in {"string_too_long"}:
        return _("At most %(count)s characters.") % {"count": context.get("max_length")}
    if kind in {"int_parsing", "int_type", "int_from_float"}:
        return _("Enter a whole number.")
    if kind.startswith("date"):
        return _("Enter a valid date (YYYY-MM-DD).")
    if kind in {"string_type"}:
        return _("Enter text.")
    if kind in {"bool_parsing", "bool_type"}:
        return _("Enter true or false.")
    if kind in {"list_type"}:
        return _("Enter a list.")
    if kind in {"float_type", "float_parsing"}:
        return _("Enter a number.")
    if kind in {"dict_type", "model_type"}:
        return _("Enter an object.")
    if kind == "literal_error" or kind == "enum":
        return _("Choose one of: %(choices)s.") % {"choices": context.get("expected", "")}
    if kind == "json_invalid":
        return _("The request body is not valid JSON.")
    if kind in {"greater_than_equal", "greater_than"}:
        return _("Must be at least %(limit)s.") % {"limit": context.get("ge", context.get("gt"))}
    if kind in {"less_than_equal", "less_than"}:
        return _("Must be at most %(limit)s.") % {"limit": context.get("le", context.get("lt"))}
    return str(error.get("msg", _("Invalid value.")))


LOCATIONS = {"body", "payload", "query", "path", "header", "cookie", "pagination"}


def _field_name(location) -> str:
    """The field an error is about: ("body", "payload", "leading_partner_ids", 0) names
    leading_partner_ids."""
    names = [part for part in location if isinstance(part, str) and part not in LOCATIONS]
    return names[0] if names else "__all__"


@api.exception_handler(NinjaValidationError)
def on_schema_error(request, exc: NinjaValidationError):
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        field = _field_name(error.get("loc", ()))
        errors.setdefault(field, []).append(_pydantic_message(error))
    return _error(request, 422, _("Some fields are not valid."), errors)


@api.exception_handler(DjangoValidationError)
def on_domain_error(request, exc: DjangoValidationError):
    if hasattr(exc, "error_dict"):
        errors = {
            ("__all__" if field == "__all__" else field): messages
            for field, messages in exc.message_dict.items()
        }
        return _error(request, 400, _("Some fields are not valid."), errors)
    return _error(request, 400, " ".join(exc.messages))


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return _error(request, 404, _("Not found."))


@api.exception_handler(PermissionDenied)
def on_forbidden(request, exc):
    return _error(request, 403, _("You do not have permission to do this."))


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    if isinstance(exc.__cause__, BodyNotAnObjectError):  # ninja reports the parser's error as a 400
        message = _("The request body must be a JSON object.")
        return _error(request, 422, message, {"__all__": [message]})
    if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
        return _error(request, 400, _("The request body is not valid JSON."))
    return _error(request, exc.status_code, str(exc))


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return _error(request, 401, _("Sign in or send a valid API token."))


for router in (
    accounts_router,
    initiatives_router,
    directory_router,
    map_router,
    meetings_router,
    search_router,
    workshops_router,
    deliberation_router,
    discourse_router,
    measurement_router,
    programs_router,
    notifications_router,
):
    api.add_router("/v1/", router)

document_errors(api)
check_bodies(api)
