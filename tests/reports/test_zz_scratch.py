from meshutaf.reports import render
from meshutaf.reports.selectors import initiative_summary
from .conftest import FROM, TO


def test_dump(history):
    s = initiative_summary(initiative=history.initiative, date_from=FROM, date_to=TO)
    for lang in ("he", "en", "ar"):
        open(f"/tmp/msh-out/r-{lang}.html", "w").write(render.render_html(s, language=lang))
        open(f"/tmp/msh-out/r-{lang}.pdf", "wb").write(render.render_pdf(s, language=lang))
        open(f"/tmp/msh-out/r-{lang}.docx", "wb").write(render.render_docx(s, language=lang))
