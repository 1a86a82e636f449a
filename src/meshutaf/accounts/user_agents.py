"""A browser's name as a person knows it ("Firefox on Windows"), from its User-Agent header.

Only what a sessions list needs: the common browsers and systems, in the order their tokens
must be tested (Edge and Opera also say Chrome; Chrome also says Safari; Android also says
Linux; iPadOS and iOS also say Mac OS X)."""

import re

BROWSERS = (
    ("Edge", re.compile(r"\bEdg(e|A|iOS)?/")),
    ("Opera", re.compile(r"\b(OPR|Opera)/")),
    ("Samsung Internet", re.compile(r"\bSamsungBrowser/")),
    ("Firefox", re.compile(r"\b(Firefox|FxiOS)/")),
    ("Chromium", re.compile(r"\bChromium/")),
    ("Chrome", re.compile(r"\b(HeadlessChrome|Chrome|CriOS)/")),
    ("Safari", re.compile(r"\bVersion/[\d.]+.*\bSafari/")),
)
SYSTEMS = (
    ("Android", re.compile(r"\bAndroid\b")),
    ("iPhone", re.compile(r"\biPhone\b")),
    ("iPad", re.compile(r"\biPad\b")),
    ("Windows", re.compile(r"\bWindows\b")),
    ("ChromeOS", re.compile(r"\bCrOS\b")),
    ("macOS", re.compile(r"\bMac OS X\b")),
    ("Linux", re.compile(r"\bLinux\b")),
)


def browser_and_system(user_agent: str) -> tuple[str, str]:
    """("Firefox", "Windows"); either is "" when not recognised."""
    browser = next((name for name, pattern in BROWSERS if pattern.search(user_agent)), "")
    system = next((name for name, pattern in SYSTEMS if pattern.search(user_agent)), "")
    return browser, system
