"""The web application factory: pages, the JSON API, security middleware and error pages."""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import text
from sqlalchemy.exc import (
    DataError,
    InterfaceError,
    OperationalError,
    ProgrammingError,
    SQLAlchemyError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from synovia import __version__
from synovia.platform import Synovia
from synovia.search import ensure_index
from synovia.web import admin, api, directory, editorial, pages
from synovia.web.guard import InputGuard
from synovia.web.security import SecurityMiddleware, secure
from synovia.web.state import HERE, AppState, app_state

log = logging.getLogger("synovia.web")
#: Seconds a client should wait before trying again while the database is unreachable.
RETRY_AFTER = "10"
UNREACHABLE = (OperationalError, InterfaceError, PoolTimeout)


def _readable(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err.get("loc", []) if p != "body")
        parts.append(f"{loc or 'body'}: {err.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request"


def create_app(syn: Synovia | None = None) -> FastAPI:
    state = AppState(syn or Synovia())

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        # A load killed before its index was rebuilt left a durable note: catch up before
        # serving, so answers retrieve again (an unmigrated database is left to /readyz).
        try:
            if await run_in_threadpool(ensure_index, state.syn.store, state.syn.vocab):
                log.warning("rebuilt the search index an interrupted evidence load left behind")
        except SQLAlchemyError as exc:
            log.warning("search index not checked at start: %s", _first_line(exc))
        yield

    app = FastAPI(title="Synovia", version=__version__, lifespan=lifespan,
                  description="Evidence-graded answers and article checks for osteoarthritis "
                              "injection treatments. Information, not medical advice.")
    app.state.synovia = state
    # The last added runs first: headers go on everything, the guard's refusals included.
    app.add_middleware(InputGuard)
    app.add_middleware(SecurityMiddleware)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.include_router(pages.router)
    app.include_router(editorial.router)
    app.include_router(admin.router)
    app.include_router(api.router)
    app.include_router(directory.router)

    @app.get("/healthz")
    def healthz() -> dict:
        """Liveness: the process answers. It does not touch the database (see /readyz)."""
        return {"status": "ok", "version": __version__}

    @app.get("/readyz")
    def readyz(request: Request):
        """Readiness: the database answers and its schema is migrated; 503 otherwise."""
        store = app_state(request).syn.store
        try:
            with store.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except SQLAlchemyError as exc:
            log.warning("readiness: database unreachable: %s", _first_line(exc))
            return _unavailable("database unreachable")
        if store.current_revision() is None:
            return _unavailable("database not migrated; run `synovia db upgrade`")
        return {"status": "ready", "database": "ok", "version": __version__}

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError):
        message = _readable(exc)
        if request.url.path.startswith("/api/"):
            # Type, place and message only: the input itself may be bytes, or a megabyte.
            detail = [{k: err[k] for k in ("type", "loc", "msg") if k in err}
                      for err in exc.errors()]
            return JSONResponse({"error": message, "detail": detail}, status_code=422)
        return _error_page(request, 422, message)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException):
        if request.url.path.startswith("/api/"):
            detail = exc.detail if isinstance(exc.detail, dict) else {"error": exc.detail}
            return JSONResponse(detail, status_code=exc.status_code, headers=exc.headers)
        if exc.status_code == 401:
            return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
        return _error_page(request, exc.status_code, str(exc.detail), exc.headers)

    @app.exception_handler(DataError)
    @app.exception_handler(OverflowError)
    async def bad_value(request: Request, exc: Exception):
        # Values the database refuses (a number past the column's range, a NUL in a multipart
        # field): the request's fault, so 400, not a server error.
        log.info("refused a value the database cannot take: %s", _first_line(exc))
        what = "contains a NUL byte" if "NUL" in str(exc) else "is out of range or not allowed"
        return _error(request, 400, f"a value in the request {what}")

    async def unreachable(request: Request, exc: Exception):
        request.state.user_cache = None  # the error page must not ask the database again
        if _missing_table(exc) and not _migrated(request):
            log.warning("database not migrated: %s", _first_line(exc))
            return _error(request, 503, "the database has not been set up yet: run "
                                        "`synovia db upgrade`, then `synovia evidence load`, "
                                        "and reload this page", {"Retry-After": RETRY_AFTER})
        log.warning("database unreachable: %s", _first_line(exc))
        return _error(request, 503, "the database is unavailable; try again shortly",
                      {"Retry-After": RETRY_AFTER})

    for kind in UNREACHABLE:
        app.add_exception_handler(kind, unreachable)

    @app.exception_handler(ProgrammingError)
    async def programming(request: Request, exc: ProgrammingError):
        # PostgreSQL reports a missing table as a programming error: an unmigrated database.
        if _missing_table(exc):
            return await unreachable(request, exc)
        return await server_error(request, exc)

    @app.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception):
        # Starlette calls this outside every middleware, so the headers are added here.
        request.state.user_cache = None
        try:
            response = _error(request, 500, "something went wrong on our side")
        except Exception:  # noqa: BLE001 - the error page itself failed: plain text
            response = PlainTextResponse("something went wrong on our side", status_code=500)
        return secure(response, request)

    return app


def _missing_table(exc: Exception) -> bool:
    """SQLite's "no such table" or PostgreSQL's "relation ... does not exist"."""
    text_ = str(exc)
    return "no such table" in text_ or ("relation" in text_ and "does not exist" in text_)


def _migrated(request: Request) -> bool:
    try:
        return app_state(request).syn.store.current_revision() is not None
    except SQLAlchemyError:
        return False


def _first_line(exc: Exception) -> str:
    return (str(exc).splitlines() or [type(exc).__name__])[0][:300]


def _unavailable(message: str) -> JSONResponse:
    return JSONResponse({"status": "unavailable", "database": message}, status_code=503,
                        headers={"Retry-After": RETRY_AFTER})


def _error(request: Request, status: int, message: str, headers=None):
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": message}, status_code=status, headers=headers)
    return _error_page(request, status, message, headers)


def _error_page(request: Request, status: int, message: str, headers=None) -> HTMLResponse:
    from synovia.web.state import context

    templates = app_state(request).templates
    response = templates.TemplateResponse(request, "error.html",
                                          context(request, status=status, message=message),
                                          status_code=status)
    if headers:
        for k, v in headers.items():
            response.headers[k] = v
    return response
