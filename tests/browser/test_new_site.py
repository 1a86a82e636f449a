"""A new user's first hour, on a site started the way `make run` starts it (`meshutaf demo`,
then `meshutaf serve`) and nothing else: an uploaded document is read and found by search,
invitations reach the mail outbox, and a new deliberation gets its opinion map. Each of these
waits on the background worker, which `serve` must have started by itself."""

import re
from io import BytesIO

import pytest

from ..site_process import free_port, read_line_with, wait_for
from .conftest import assert_accessible, screenshot

pytestmark = [pytest.mark.browser]

DEMO_PASSWORD = "meshutaf-demo-2026"  # the demo's published password
WORD = "זנגביליות"  # appears in the uploaded document and nowhere else


def _docx(text: str) -> bytes:
    import docx

    document = docx.Document()
    document.add_heading("סיכום ביקור שטח", level=1)
    document.add_paragraph(text)
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _reloaded_until(page, url: str, selector_or_text: str, *, timeout: float) -> None:
    def found() -> bool:
        page.goto(url)
        return selector_or_text in page.locator("main").inner_text()

    wait_for(found, timeout=timeout, interval=2, message=f"{selector_or_text!r} never on {url}")


def test_a_new_site_reads_documents_sends_invitations_and_draws_maps(site, browser, tmp_path):
    site.manifest_static = True  # exactly as `make run`
    site.command("demo", timeout=600)
    port = free_port()
    serve = site.start("serve", "--port", str(port), "--workers", "2")
    read_line_with(serve, f"http://127.0.0.1:{port}/", timeout=120)
    base = f"http://127.0.0.1:{port}"

    context = browser.new_context(locale="he-IL", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.goto(base + "/accounts/login/")
    page.locator("#id_username").fill("facilitator")
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/$"))
    # A worker runs, so facilitators are not warned that background jobs are stopped.
    assert page.locator(".background-banner").count() == 0

    # 1. A document: uploaded, read by the worker, found by a word inside it.
    ((initiative_id,),) = site.query(
        "select id from initiatives_initiative where name like 'דיבור אחר%'"
    )
    path = tmp_path / "field-visit.docx"
    path.write_bytes(_docx(f"בביקור עלה רעיון על {WORD} בשיח ברשת."))
    page.goto(f"{base}/initiatives/{initiative_id}/documents/new/")
    page.locator("#id_file").set_input_files(str(path))
    page.locator("#id_title").fill("סיכום ביקור שטח")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()
    _reloaded_until(page, f"{base}/search/?q={WORD}", "סיכום ביקור שטח", timeout=90)
    assert_accessible(page)
    screenshot(page, "new-site-search-he")

    # 2. Invitations: sent by the worker, written to the outbox (no mail server configured).
    ((meeting_id, title),) = site.query(
        "select m.id, m.title from meetings_meeting m where m.status = 'scheduled' and exists ("
        " select 1 from meetings_meetinginvitee i where i.meeting_id = m.id"
        " and i.invited_at is null and i.email <> '') order by m.starts_at desc limit 1"
    )
    page.goto(f"{base}/meetings/{meeting_id}/?tab=invitations")
    page.locator(f"form[action='/meetings/{meeting_id}/send-invitations/'] button").click()
    page.wait_for_load_state()
    outbox = site.data_dir / "outbox"
    wait_for(
        lambda: (
            outbox.exists()
            and any(title in item.read_text(errors="replace") for item in outbox.iterdir())
        ),
        timeout=60,
        interval=1,
        message="no invitation reached the outbox",
    )

    # 3. A new deliberation: created and opened by the facilitator, voted on, mapped.
    ((studio_id,),) = site.query("select id from initiatives_initiative where name like 'הסטודיו%'")
    page.goto(f"{base}/initiatives/{studio_id}/deliberations/new/")
    page.locator("#id_title").fill("מה יחזיק את השותפות?")
    page.locator("#id_question").fill("מה חשוב לכם בשנה הבאה?")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url(re.compile(r".*/deliberations/\d+/$"))
    conversation_id = int(re.search(r"/deliberations/(\d+)/", page.url).group(1))
    site.shell(
        "from meshutaf.deliberation import services;"
        "from meshutaf.deliberation.models import Conversation;"
        "from django.contrib.auth import get_user_model;"
        f"c = Conversation.objects.get(pk={conversation_id});"
        "u = get_user_model().objects.get(username='facilitator');"
        "services.statements_import(conversation=c, by=u, texts=["
        "'יעד מדיד אחד לכל השותפים', 'מימון לזמן של ארגונים קטנים', 'הממשלה מובילה',"
        "'פיילוט קטן לפני התחייבות', 'השותף העסקי שותף בהחלטות', 'חומרים בעברית ובערבית'])"
    )
    page.reload()
    page.locator("button[name=status][value=open]").click()
    page.wait_for_load_state()
    site.shell(
        "from meshutaf.deliberation import services;"
        "from meshutaf.deliberation.models import Conversation;"
        f"c = Conversation.objects.get(pk={conversation_id});"
        "ids = list(c.statements.order_by('pk').values_list('pk', flat=True));"
        "[services.vote_cast(participant=p, statement=c.statements.get(pk=s),"
        " value=(1 if (n < 6) == (i < 3) or i == 5 else -1))"
        " for n in range(12) for p in [services.participant_create(conversation=c)]"
        " for i, s in enumerate(ids)]"
    )
    page.goto(f"{base}/deliberations/{conversation_id}/map/")

    def mapped() -> bool:
        page.reload()
        return page.locator(".opinion-map").count() > 0

    wait_for(mapped, timeout=90, interval=2, message="the opinion map never appeared")
    assert page.locator(".group-card").count() == 2
    assert_accessible(page)
    screenshot(page, "new-site-map-he")
    context.close()
