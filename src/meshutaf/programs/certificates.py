"""Certificates of completion: the attendance rule, and the PDF (WeasyPrint, as the summary
report uses), right to left in Hebrew and Arabic.

The rule: the share of the cohort's REQUIRED sessions attended, present or late, is at least
the cohort's `attendance_required_share`. Excused absences do not count as attended: the
certificate says the person took part, and an excused absence is still an absence (a
programme that wants to forgive them lowers the share). Optional sessions neither help nor
hurt. A cohort with no required session certifies nobody: there is nothing to have completed.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from django.template.loader import render_to_string
from django.utils import formats, translation
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _


class CertificateUnavailableError(Exception):
    """The PDF cannot be made on this machine; the message says why."""


def meets_attendance_rule(*, attended: int, required: int, share: Decimal | float | str) -> bool:
    """Exact arithmetic, so 4 of 5 meets 0.80 (a float would sometimes say 0.7999…)."""
    if required <= 0 or attended < 0:
        return False
    return Fraction(min(attended, required), required) >= Fraction(str(share))


def _refuse_fetch(url: str, *args, **kwargs):
    # The certificate is self-contained; nothing in it may make the server fetch a URL.
    raise ValueError(f"certificates load no external resources ({url[:80]})")


def certificate_html(*, certificate, verify_url: str, language: str) -> str:
    participant = certificate.participant
    cohort = participant.cohort
    with translation.override(language):
        return render_to_string(
            "programs/sessions/certificate_print.html",
            {
                "language": language,
                "direction": "rtl" if get_language_info(language)["bidi"] else "ltr",
                "name": participant.person.full_name,
                "programme": cohort.programme.name,
                "cohort": cohort.name,
                "initiative": cohort.programme.initiative.name,
                "issued": formats.date_format(certificate.issued_at.date(), "DATE_FORMAT"),
                "code": certificate.code,
                "verify_url": verify_url,
                "title": _("Certificate of completion"),
            },
        )


def certificate_pdf(*, certificate, verify_url: str, language: str) -> bytes:
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as error:
        raise CertificateUnavailableError(
            _(
                "Certificates cannot be made as PDF on this server: the PDF library or the "
                "system libraries it needs are missing."
            )
        ) from error
    document = certificate_html(certificate=certificate, verify_url=verify_url, language=language)
    return HTML(string=document, url_fetcher=_refuse_fetch).write_pdf()


def certificate_filename(certificate) -> str:
    """ASCII only, so it survives every browser and file system."""
    return f"certificate-{certificate.code}.pdf"
