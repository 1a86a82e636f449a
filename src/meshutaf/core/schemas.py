"""Types shared by the API schemas: database ids within range, pagination, and errors."""

from typing import Annotated

from django.conf import settings
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

MAX_ID = 2**63 - 1  # the largest id a 64-bit primary key can hold

# An id the database can look up: a larger number would crash SQLite and PostgreSQL.
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class Pagination(LimitOffsetPagination):
    """`limit` and `offset` bounded, so no request can ask the database for row 10²⁰."""

    class Input(Schema):
        limit: int = Field(
            settings.NINJA_PAGINATION_PER_PAGE, ge=1, le=settings.NINJA_PAGINATION_MAX_LIMIT
        )
        offset: int = Field(0, ge=0, le=MAX_ID)


class ErrorOut(Schema):
    """Every refusal: what went wrong, in the caller's language, and for invalid input each
    field's messages ("__all__" for the request as a whole)."""

    detail: str
    errors: dict[str, list[str]] | None = Field(
        None, description="Field name → its messages; absent when no field is to blame."
    )
