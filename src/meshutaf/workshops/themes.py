"""Theme suggestions for short workshop notes, with no database access: texts in, groups of
ids out. Hebrew, Arabic and English notes are folded first (points and harakat dropped, final
letters and letter variants unified), then compared by character n-grams within word bounds,
which survive the prefixes Hebrew and Arabic attach to words ("לארגון", "والمنظمة")."""

import re
from collections.abc import Sequence
from dataclasses import dataclass

from meshutaf.core.text import fold_text

# Average-linkage cosine distance under which two groups of notes are one theme. Tuned on
# short Hebrew, Arabic and English notes: near-duplicates sit below 0.6, notes on unrelated
# topics above 0.9.
DEFAULT_THRESHOLD = 0.78
NAME_LENGTH = 60
_NOT_WORD = re.compile(r"[^\w\s]+")


@dataclass(frozen=True)
class Cluster:
    ids: tuple[int, ...]
    name: str
    central_id: int


def fold_for_clustering(text: str) -> str:
    return " ".join(_NOT_WORD.sub(" ", fold_text(text)).split())


def short_name(text: str, limit: int = NAME_LENGTH) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] or text[:limit]
    return cut.rstrip(" ,.;:-–") + "…"


def cluster_texts(
    items: Sequence[tuple[int, str]],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    min_size: int = 2,
) -> list[Cluster]:
    """Group (id, text) pairs whose texts say nearly the same thing.

    Deterministic: the input is sorted by id first. Returns clusters of at least `min_size`
    notes, largest first; each is named after its most central note (the one closest to all
    the others), which the facilitator can then rename."""
    items = sorted(((int(pk), text) for pk, text in items), key=lambda item: item[0])
    folded = [(pk, fold_for_clustering(text), text) for pk, text in items]
    usable = [item for item in folded if item[1]]
    if len(usable) < max(min_size, 2):
        return []

    from sklearn.cluster import AgglomerativeClustering
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_similarity

    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True)
    matrix = vectorizer.fit_transform([item[1] for item in usable])
    dense = matrix.toarray()
    if not dense.any(axis=1).all():
        # A note of single letters only has no n-grams; leave it out rather than fail.
        keep = dense.any(axis=1)
        usable = [item for item, ok in zip(usable, keep, strict=True) if ok]
        dense = dense[keep]
        if len(usable) < max(min_size, 2):
            return []
    labels = AgglomerativeClustering(
        n_clusters=None, metric="cosine", linkage="average", distance_threshold=threshold
    ).fit_predict(dense)
    similarity = cosine_similarity(dense)

    members: dict[int, list[int]] = {}
    for index, label in enumerate(labels):
        members.setdefault(int(label), []).append(index)
    clusters = []
    for indexes in members.values():
        if len(indexes) < min_size:
            continue
        # The most central note: highest total similarity to the others (ties: lowest id).
        central = max(
            indexes, key=lambda i: (round(float(similarity[i, indexes].sum()), 9), -usable[i][0])
        )
        clusters.append(
            Cluster(
                ids=tuple(usable[i][0] for i in indexes),
                name=short_name(usable[central][2]),
                central_id=usable[central][0],
            )
        )
    clusters.sort(key=lambda cluster: (-len(cluster.ids), cluster.ids[0]))
    return clusters
