"""Security for every response and form: CSP and other headers, rate limits (429), and CSRF
tokens (a per-visitor cookie that every form must echo back). Request sizes and content are
checked by `guard`."""

from __future__ import annotations

import hmac
import logging
import re
import secrets
import time

from fastapi import HTTPException, Request
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.responses import Response

log = logging.getLogger("synovia.web")
CSRF_COOKIE = "synovia_csrf"
SESSION_COOKIE = "synovia_session"
#: What `secrets.token_urlsafe` makes; any other cookie value is replaced, never trusted.
CSRF_SHAPE = re.compile(r"[A-Za-z0-9_-]{20,100}")
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; "
       "base-uri 'none'; object-src 'none'")
#: N requests per S seconds per address. Sign-ins: every attempt counts towards "login", which a
#: day of staff moving between roles never reaches; wrong passwords also count towards
#: "login-failed", which a brute-force run does (accounts have their own lock as well).
DEFAULT_LIMITS = {"ask": (30, 60), "check": (10, 60), "login": (60, 300),
                  "login-failed": (20, 300), "enquiry": (5, 3600)}


def with_defaults(configured: dict[str, tuple[int, int]]) -> dict[str, tuple[int, int]]:
    """The limits in force: SYNOVIA_RATE_LIMITS (read and checked by `synovia.config`) over
    the defaults."""
    return {**DEFAULT_LIMITS, **configured}


class RateLimiter:
    """Moving-window limits per (bucket, client), kept by the `limits` library: in this
    process by default, or in Redis when SYNOVIA_REDIS_URL is set, so the limits hold across
    workers and machines. If Redis cannot be reached the limits fall back to this process (and
    say so in the log) rather than refuse every request."""

    def __init__(self, limits: dict[str, tuple[int, int]], storage_url: str | None = None,
                 key_prefix: str = "synovia") -> None:
        from limits import RateLimitItemPerSecond
        from limits.storage import MemoryStorage, storage_from_string
        from limits.strategies import MovingWindowRateLimiter

        self.items = {b: RateLimitItemPerSecond(n, secs) for b, (n, secs) in limits.items()
                      if n and secs}
        self.shared = bool(storage_url)
        storage = (storage_from_string(storage_url, key_prefix=key_prefix)
                   if storage_url else MemoryStorage())
        self._limiter = MovingWindowRateLimiter(storage)
        self._local = MovingWindowRateLimiter(MemoryStorage())
        self.storage = storage

    def hit(self, bucket: str, client: str) -> None:
        item = self.items.get(bucket)
        if item is None:
            return
        limiter = self._limiter
        try:
            allowed = limiter.hit(item, bucket, client)
        except Exception as exc:  # noqa: BLE001 - a shared store that is down: keep serving
            log.warning("rate-limit store unreachable (%s); limiting in this process",
                        type(exc).__name__)
            limiter = self._local
            allowed = limiter.hit(item, bucket, client)
        if not allowed:
            reset = limiter.get_window_stats(item, bucket, client).reset_time
            retry = max(1, int(reset - time.time()) + 1)
            raise HTTPException(429, f"too many {bucket} requests; try again in {retry} s",
                                headers={"Retry-After": str(retry)})


def _trusts_proxy(request: Request) -> bool:
    """SYNOVIA_TRUST_PROXY, from the app's settings (read once, with the rest)."""
    state = getattr(request.app.state, "synovia", None)
    return bool(state is not None and state.syn.settings.trust_proxy)


def client_key(request: Request) -> str:
    if _trusts_proxy(request) and request.headers.get("x-forwarded-for"):
        return request.headers["x-forwarded-for"].split(",")[0].strip()
    return request.client.host if request.client else "unknown"


def is_https(request: Request) -> bool:
    if request.url.scheme == "https":
        return True
    return _trusts_proxy(request) and \
        request.headers.get("x-forwarded-proto") == "https"


def secure(response: Response, request: Request) -> Response:
    """The headers every response carries, error pages included."""
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Permissions-Policy"] = "geolocation=(), camera=(), microphone=()"
    if is_https(request):
        response.headers["Strict-Transport-Security"] = "max-age=31536000"
    return response


class SecurityMiddleware(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next):
        token = request.cookies.get(CSRF_COOKIE)
        if not token or not CSRF_SHAPE.fullmatch(token):
            token = secrets.token_urlsafe(24)
            request.state.new_csrf = token
        request.state.csrf = token
        response = secure(await call_next(request), request)
        if getattr(request.state, "new_csrf", None):
            response.set_cookie(CSRF_COOKIE, request.state.new_csrf, httponly=True,
                                samesite="strict", secure=is_https(request), path="/")
        return response


def check_csrf(request: Request, submitted: str | None) -> None:
    """Refuse a form whose token does not match the visitor's cookie (403)."""
    cookie = request.cookies.get(CSRF_COOKIE) or ""
    # compare_digest raises TypeError on non-ASCII text; no token of ours is anything but ASCII.
    if not (submitted and submitted.isascii() and CSRF_SHAPE.fullmatch(cookie)
            and hmac.compare_digest(cookie, submitted)):
        raise HTTPException(403, "the form's security token is missing or out of date; "
                                 "reload the page and try again")
