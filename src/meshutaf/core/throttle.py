"""Limits on what people without an account may create (a deliberation's participants, a
workshop's notes), counted per client. The client's address (core.http.client_address) is only
ever kept as a salted hash scoped to one conversation or workshop, so stored rows can neither be
traced back to an address nor linked across conversations."""

import ipaddress

from django.core.exceptions import ValidationError
from django.utils.crypto import salted_hmac

# IPv6 hands every home and phone a /64 to choose addresses from: counting whole addresses
# would let one client be a new "address" on every request.
IPV6_PREFIX = 64


class RateLimitError(ValidationError):
    """A request refused by a rate limit: answered with HTTP 429 and a message, nothing written.
    `retry_after` is the number of seconds until it would be accepted again."""

    def __init__(self, message, *, retry_after: int):
        super().__init__(message, code="throttled")
        self.retry_after = max(1, int(retry_after))


def _network(address: str) -> str:
    """The unit a limit counts: an IPv4 address, or an IPv6 /64. Anything unreadable (no
    address at all) counts as one shared unknown client, never as a fresh one each time."""
    try:
        parsed = ipaddress.ip_address(address.strip().split("%")[0])
    except ValueError:
        return "unknown"
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{parsed}/{IPV6_PREFIX}", strict=False))
    return str(parsed)


def address_hash(address: str, *, scope: str) -> str:
    """A salted hash (HMAC with the site's secret key) of the client's network within one
    scope, e.g. "deliberation:12": equal for the same client in the same conversation,
    unrelated across conversations, and not reversible without the secret key."""
    return salted_hmac(
        "meshutaf.core.throttle.address", f"{scope}|{_network(address)}", algorithm="sha256"
    ).hexdigest()[:32]
