"""The client's address, for rate limits and login throttling: one trusted-proxy rule.

A request that arrives from a trusted proxy (``TRUSTED_PROXIES``: the nginx in front, by
default on the same machine) is for the address that proxy saw: the rightmost entry of
``X-Forwarded-For`` that is not itself a trusted proxy (each proxy appends what it saw, so
entries to the left are whatever the client wrote). A request from anywhere else is for
``REMOTE_ADDR``, and its forwarding header is ignored: anyone can send one.
"""

import functools
import ipaddress

from django.conf import settings

FORWARDED_FOR = "HTTP_X_FORWARDED_FOR"


@functools.lru_cache(maxsize=8)
def _networks(trusted):
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in trusted)


def _address(text):
    text = text.strip()
    if text.startswith("[") and "]" in text:  # "[2001:db8::1]:443"
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # "203.0.113.9:443"
        text = text.split(":", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def is_trusted_proxy(address, trusted=None):
    trusted = settings.NEWSROOM_TRUSTED_PROXIES if trusted is None else trusted
    parsed = _address(address) if isinstance(address, str) else address
    if parsed is None:
        return False
    if parsed.version == 6 and parsed.ipv4_mapped:
        parsed = parsed.ipv4_mapped
    return any(parsed in network for network in _networks(tuple(trusted)))


def client_ip(request):
    """The client's address as a string ("" when the request carries none)."""
    meta = getattr(request, "META", None) or {}
    remote = meta.get("REMOTE_ADDR", "")
    if not is_trusted_proxy(remote):
        return remote
    hops = [hop for hop in meta.get(FORWARDED_FOR, "").split(",") if hop.strip()]
    for hop in reversed(hops):
        parsed = _address(hop)
        if parsed is None:
            # A proxy we trust wrote something that is no address: stop trusting the chain.
            return remote
        if not is_trusted_proxy(parsed):
            return str(parsed)
    return remote
