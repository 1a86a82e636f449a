"""Every page a facilitator reaches by following links on the demo site, at a phone's width
(390 × 844), in Hebrew and in English: none may scroll sideways as a whole page. Wide things
(tables, charts, code) scroll inside their own box instead.

The crawl is breadth-first from the dashboard, over same-site GET links, skipping downloads,
exports, the API and the admin, at most `PAGE_CAP` pages and `PER_PATTERN` pages of each URL
pattern (the same path with other ids). The crawl runs in Hebrew, the default and the harder
direction; the English pass then opens one page of each pattern the crawl found, which keeps
the test to a few minutes."""

import os
import re
from collections import Counter, deque
from urllib.parse import parse_qsl, urldefrag, urlsplit

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from ..site_process import drain, free_port, read_line_with

DEMO_PASSWORD = "meshutaf-demo-2026"  # the demo's published password
PHONE = {"width": 390, "height": 844}
PAGE_CAP = 200
PER_PATTERN = 2

# Links that are not pages to look at: they sign out, download, export, or leave the site's
# HTML pages.
SKIP = re.compile(
    r"/logout|/export|download|\.ics$|\.csv$|\.docx$|\.pdf$|\.zip$|\.xlsx$|\.json$|/file/"
    r"|^/api/|^/admin/|^/static/|^/media/|/report\.\w+$",
)

# The page's widest offenders, to say where the overflow comes from.
OVERFLOW_SCRIPT = """() => {
  const root = document.documentElement;
  const width = root.clientWidth;
  if (root.scrollWidth <= width) { return null; }
  const culprits = [];
  for (const element of document.body.querySelectorAll("*")) {
    const box = element.getBoundingClientRect();
    if (box.width === 0 || (box.right <= width + 1 && box.left >= -1)) { continue; }
    let inside = false;  // inside a box that scrolls or clips: not the page's overflow
    for (let up = element.parentElement; up && up !== document.body; up = up.parentElement) {
      const style = getComputedStyle(up);
      if (style.overflowX !== "visible" || style.position === "fixed") { inside = true; break; }
    }
    if (inside) { continue; }
    const name = element.tagName.toLowerCase()
      + (element.id ? "#" + element.id : "")
      + (element.classList.length ? "." + [...element.classList].join(".") : "");
    culprits.push(name + " [" + Math.round(box.left) + ".." + Math.round(box.right) + "]");
    if (culprits.length >= 4) { break; }
  }
  if (!culprits.length) {
    // Nothing sticks out by its own box: name the innermost boxes whose content does.
    for (const element of document.body.querySelectorAll("*")) {
      if (getComputedStyle(element).overflowX !== "visible") { continue; }
      if (element.scrollWidth <= element.clientWidth + 1 || element.clientWidth === 0) { continue; }
      const inner = [...element.children].some(
        (child) => child.scrollWidth > child.clientWidth + 1 && child.clientWidth > 0);
      if (!inner) {
        culprits.push("content of " + element.tagName.toLowerCase() + "."
          + [...element.classList].join("."));
      }
      if (culprits.length >= 4) { break; }
    }
  }
  return {scrollWidth: root.scrollWidth, clientWidth: width, culprits: culprits};
}"""


def url_pattern(path: str, query: str) -> str:
    """/meetings/12/?page=2 and /meetings/40/?page=3 are one pattern."""
    shape = re.sub(r"\d+", "<n>", path)
    shape = re.sub(r"/(w|d|rsvp|join|calendar)/[^/]+", r"/\1/<token>", shape)
    keys = sorted({key for key, _value in parse_qsl(query, keep_blank_values=True)})
    return shape + ("?" + "&".join(keys) if keys else "")


def look(page, url: str, overflowing: list[str], broken: list[str]) -> bool:
    """Open one page and note whether it overflows; False when it is not an HTML page."""
    response = visit(page, url)
    if response is None:
        broken.append(f"{url} did not load")
        return False
    if response.status >= 500:
        broken.append(f"{url} answered {response.status}")
        return False
    if not response.headers.get("content-type", "").startswith("text/html"):
        return False
    found = page.evaluate(OVERFLOW_SCRIPT)
    if found:
        overflowing.append(
            f"{page.url}: {found['scrollWidth']} > {found['clientWidth']} px "
            f"({', '.join(found['culprits']) or 'no single element'})"
        )
    return True


def crawl(page, base: str) -> tuple[list[str], list[str], dict[str, str]]:
    """Visit the site breadth-first from the dashboard; return the pages that overflow, the
    pages that answered with an error, and the first page seen of each URL pattern."""
    origin = urlsplit(base).netloc
    queue = deque([base + "/"])
    queued = {base + "/"}
    patterns: Counter[str] = Counter()
    seen: dict[str, str] = {}
    overflowing: list[str] = []
    broken: list[str] = []
    visited = 0
    while queue and visited < PAGE_CAP:
        url = queue.popleft()
        if not look(page, url, overflowing, broken):
            continue
        visited += 1
        parts = urlsplit(url)
        seen.setdefault(url_pattern(parts.path, parts.query), url)
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
            href = urldefrag(href)[0]
            parts = urlsplit(href)
            if parts.scheme not in {"http", "https"} or parts.netloc != origin:
                continue
            if href in queued or SKIP.search(parts.path):
                continue
            pattern = url_pattern(parts.path, parts.query)
            if patterns[pattern] >= PER_PATTERN:
                continue
            patterns[pattern] += 1
            queued.add(href)
            queue.append(href)
    return overflowing, broken, seen


def visit(page, url: str):
    """The page's response, once it has loaded; a second try on a time-out (the machine running
    the suite may be busy), None when that fails too."""
    for _attempt in range(2):
        try:
            # Deferred scripts run after the stylesheets: the layout is final by then.
            return page.goto(url, wait_until="domcontentloaded")
        except PlaywrightTimeoutError:
            continue
    return None


def sign_in(page, base: str, language: str) -> None:
    page.goto(base + "/accounts/login/")
    page.locator("#id_username").fill("facilitator")
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/$"))
    # The interface language is the user's own setting: choose it with the header's switch.
    page.locator(f".language-switch button[value='{language}']").click()
    page.wait_for_load_state("load")
    assert page.locator("html").get_attribute("lang") == language


@pytest.fixture
def demo_site(site):
    site.command("demo", timeout=900)
    port = free_port()
    serve = site.start("serve", "--port", str(port), "--workers", "2")
    read_line_with(serve, f"http://127.0.0.1:{port}/", timeout=120)
    drain(serve)
    return f"http://127.0.0.1:{port}"


def phone_page(browser, base: str, language: str):
    context = browser.new_context(locale=language, viewport=PHONE, device_scale_factor=1)
    context.set_default_timeout(30_000)
    page = context.new_page()
    sign_in(page, base, language)
    return context, page


@pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")),
    reason="a page's width does not depend on the database: the SQLite pass runs the sweep",
)
def test_no_page_scrolls_sideways_on_a_phone(demo_site, browser):
    context, page = phone_page(browser, demo_site, "he")
    overflowing, broken, seen = crawl(page, demo_site)
    context.close()
    assert len(seen) >= 60, f"the crawl saw only {len(seen)} kinds of page"
    failures = [f"[he] {line}" for line in overflowing + broken]

    context, page = phone_page(browser, demo_site, "en")
    overflowing, broken = [], []
    for url in seen.values():
        look(page, url, overflowing, broken)
    context.close()
    failures += [f"[en] {line}" for line in overflowing + broken]
    assert not failures, "Pages wider than a 390 px phone, or broken:\n" + "\n".join(failures)
