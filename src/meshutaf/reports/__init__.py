"""Reports: an initiative's summary over a period, as a page, HTML, DOCX or PDF."""
