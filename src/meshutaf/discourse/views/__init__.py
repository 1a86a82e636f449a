"""Pages of the Discourse Index, by concern: `corpora` (the list, a corpus, its communities and
items), `imports` (the two-step import), `coding` (the codebook, annotation, agreement and
adjudication), `samples`, `training` (models and scoring) and `index` (the dashboard, its CSV
and the methodology). Every object is reached through the gates in `permissions.py`; every
write goes through `services.py`, and a refused write shows its reason with status 400 and
changes nothing."""
