"""Where a request came from, for limits that count per client."""


def request_client_address(request) -> str:
    """`client_address` of a request, behind the proxies the settings trust."""
    from django.conf import settings

    return client_address(
        request.META.get("REMOTE_ADDR", ""),
        request.META.get("HTTP_X_FORWARDED_FOR", ""),
        settings.TRUSTED_PROXY_COUNT,
    )


def client_address(remote_addr: str, forwarded_for: str, trusted_proxies: int) -> str:
    """The address of the client, behind `trusted_proxies` proxies of our own.

    Each proxy appends the address it was reached from to X-Forwarded-For, so the client is
    the one our first proxy wrote: the Nth entry from the right. Entries further left were
    written by the client and can be forged, so they are never used. With no trusted proxy,
    or a header shorter than the proxies we have (the request did not come through them),
    the connection's own address is the client.
    """
    if trusted_proxies <= 0:
        return remote_addr
    hops = [h.strip() for h in (forwarded_for or "").split(",") if h.strip()]
    if len(hops) < trusted_proxies:
        return remote_addr
    return hops[-trusted_proxies]
