"""The default codebook and the labels derived from it.

Each dimension is a yes/no question an annotator answers about one text. The incivility
family follows the usual taxonomy of toxic speech (insult, identity attack, threat,
dehumanisation, profanity); the "different speech" family names what moderate, tolerant
speech does (respect, reasoning, curiosity, nuance, personal story, compassion, common
ground). Two flags keep the measurement honest: a *quotation* of abuse (reporting it,
condemning it) is not counted as abuse in the Incivility sub-index, and *counter-speech*
is reported on its own.

Two sub-indices and a composite are derived from the answers, item by item:
- Incivility: at least one incivility dimension, and the text is not a quotation.
- Different Speech: at least one "different speech" dimension.
- Discourse Index (composite) = 50 × (1 + Different Speech − Incivility), from 0 (every text
  uncivil and none different) through 50 (as much of one as of the other) to 100. Because it
  is the mean of an item-level score (ds − inc), its interval comes from the same
  prediction-powered inference as every other prevalence.
"""

from dataclasses import dataclass

import numpy as np
from django.utils.translation import gettext_lazy as _

from .models import Family

INCIVILITY = "incivility"
DIFFERENT_SPEECH = "different_speech"
COMPOSITE = "index"
QUOTATION = "quotation"


@dataclass(frozen=True)
class DefaultDimension:
    key: str
    family: str
    label: str
    definition: str
    examples: str
    shortcut: str
    asks_target: bool = False


DEFAULTS = [
    DefaultDimension(
        "insult",
        Family.INCIVILITY,
        _("Insult"),
        _("Belittles, mocks or calls a person or group names."),
        _("“Only an idiot would write this.”"),
        "Digit1",
    ),
    DefaultDimension(
        "identity_attack",
        Family.INCIVILITY,
        _("Identity attack"),
        _(
            "Attacks people for who they are: nationality, religion, ethnicity, gender, "
            "sexual orientation, origin. Choose the group attacked."
        ),
        _("“People like them do not belong here.”"),
        "Digit2",
        asks_target=True,
    ),
    DefaultDimension(
        "threat",
        Family.INCIVILITY,
        _("Threat or incitement"),
        _("Threatens harm or calls on others to harm, punish or drive someone out."),
        _("“Someone should teach them a lesson they will not forget.”"),
        "Digit3",
    ),
    DefaultDimension(
        "dehumanisation",
        Family.INCIVILITY,
        _("Dehumanisation or sweeping generalisation"),
        _(
            "Describes people as animals, disease or filth, or says a whole group is the "
            "same (“they are all…”)."
        ),
        _("“They are all the same, every one of them.”"),
        "Digit4",
    ),
    DefaultDimension(
        "profanity",
        Family.INCIVILITY,
        _("Profanity"),
        _("Swear words or obscene language, whoever they are aimed at."),
        "",
        "Digit5",
    ),
    DefaultDimension(
        "respect",
        Family.DIFFERENT_SPEECH,
        _("Respect"),
        _("Addresses others courteously, including people it disagrees with."),
        _("“I see it differently, but I respect your view.”"),
        "KeyQ",
    ),
    DefaultDimension(
        "reasoning",
        Family.DIFFERENT_SPEECH,
        _("Reasoning or evidence"),
        _("Gives reasons, facts, sources or examples for its position."),
        _("“The municipality's own figures show the line is full at rush hour.”"),
        "KeyW",
    ),
    DefaultDimension(
        "curiosity",
        Family.DIFFERENT_SPEECH,
        _("Curiosity"),
        _("Asks a genuine question to understand the other side."),
        _("“What made you reach that conclusion?”"),
        "KeyE",
    ),
    DefaultDimension(
        "nuance",
        Family.DIFFERENT_SPEECH,
        _("Nuance"),
        _("Acknowledges the other side, a complication or its own uncertainty."),
        _("“They have a point about the costs, even if I disagree overall.”"),
        "KeyR",
    ),
    DefaultDimension(
        "personal_story",
        Family.DIFFERENT_SPEECH,
        _("Personal story"),
        _("Shares a personal experience related to the topic."),
        _("“When my son was drafted, we…”"),
        "KeyT",
    ),
    DefaultDimension(
        "compassion",
        Family.DIFFERENT_SPEECH,
        _("Compassion"),
        _("Expresses empathy for others' pain, including people of another group."),
        _("“My heart goes out to the families on both sides.”"),
        "KeyY",
    ),
    DefaultDimension(
        "common_ground",
        Family.DIFFERENT_SPEECH,
        _("Common ground"),
        _("Points to shared values, interests or a way forward together."),
        _("“In the end we all want our children to be safe.”"),
        "KeyU",
    ),
    DefaultDimension(
        "constructive",
        Family.OVERALL,
        _("Constructive overall"),
        _("Taken as a whole, the text moves the conversation forward."),
        "",
        "KeyA",
    ),
    DefaultDimension(
        "counter_speech",
        Family.FLAG,
        _("Counter-speech"),
        _("Responds to hateful or abusive speech to push back against it."),
        _("“Writing that about a whole community is not acceptable.”"),
        "KeyS",
    ),
    DefaultDimension(
        QUOTATION,
        Family.FLAG,
        _("Quotation or report"),
        _(
            "Quotes or reports someone else's words (for example to condemn them): the "
            "abuse it contains is not counted in the Incivility sub-index."
        ),
        _("“Look what he wrote to me: …”"),
        "KeyD",
    ),
]
DEFAULTS_BY_KEY = {dimension.key: dimension for dimension in DEFAULTS}

DEFAULT_TARGETS = [
    _("Arabs"),
    _("Jews"),
    _("Haredim"),
    _("Ethiopian Israelis"),
    _("Immigrants from the former Soviet Union"),
    _("Women"),
    _("LGBTQ people"),
    _("Migrants and asylum seekers"),
    _("A political camp"),
    _("Other"),
]

SHORTCUT_CODES = [f"Digit{n}" for n in range(10)] + [
    f"Key{c}" for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
]


def shortcut_label(code: str) -> str:
    """ "Digit1" → "1", "KeyQ" → "Q": what is printed on the key in the Latin layout."""
    if code.startswith("Digit"):
        return code[5:]
    if code.startswith("Key"):
        return code[3:]
    return code


def _any(values: np.ndarray) -> np.ndarray:
    """1 where some column is 1, 0 where every column is known and 0, NaN otherwise."""
    if values.shape[1] == 0:
        return np.full(values.shape[0], np.nan)
    positive = (values >= 0.5).any(axis=1)
    known = ~np.isnan(values).any(axis=1)
    return np.where(positive, 1.0, np.where(known, 0.0, np.nan))


def derived_labels(values: np.ndarray, keys: list[str], families: dict[str, str]) -> np.ndarray:
    """The sub-index labels from per-dimension 0/1 labels (NaN unknown), item by item:
    columns Incivility and Different Speech."""
    incivility = [i for i, key in enumerate(keys) if families.get(key) == Family.INCIVILITY]
    different = [i for i, key in enumerate(keys) if families.get(key) == Family.DIFFERENT_SPEECH]
    inc = _any(values[:, incivility])
    if QUOTATION in keys:
        quoted = values[:, keys.index(QUOTATION)]
        inc = np.where(quoted >= 0.5, 0.0, inc)
    return np.column_stack([inc, _any(values[:, different])])


def composite_score(difference: float) -> float:
    """The composite's 0–100 scale from the mean of (ds − inc)."""
    return 50.0 * (1.0 + difference)
