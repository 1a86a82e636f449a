"""Pages for workshops, by concern: `sessions` (the board, groups, moderation, exports),
`themes`, `canvas_templates`, and `participate` (people without an account). Members reach
everything through the gates in `permissions.py`; participants reach one working group's canvas
through its join token, and their own contributions through the participant key kept in their
browser session."""
