"""QR codes for participation links (workshop groups, deliberations), as inline SVG that
screen readers announce as one labelled image."""

import segno
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


def qr_svg(url: str, *, label: str, scale: int = 5) -> SafeString:
    code = segno.make(url, error="m", micro=False)
    svg = code.svg_inline(
        scale=scale, border=2, svgclass="qr-code", lineclass=None, dark="#1b2430", light="#ffffff"
    )
    # segno writes only numbers, colours and the path; the label is the one text we add.
    return mark_safe(  # noqa: S308
        svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" focusable="false" ', 1)
    )
