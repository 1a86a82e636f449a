"""Workshops: a facilitated session's groups, canvases and notes (by account or by link),
themes, and exports to files and to the knowledge base."""
