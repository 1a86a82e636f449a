"""Template context every page needs: direction and the language menu."""

from django.conf import settings
from django.utils.translation import get_language, get_language_bidi


def interface(request):
    return {
        "LANGUAGE_DIRECTION": "rtl" if get_language_bidi() else "ltr",
        "INTERFACE_LANGUAGES": settings.LANGUAGES,
        "CURRENT_LANGUAGE": get_language(),
        # django-htmx's {% htmx_script %} and our inline scripts read the CSP nonce by this name.
        "csp_nonce": getattr(request, "csp_nonce", ""),
    }
