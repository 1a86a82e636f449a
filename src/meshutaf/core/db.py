"""Query helpers."""

from django.db.models import IntegerField, QuerySet, Subquery


class SubqueryCount(Subquery):
    """COUNT(*) of a correlated subquery. Several of these on one query stay cheap, where
    Count() over several joins multiplies the rows (phases × groups × members)."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) _counted)"
    output_field = IntegerField()

    def __init__(self, queryset: QuerySet, **extra):
        super().__init__(queryset.order_by().values("pk"), **extra)
