"""What every view needs, built once per app: the platform, the jobs, templates, limiter."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from fastapi import HTTPException, Request
from fastapi.templating import Jinja2Templates

from synovia import __version__
from synovia.platform import Synovia
from synovia.publish import User, session_user
from synovia.web.security import SESSION_COOKIE, RateLimiter, client_key, with_defaults

HERE = Path(__file__).parent


@dataclass
class AppState:
    syn: Synovia

    @cached_property
    def templates(self) -> Jinja2Templates:
        from synovia.web.markdown import phone_links, reference_text, render, render_inline

        t = Jinja2Templates(directory=str(HERE / "templates"))
        t.env.filters["md"] = render
        t.env.filters["md_inline"] = render_inline
        t.env.filters["ref_text"] = reference_text
        t.env.filters["tel"] = phone_links
        t.env.globals["version"] = __version__
        return t

    @cached_property
    def limiter(self) -> RateLimiter:
        return RateLimiter(with_defaults(self.syn.settings.rate_limits),
                           self.syn.settings.redis_url)

    @cached_property
    def asker(self):
        from synovia.ask import Asker

        return Asker.from_platform(self.syn)

    @cached_property
    def checker(self):
        from synovia.check import Checker

        return Checker.from_platform(self.syn)

    def check_gate(self, body: str, faq: list[dict], content: dict | None):
        """The publishing gate: the article checker must find no defects."""
        from synovia.publish import GateResult

        ok, summary, defects = self.checker.for_publishing(body, faq, content)
        return GateResult(ok, summary, defects)


def app_state(request: Request) -> AppState:
    return request.app.state.synovia


def current_user(request: Request) -> User | None:
    found = getattr(request.state, "user_cache", False)
    if found is not False:
        return found
    result = session_user(app_state(request).syn.store, request.cookies.get(SESSION_COOKIE))
    user = result[0] if result else None
    request.state.user_cache = user
    return user


def require_user(request: Request, *roles: str) -> User:
    user = current_user(request)
    if user is None:
        raise HTTPException(401, "please sign in")
    if roles and user.role not in roles:
        raise HTTPException(403, f"a {user.role} may not do this")
    return user


def rate(request: Request, bucket: str) -> None:
    app_state(request).limiter.hit(bucket, client_key(request))


def context(request: Request, **extra) -> dict:
    return {"request": request, "user": current_user(request), "csrf": request.state.csrf,
            **extra}
