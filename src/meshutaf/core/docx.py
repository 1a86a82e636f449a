"""Word documents in Hebrew and Arabic: python-docx writes left-to-right documents, so every
DOCX export (the summary report, workshop sessions) turns itself right to left here."""

import re

LANGUAGE_TAGS = {"he": "he-IL", "ar": "ar", "en": "en"}
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

# The elements that must follow <w:bidi> inside <w:pPr> and <w:sectPr> (schema order).
_AFTER_PARAGRAPH_BIDI = (
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)
_AFTER_SECTION_BIDI = ("w:rtlGutter", "w:docGrid", "w:printerSettings", "w:sectPrChange")


def xml_text(value) -> str:
    """Text Word accepts: control characters XML cannot hold are dropped."""
    return _NOT_XML.sub("", "" if value is None else str(value))


def language_tag(language: str) -> str:
    return LANGUAGE_TAGS.get(language, language)


def make_right_to_left(document, language: str) -> None:
    """Every paragraph right to left (w:bidi), every run a right-to-left run (w:rtl), every
    table laid out from the right (w:bidiVisual), the page too, and Hebrew or Arabic as the
    language of complex-script text so Word picks the right fonts and proofing."""
    from docx.enum.table import WD_TABLE_DIRECTION
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.table import Table

    body = document.element.body
    for paragraph in body.iter(qn("w:p")):
        properties = paragraph.get_or_add_pPr()
        if properties.find(qn("w:bidi")) is None:
            properties.insert_element_before(OxmlElement("w:bidi"), *_AFTER_PARAGRAPH_BIDI)
    for run in body.iter(qn("w:r")):
        run.get_or_add_rPr().get_or_add_rtl()
    for table in body.iter(qn("w:tbl")):
        Table(table, document).table_direction = WD_TABLE_DIRECTION.RTL
    for section in body.iter(qn("w:sectPr")):
        if section.find(qn("w:bidi")) is None:
            section.insert_element_before(OxmlElement("w:bidi"), *_AFTER_SECTION_BIDI)
    run_properties = document.styles["Normal"].element.get_or_add_rPr()
    run_properties.get_or_add_rtl()
    lang = run_properties.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        run_properties.append(lang)
    lang.set(qn("w:bidi"), language_tag(language))
