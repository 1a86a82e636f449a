"""The reporting workflow's pages (included by `urls`, in its namespace)."""

urlpatterns: list = []
