"""The canvas templates Meshutaf ships with, as data. Their texts are English gettext source
strings (marked here so `makemessages` finds them); pages and exports translate them into the
reader's language. `services.builtin_templates_ensure` loads them idempotently."""

from django.utils.translation import gettext_noop


def _axis(key: str, label: str) -> dict:
    return {"key": key, "label": label}


ORGANISATION = _axis("organisation", gettext_noop("My organisation"))
JOINT_MOVE = _axis("move", gettext_noop("The joint move"))

BUILTIN_TEMPLATES: list[dict] = [
    {
        "key": "price-opportunity",
        "title": gettext_noop("Price and opportunity"),
        "description": gettext_noop(
            "What joining a joint move costs and what it offers, for my organisation and for "
            "the move itself."
        ),
        "schema": {
            "builtin": True,
            "sections": [
                {
                    "key": "matrix",
                    "title": gettext_noop("How can I bring my organisation into a joint move?"),
                    "help": gettext_noop(
                        "One short note per idea: a price to pay or an opportunity."
                    ),
                    "kind": "grid",
                    "rows": [ORGANISATION, JOINT_MOVE],
                    "columns": [
                        _axis("price", gettext_noop("Price")),
                        _axis("opportunity", gettext_noop("Opportunity")),
                    ],
                },
                {
                    "key": "practices",
                    "title": gettext_noop("Possible and recommended practices"),
                    "help": "",
                    "kind": "list",
                    "rows": [],
                    "columns": [],
                },
                {
                    "key": "questions",
                    "title": gettext_noop("Issues, insights and questions from the discussion"),
                    "help": "",
                    "kind": "list",
                    "rows": [],
                    "columns": [],
                },
            ],
        },
    },
    {
        "key": "unique-value",
        "title": gettext_noop("The sector's unique value"),
        "description": gettext_noop(
            "What our sector brings to a joint move that no one else does."
        ),
        "schema": {
            "builtin": True,
            "sections": [
                {
                    "key": "practical",
                    "title": gettext_noop("Practical aspects"),
                    "help": gettext_noop("Knowledge, capacities, reach, services."),
                    "kind": "list",
                    "rows": [],
                    "columns": [],
                },
                {
                    "key": "values",
                    "title": gettext_noop("Values"),
                    "help": gettext_noop("What the sector stands for and keeps in view."),
                    "kind": "list",
                    "rows": [],
                    "columns": [],
                },
            ],
        },
    },
    {
        "key": "pitfalls-springboards",
        "title": gettext_noop("Pitfalls and springboards"),
        "description": gettext_noop(
            "What may trip us up and what may lift us, for the organisation and for the move."
        ),
        "schema": {
            "builtin": True,
            "sections": [
                {
                    "key": "pitfalls",
                    "title": gettext_noop("Pitfalls and springboards"),
                    "help": "",
                    "kind": "grid",
                    "rows": [
                        _axis("organisation", gettext_noop("For the organisation")),
                        _axis("move", gettext_noop("For the move")),
                    ],
                    "columns": [
                        _axis("pitfalls", gettext_noop("Pitfalls")),
                        _axis("springboards", gettext_noop("Springboards")),
                    ],
                }
            ],
        },
    },
    {
        "key": "advancing-issue",
        "title": gettext_noop("Advancing an issue"),
        "description": gettext_noop("How to move an issue forward inside a joint move."),
        "schema": {
            "builtin": True,
            "sections": [
                {
                    "key": "tips",
                    "title": gettext_noop("Tips, advice and recommendations"),
                    "help": "",
                    "kind": "list",
                    "rows": [],
                    "columns": [],
                },
                {
                    "key": "mechanisms",
                    "title": gettext_noop("Existing mechanisms and platforms"),
                    "help": gettext_noop("In the organisation and in the joint move."),
                    "kind": "list",
                    "rows": [],
                    "columns": [],
                },
                {
                    "key": "avoid",
                    "title": gettext_noop("What not to do"),
                    "help": "",
                    "kind": "list",
                    "rows": [],
                    "columns": [],
                },
                {
                    "key": "objections",
                    "title": gettext_noop("Which objections may come up?"),
                    "help": "",
                    "kind": "list",
                    "rows": [],
                    "columns": [],
                },
                {
                    "key": "questions",
                    "title": gettext_noop("Open questions"),
                    "help": "",
                    "kind": "list",
                    "rows": [],
                    "columns": [],
                },
            ],
        },
    },
    {
        "key": "blank",
        "title": gettext_noop("Blank canvas"),
        "description": gettext_noop("One open list: for a quick round of ideas."),
        "schema": {
            "builtin": True,
            "sections": [
                {
                    "key": "ideas",
                    "title": gettext_noop("Ideas"),
                    "help": "",
                    "kind": "list",
                    "rows": [],
                    "columns": [],
                }
            ],
        },
    },
]
