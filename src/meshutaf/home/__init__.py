"""The home page: a member's initiatives, upcoming meetings and overdue follow-ups at a glance,
and the site-wide notices (a stopped background worker) around every page."""
