"""Placeholder: filled by the nomination area."""

urlpatterns: list = []
