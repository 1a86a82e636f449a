"""Placeholder: filled by the selection area."""

urlpatterns: list = []
