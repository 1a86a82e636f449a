"""Reads for the Discourse Index, by concern: `corpora` (overviews, the codebook's wording,
models and runs), `items` (import previews, browsing), `coding` (queues and progress), `gold`
(gold labels, training data, the audit), `reliability` (agreement and disagreements),
`sampling` (cells and uncertainty) and `index` (the index itself). Callers have passed the
gate in `permissions.py`."""
