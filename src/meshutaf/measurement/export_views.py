"""Downloads of values (`exports`): a framework's or an indicator's observations as CSV or
XLSX, and the Open SDG format. Every member of the initiative may download; each file holds
what its reader may see (visibility and suppression through the selectors)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse

from . import exports
from .permissions import Viewer, framework_get_for_user, indicator_get_for_user


def _attachment(content, *, file_format: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=exports.CONTENT_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _table(request, framework, indicator, *, role, file_format: str, filename: str):
    if file_format not in exports.TABLE_FORMATS:
        raise Http404
    response = _attachment(b"", file_format=file_format, filename=filename)
    exports.write_table(
        response,
        file_format=file_format,
        rows=exports.observation_rows(
            Viewer.of(user=request.user, role=role), framework, indicator=indicator
        ),
        sheet_name=indicator.code if indicator is not None else framework.name,
    )
    return response


@login_required
def framework_observations(request: HttpRequest, framework_id: int, file_format: str):
    framework, role = framework_get_for_user(user=request.user, pk=framework_id)
    return _table(
        request,
        framework,
        None,
        role=role,
        file_format=file_format,
        filename=f"framework-{framework.pk}-observations.{file_format}",
    )


@login_required
def indicator_observations(request: HttpRequest, indicator_id: int, file_format: str):
    indicator, role = indicator_get_for_user(user=request.user, pk=indicator_id)
    return _table(
        request,
        indicator.framework,
        indicator,
        role=role,
        file_format=file_format,
        filename=f"indicator-{indicator.pk}-observations.{file_format}",
    )


@login_required
def indicator_open_sdg(request: HttpRequest, indicator_id: int):
    indicator, role = indicator_get_for_user(user=request.user, pk=indicator_id)
    content = exports.open_sdg_csv(
        Viewer.of(user=request.user, role=role), indicator.framework, indicator
    )
    return _attachment(
        content.encode(), file_format="csv", filename=exports.open_sdg_filename(indicator)
    )


@login_required
def framework_open_sdg(request: HttpRequest, framework_id: int):
    framework, role = framework_get_for_user(user=request.user, pk=framework_id)
    content = exports.open_sdg_zip(Viewer.of(user=request.user, role=role), framework)
    return _attachment(
        content, file_format="zip", filename=f"framework-{framework.pk}-open-sdg.zip"
    )
