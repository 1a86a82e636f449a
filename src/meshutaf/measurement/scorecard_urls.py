"""The scorecard, indicator pages and the dashboard (included by `urls`, in its namespace)."""

urlpatterns: list = []
