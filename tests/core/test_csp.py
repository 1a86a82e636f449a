"""Every HTML page carries a Content-Security-Policy that allows no inline script, and no
template relies on one (inline handlers, scripts without the nonce)."""

import re
from pathlib import Path

import pytest

import meshutaf

TEMPLATES = sorted(Path(meshutaf.__file__).parent.rglob("templates/**/*.html"))
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=\s*[\"']", re.IGNORECASE)
HX_ON = re.compile(r"\shx-on[:-]", re.IGNORECASE)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>")


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.django_db
def test_pages_allow_scripts_only_from_the_site(initiative, as_user, owner):
    for url in ("/", f"/initiatives/{initiative.pk}/", "/accounts/login/"):
        policy = _policy(as_user(owner if url != "/accounts/login/" else None).get(url))
        assert "'unsafe-inline'" not in policy["script-src"]
        assert "'unsafe-eval'" not in policy["script-src"]
        assert "'self'" in policy["script-src"]
        assert policy["object-src"] == ["'none'"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert policy["base-uri"] == ["'self'"]


@pytest.mark.django_db
def test_the_api_reference_runs_its_one_inline_script_by_nonce(as_user, owner):
    response = as_user(owner).get("/api/docs")
    nonce = re.search(r"<script nonce=\"([^\"]+)\">", response.content.decode()).group(1)
    assert f"'nonce-{nonce}'" in _policy(response)["script-src"]


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: path.name)
def test_no_template_needs_an_inline_script(template):
    source = template.read_text()
    assert not INLINE_HANDLER.search(source), "inline event handler (use data-* and a script)"
    assert not HX_ON.search(source), "hx-on needs eval, which the policy forbids"
    for tag in INLINE_SCRIPT.findall(source):
        assert "nonce=" in tag, f"inline script without the page's nonce: {tag}"
