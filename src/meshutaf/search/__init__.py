"""Full-text search across an initiative's meetings, minutes, outcomes, documents and insights.

The index and its analysis live here; what gets indexed does not. Each feature app registers
its kinds and entry builders in `registry` (from its AppConfig.ready) and calls `indexing`
from its services, so this app imports no feature app.
"""
