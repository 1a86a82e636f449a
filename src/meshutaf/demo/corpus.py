"""A synthetic corpus for the "Different Speech" demo, and the generator tests use too; it
needs no database (`discourse.py` loads it into the demo workspace).

Every post is made up here from short phrases (data/discourse.toml), each tied to a codebook
dimension, so the true label of every post is known. Nothing is real; the corpus says so on
every page. Prevalences differ by community and drift over the months, so the dashboard has a
story to show (and the tests something to recover).
"""

from __future__ import annotations

import datetime as dt
import functools
import random
from collections.abc import Mapping
from dataclasses import dataclass

from meshutaf.demo.data import data_read, strings, text


@functools.cache
def topics() -> Mapping[str, tuple[str, ...]]:
    """What posts are about, by language."""
    return {
        language: strings(values) for language, values in data_read("discourse")["topics"].items()
    }


@functools.cache
def phrases() -> Mapping[str, Mapping[str, tuple[str, ...]]]:
    """Phrases by language and dimension: each makes its dimension true for the post it joins."""
    return {
        language: {dimension: strings(values) for dimension, values in by_dimension.items()}
        for language, by_dimension in data_read("discourse")["phrases"].items()
    }


@functools.cache
def quote_prefix() -> Mapping[str, str]:
    """Put before an uncivil phrase that a post quotes, by language."""
    table = data_read("discourse")["quote_prefix"]
    return {language: text(table, language) for language in table}


@functools.cache
def counter() -> Mapping[str, str]:
    """Counter-speech: objecting to incivility, by language."""
    table = data_read("discourse")["counter"]
    return {language: text(table, language) for language in table}


INCIVILITY = ["insult", "identity_attack", "threat", "dehumanisation", "profanity"]
DIFFERENT = [
    "respect",
    "reasoning",
    "curiosity",
    "nuance",
    "personal_story",
    "compassion",
    "common_ground",
]
COMMUNITIES = [("כללי", "he"), ("חרדי", "he"), ("ערבי", "ar"), ("דתי לאומי", "he")]
PLATFORMS = ["facebook", "x", "telegram", "news comments"]


@dataclass
class Post:
    text: str
    language: str
    community: str
    platform: str
    published: dt.datetime
    thread: str
    author: str
    labels: dict[str, int]


def _post(rng: random.Random, language: str, p_uncivil: float, p_different: float) -> tuple:
    labels = dict.fromkeys([*INCIVILITY, *DIFFERENT], 0)
    labels.update(constructive=0, counter_speech=0, quotation=0)
    topic = rng.choice(topics()[language])
    parts = [topic + ":" if rng.random() < 0.5 else topic + " –"]
    if rng.random() < p_uncivil:
        for key in rng.sample(INCIVILITY, k=rng.choice([1, 1, 2])):
            parts.append(rng.choice(phrases()[language][key]))
            labels[key] = 1
        if rng.random() < 0.12:
            parts[1] = quote_prefix()[language] + parts[1]
            labels["quotation"] = 1
    if rng.random() < p_different:
        for key in rng.sample(DIFFERENT, k=rng.choice([1, 1, 2])):
            parts.append(rng.choice(phrases()[language][key]))
            labels[key] = 1
    if rng.random() < 0.05:
        parts.append(counter()[language])
        labels["counter_speech"] = 1
    labels["constructive"] = int(
        any(labels[k] for k in DIFFERENT) and not any(labels[k] for k in INCIVILITY)
    )
    post = ". ".join(parts[:1] + parts[1:]) if len(parts) > 1 else parts[0]
    if rng.random() < 0.3:
        post += rng.choice(["!", "!!", "?", " 🙏", " 😡", "..."])
    return post, labels


def synthetic_posts(
    n: int, *, seed: int = 0, months: int = 6, start: dt.date = dt.date(2026, 1, 1)
) -> list[Post]:
    """`n` posts spread over `months` months and four communities. Incivility grows over the
    months in one community and falls in another; different speech moves the other way."""
    from django.utils import timezone

    rng = random.Random(seed)
    posts = []
    for i in range(n):
        community, language = rng.choice(COMMUNITIES)
        if language == "he" and rng.random() < 0.05:
            language = "en"
        month = rng.randrange(months)
        drift = month / max(1, months - 1)
        p_uncivil = {
            "כללי": 0.25,
            "חרדי": 0.15 + 0.2 * drift,
            "ערבי": 0.35 - 0.2 * drift,
        }.get(community, 0.2)
        p_different = 0.55 - p_uncivil
        content, labels = _post(rng, language, p_uncivil, p_different)
        day = start + dt.timedelta(days=int(month * 30.4 + rng.randrange(28)))
        published = timezone.make_aware(
            dt.datetime.combine(day, dt.time(rng.randrange(7, 23), rng.randrange(60)))
        )
        posts.append(
            Post(
                text=content,
                language=language,
                community=community,
                platform=rng.choice(PLATFORMS),
                published=published,
                thread=f"t{i // 4}",
                author=f"user{rng.randrange(n // 3 + 1)}",
                labels=labels,
            )
        )
    return posts


def posts_as_rows(posts: list[Post]) -> tuple[list[str], list[list[str]]]:
    headers = ["text", "platform", "community", "date", "thread", "author", "id"]
    rows = [
        [
            post.text,
            post.platform,
            post.community,
            post.published.isoformat(),
            post.thread,
            post.author,
            f"p{number}",
        ]
        for number, post in enumerate(posts)
    ]
    return headers, rows
