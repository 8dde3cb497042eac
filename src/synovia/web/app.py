"""The web application factory: pages, the JSON API, security middleware and error pages."""

from __future__ import annotations

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from synovia import __version__
from synovia.platform import Synovia
from synovia.web import api, directory, editorial, pages
from synovia.web.security import SecurityMiddleware
from synovia.web.state import HERE, AppState


def _readable(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err.get("loc", []) if p != "body")
        parts.append(f"{loc or 'body'}: {err.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request"


def create_app(syn: Synovia | None = None) -> FastAPI:
    app = FastAPI(title="Synovia", version=__version__,
                  description="Evidence-graded answers and article checks for osteoarthritis "
                              "injection treatments. Information, not medical advice.")
    app.state.synovia = AppState(syn or Synovia())
    app.add_middleware(SecurityMiddleware)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.include_router(pages.router)
    app.include_router(editorial.router)
    app.include_router(api.router)
    app.include_router(directory.router)

    @app.get("/healthz")
    def healthz() -> dict:
        return {"status": "ok", "version": __version__}

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError):
        message = _readable(exc)
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": message, "detail": exc.errors()}, status_code=422)
        return _error_page(request, 422, message)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException):
        if request.url.path.startswith("/api/"):
            detail = exc.detail if isinstance(exc.detail, dict) else {"error": exc.detail}
            return JSONResponse(detail, status_code=exc.status_code, headers=exc.headers)
        if exc.status_code == 401:
            from fastapi.responses import RedirectResponse

            return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
        return _error_page(request, exc.status_code, str(exc.detail), exc.headers)

    return app


def _error_page(request: Request, status: int, message: str, headers=None) -> HTMLResponse:
    from synovia.web.state import app_state, context

    templates = app_state(request).templates
    response = templates.TemplateResponse(request, "error.html",
                                          context(request, status=status, message=message),
                                          status_code=status)
    if headers:
        for k, v in headers.items():
            response.headers[k] = v
    return response
