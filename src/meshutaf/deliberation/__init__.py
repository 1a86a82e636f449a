"""Deliberation: Pol.is-style conversations (statements, votes) and their opinion map, with
Pol.is open-data import and export."""
