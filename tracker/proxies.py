"""Proxy headers are believed only from the proxies a setting names.

Behind a load balancer the client's scheme and address arrive in X-Forwarded-Proto /
X-Forwarded-For, but any client can send those headers itself: trusted from everyone, a plain
HTTP request claiming `X-Forwarded-Proto: https` was taken for HTTPS. This middleware, first in
the stack, strips the forwarding headers from every request that does not come from an address
in TRACKER_PROXY_ADDRESSES (addresses or networks); SECURE_PROXY_SSL_HEADER is set only when
that list is not empty.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from ipaddress import IPv4Network, IPv6Network, ip_address, ip_network

from django.conf import settings
from django.http import HttpRequest, HttpResponse

FORWARDING_HEADERS = (
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
    "HTTP_X_FORWARDED_SSL",
    "HTTP_X_REAL_IP",
    "HTTP_FORWARDED",
)


@cache
def _networks(addresses: tuple[str, ...]) -> tuple[IPv4Network | IPv6Network, ...]:
    return tuple(ip_network(address, strict=False) for address in addresses)


def from_trusted_proxy(remote_addr: str) -> bool:
    networks = _networks(tuple(settings.TRACKER_PROXY_ADDRESSES))
    if not networks:
        return False
    try:
        address = ip_address(remote_addr)
    except ValueError:
        return False
    return any(address in network for network in networks)


class TrustedProxyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not from_trusted_proxy(request.META.get("REMOTE_ADDR", "")):
            for header in FORWARDING_HEADERS:
                request.META.pop(header, None)
        return self.get_response(request)


def client_ip(request: HttpRequest) -> str:
    """The client's address: behind a named proxy, the last X-Forwarded-For hop that is not one
    of the proxies; otherwise the connection's address (AXES_CLIENT_IP_CALLABLE, throttles)."""
    remote = request.META.get("REMOTE_ADDR", "")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded and from_trusted_proxy(remote):
        for hop in reversed([part.strip() for part in forwarded.split(",")]):
            if hop and not from_trusted_proxy(hop):
                return str(hop)
    return str(remote)
