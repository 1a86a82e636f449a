"""Organisations, people and their affiliations: who could sit at the table."""
