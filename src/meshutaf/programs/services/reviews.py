"""Placeholder until the reviews area is written: see the reviews helper's brief."""


def phase_entered(*, cohort, phase: str, by) -> None:
    """Make the review assignments a phase opens with (calibration, first pass)."""
