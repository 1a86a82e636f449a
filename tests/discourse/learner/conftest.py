"""Labelled trilingual texts for the learner's tests, and one model trained on them."""

import random

import numpy as np
import pytest

from meshutaf.discourse.learner.config import MIN_PER_CLASS
from meshutaf.discourse.learner.training import train

NEUTRAL = {
    language: words.split()
    for language, words in {
        "he": "תקציב עירייה אוטובוס שכונה ילדים גן מים חשמל רחוב תושבים מחר היום אבל גם",
        "ar": "الميزانية البلدية الحافلة الحي الأطفال الماء الكهرباء الشارع السكان غدا اليوم",
        "en": "budget council bus street children park water power residents today but also",
    }.items()
}
INSULT = {
    "he": ["מטומטם", "אידיוט", "שקרן"],
    "ar": ["غبي", "كذاب", "حمار"],
    "en": ["idiot", "liar"],
}
RESPECT = {"he": ["תודה רבה", "בכבוד"], "ar": ["شكرا جزيلا", "مع احترامي"], "en": ["thank you"]}
DIMENSIONS = ["insult", "respect", "threat"]


def make_data(n: int, seed: int):
    """Short trilingual texts; `insult` and `respect` carry (noisy) cue words, `threat` has
    too few positives to train, `respect` is unlabelled for a fifth of the items."""
    rng = random.Random(seed)  # noqa: S311 - test data, not secrets
    texts, labels, languages = [], [], []
    for i in range(n):
        language = ("he", "ar", "en")[i % 3]
        words = [rng.choice(NEUTRAL[language]) for _ in range(rng.randint(6, 12))]
        insult, respect = rng.random() < 0.3, rng.random() < 0.3
        if insult and rng.random() < 0.9:
            words.insert(rng.randrange(len(words)), rng.choice(INSULT[language]))
        if respect and rng.random() < 0.9:
            words.insert(rng.randrange(len(words)), rng.choice(RESPECT[language]))
        texts.append(" ".join(words))
        labels.append([insult, np.nan if i % 5 == 4 else respect, i < MIN_PER_CLASS - 2])
        languages.append(language)
    return texts, np.asarray(labels, dtype=np.float64), languages


@pytest.fixture(scope="package")
def trained():
    texts, labels, languages = make_data(600, seed=1)
    seen = []
    result = train(texts, labels, DIMENSIONS, languages=languages, seed=3, progress=seen.append)
    return texts, labels, result, seen
