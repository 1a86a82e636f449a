"""The Discourse Index: a corpus of public posts, coded by people, a model trained on the codes,
and design-corrected estimates of incivility and its kin over time and communities."""
