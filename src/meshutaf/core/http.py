"""Who is asking: the client's address, for rate limits and login throttling."""

import ipaddress

from django.conf import settings


def client_address(request) -> str:
    """The client's IP address, or "unknown" (a request made in-process, without one)."""
    return client_ip(request) or "unknown"


def client_ip(request) -> str | None:
    """The client's IP address, or None. Behind a reverse proxy (MESHUTAF_BEHIND_PROXY) that is
    the last address in X-Forwarded-For, the one our proxy appended; earlier entries come from
    the client and can be forged. Otherwise the connection's own address."""
    address = request.META.get("REMOTE_ADDR", "") or ""
    if getattr(settings, "BEHIND_PROXY", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        last = forwarded.split(",")[-1].strip() if forwarded else ""
        if last:
            address = last
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None
