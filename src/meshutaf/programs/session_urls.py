"""Placeholder: filled by the session area."""

urlpatterns: list = []
