"""Placeholder: filled by the alumni area."""

urlpatterns: list = []
