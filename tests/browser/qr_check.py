"""Checks for a QR code as a person meets it on a page: a screenshot of what the browser drew,
decoded by a real decoder (zxing-cpp), and the link printed beside it kept inside its card."""

import io

import zxingcpp
from PIL import Image

from .conftest import SCREENSHOTS


def decode_qr(page, selector: str, *, name: str) -> list[str]:
    """The texts a decoder reads from the element's screenshot (saved for a person to look at).

    The screenshot is of the page's pixels inside the element's box: whatever is clipped,
    covered or cut off there is missing from it, as it would be for a phone camera."""
    element = page.locator(selector)
    element.scroll_into_view_if_needed()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    png = element.screenshot(path=str(path), animations="disabled")
    image = Image.open(io.BytesIO(png)).convert("L")
    codes = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    return [code.text for code in codes]


def assert_qr_reads(page, selector: str, expected: str, *, name: str) -> None:
    texts = decode_qr(page, selector, name=name)
    assert texts == [expected], f"{name}: decoded {texts!r}, expected {expected!r}"


def box(page, selector: str) -> dict:
    found = page.locator(selector).bounding_box()
    assert found is not None, f"{selector} is not displayed"
    return found


def assert_inside(page, inner: str, outer: str, *, slack: float = 0.5) -> None:
    """The inner element's box lies wholly within the outer one (a link that spills out of
    its card, or a code wider than its box, fails)."""
    a, b = box(page, inner), box(page, outer)
    assert a["x"] >= b["x"] - slack, (inner, a, outer, b)
    assert a["y"] >= b["y"] - slack, (inner, a, outer, b)
    assert a["x"] + a["width"] <= b["x"] + b["width"] + slack, (inner, a, outer, b)
    assert a["y"] + a["height"] <= b["y"] + b["height"] + slack, (inner, a, outer, b)


def assert_drawing_fits(page, selector: str) -> None:
    """The QR drawing is not larger than the box the page gives it: an SVG whose content is
    bigger than its viewport is clipped, which is how only one corner square showed."""
    overflow = page.locator(selector).evaluate(
        """svg => {
            const box = svg.getBoundingClientRect();
            const drawn = svg.querySelector('path').getBoundingClientRect();
            return {
                left: box.left - drawn.left, top: box.top - drawn.top,
                right: drawn.right - box.right, bottom: drawn.bottom - box.bottom,
            };
        }"""
    )
    assert max(overflow.values()) <= 0.5, overflow
