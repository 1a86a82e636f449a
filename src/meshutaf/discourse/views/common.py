"""What the Discourse Index's pages share: the context every corpus page has, the codebook
grouped by family, and the agreement and model-report tables as the pages show them."""

from __future__ import annotations

import math
from collections import defaultdict

from django.utils.translation import gettext as _

from meshutaf.core.access import Action, Role, role_allows

from .. import charts
from ..languages import language_name
from ..models import Family
from ..selectors.corpora import target_label
from ..selectors.reliability import agreement


def page_context(corpus, role: Role | None, **extra) -> dict:
    """`role` is the viewer's, as the corpus's gate granted it."""
    return {
        "corpus": corpus,
        "initiative": corpus.initiative,
        "can_manage": role_allows(role, Action.MANAGE),
        **extra,
    }


def finite(value) -> bool:
    return isinstance(value, (int, float)) and math.isfinite(value)


def by_family(dimensions) -> list[tuple[str, list]]:
    """Dimensions (or entries holding one under "dimension") grouped by family, in the
    families' order."""
    groups = defaultdict(list)
    for entry in dimensions:
        dimension = entry["dimension"] if isinstance(entry, dict) else entry
        groups[dimension.family].append(entry)
    return [(label, groups[value]) for value, label in Family.choices if groups.get(value)]


def _verdict(value: str) -> str:
    labels = {
        "reliable": _("reliable"),
        "tentative": _("tentative"),
        "unreliable": _("unreliable"),
        "unknown": _("not enough data"),
    }
    return labels.get(value, value)


def agreement_rows(corpus) -> list[dict]:
    return [
        {
            "row": row,
            "svg": charts.alpha_svg(row.alpha, row.low, row.high),
            "verdict": _verdict(row.verdict),
            "alpha": f"{row.alpha:.2f}" if finite(row.alpha) else "—",
            "interval": (
                f"{row.low:.2f} – {row.high:.2f}" if finite(row.low) and finite(row.high) else "—"
            ),
        }
        for row in agreement(corpus=corpus)
    ]


def _metric(value, digits: int = 2) -> str:
    return f"{value:.{digits}f}" if finite(value) else "—"


SKIP_REASONS = {
    "too_few_labels": lambda entry: (
        _(
            "Too few labels: %(positives)s coded yes and %(negatives)s coded no; at least "
            "%(needed)s of each are needed."
        )
        % {
            "positives": entry.get("positives", "—"),
            "negatives": entry.get("negatives", "—"),
            "needed": entry.get("needed", "—"),
        }
    ),
}


def report_rows(report: dict, labels: dict[str, str]):
    """A model's training report as three tables: the trained dimensions, their figures by
    language, and the dimensions skipped with the reason."""
    trained, skipped, by_language = [], [], []
    for key, entry in (report.get("dimensions") or {}).items():
        label = target_label(key, labels)
        if entry.get("skipped"):
            reason = SKIP_REASONS.get(entry["skipped"])
            skipped.append(
                {"label": label, "reason": reason(entry) if reason else entry["skipped"]}
            )
            continue
        trained.append(
            {
                "label": label,
                "n": entry.get("n", "—"),
                "positives": entry.get("positives", "—"),
                "macro_f1": _metric(entry.get("macro_f1")),
                "roc_auc": _metric(entry.get("roc_auc")),
                "brier": _metric(entry.get("brier"), 3),
                "calibration_error": _metric(entry.get("calibration_error"), 3),
                "threshold": _metric(entry.get("threshold")),
                "calibration": {"sigmoid": _("sigmoid (Platt)"), "isotonic": _("isotonic")}.get(
                    entry.get("calibration"), entry.get("calibration") or "—"
                ),
            }
        )
        for code, metrics in (entry.get("by_language") or {}).items():
            by_language.append(
                {
                    "label": label,
                    "language": language_name(code) if code else _("Unknown"),
                    "n": metrics.get("n", "—"),
                    "positives": metrics.get("positives", "—"),
                    "macro_f1": _metric(metrics.get("macro_f1")),
                    "roc_auc": _metric(metrics.get("roc_auc")),
                    "brier": _metric(metrics.get("brier"), 3),
                    "calibration_error": _metric(metrics.get("calibration_error"), 3),
                }
            )
    return trained, by_language, skipped
