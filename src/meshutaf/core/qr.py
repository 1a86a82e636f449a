"""QR codes for participation links (workshop groups, deliberations), as inline SVG that
screen readers announce as one labelled image and that scales to whatever box the page gives it."""

import segno
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# The quiet zone the QR standard asks for (ISO/IEC 18004): four light modules on every side.
# Phone cameras fail far more often with less, especially on a projected or printed page.
QUIET_ZONE = 4


def qr_svg(url: str, *, label: str, module_px: int = 5) -> SafeString:
    """The code drawn in module units with a viewBox, so CSS can make it any size and it is
    scaled, never cropped (a fixed width/height without a viewBox was cropped to one corner
    whenever the page drew it smaller). `module_px` sets only the size it has without CSS."""
    code = segno.make(url, error="m", micro=False)
    width, height = code.symbol_size(scale=1, border=QUIET_ZONE)
    svg = code.svg_inline(
        scale=1,
        border=QUIET_ZONE,
        omitsize=True,  # segno then writes a viewBox instead of a fixed size
        svgclass="qr-code",
        lineclass=None,
        dark="#1b2430",
        light="#ffffff",
    )
    # segno writes only numbers, colours and the path; the label is the one text we add.
    # crispEdges keeps module edges sharp (no hairline seams) at any scale.
    attributes = (
        f'<svg role="img" aria-label="{escape(label)}" focusable="false" '
        f'width="{width * module_px}" height="{height * module_px}" '
        'shape-rendering="crispEdges" preserveAspectRatio="xMidYMid meet" '
    )
    return mark_safe(svg.replace("<svg ", attributes, 1))  # noqa: S308
