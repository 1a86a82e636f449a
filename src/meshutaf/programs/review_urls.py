"""Placeholder: filled by the review area."""

urlpatterns: list = []
