"""URL converters."""


class IdConverter:
    """A database id: at most 18 digits, so a URL can never overflow a 64-bit key."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)
