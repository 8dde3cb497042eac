"""What a request must be before any view sees it: within the size limit, free of NUL bytes
and lone surrogates (PostgreSQL cannot store the one, UTF-8 cannot encode the other), and JSON
where the API expects JSON. Refusals are 4xx with a plain message, never a server error."""

from __future__ import annotations

import json

from starlette.datastructures import Headers
from starlette.requests import cookie_parser
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from synovia.text import unstorable

MAX_BODY = 2_000_000
#: The guard reads and checks JSON and this; multipart uploads go to the view unread.
FORM = "application/x-www-form-urlencoded"
WRITES = ("POST", "PUT", "PATCH")


class InputGuard:
    """Pure ASGI middleware: it reads a checked body once and hands the same bytes on."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        api = scope["path"].startswith("/api/")
        problem = _url_problem(scope, headers)
        if problem:
            await _refuse(api, 400, problem)(scope, receive, send)
            return
        length = headers.get("content-length", "")
        if length.isdigit() and int(length) > MAX_BODY:
            await _refuse(api, 413, "request body too large")(scope, receive, send)
            return
        if scope["method"] not in WRITES:
            await self.app(scope, receive, send)
            return
        kind = headers.get("content-type", "").split(";", 1)[0].strip().lower()
        has_body = length not in ("", "0") or "transfer-encoding" in headers
        if api and has_body and kind and not _is_json(kind):
            await _refuse(api, 415, f"send the body as JSON (Content-Type: application/json), "
                                    f"not {kind[:60]}")(scope, receive, send)
            return
        if not (_is_json(kind) or kind == FORM or (api and not kind)):
            await self.app(scope, receive, send)
            return
        body = await _read(receive)
        if body is None:
            await _refuse(api, 413, "request body too large")(scope, receive, send)
            return
        problem = _json_problem(body) if _is_json(kind) or not kind else _form_problem(body)
        if problem:
            await _refuse(api, 400, problem)(scope, receive, send)
            return
        await self.app(scope, _replay(body, receive), send)


def _is_json(kind: str) -> bool:
    return kind == "application/json" or (kind.startswith("application/") and
                                          kind.endswith("+json"))


def _refuse(api: bool, status: int, message: str):
    if api:
        return JSONResponse({"error": message}, status_code=status)
    return PlainTextResponse(message, status_code=status)


def _url_problem(scope: Scope, headers: Headers) -> str | None:
    if "\x00" in scope["path"]:
        return "the address contains a NUL byte"
    query = scope.get("query_string", b"")
    if b"\x00" in query or b"%00" in query:
        return "a query parameter contains a NUL byte"
    cookie = headers.get("cookie")
    if cookie and any("\x00" in v for v in cookie_parser(cookie).values()):
        return "a cookie contains a NUL byte; clear this site's cookies and try again"
    return None


async def _read(receive: Receive) -> bytes | None:
    """The whole body, or None once it passes MAX_BODY (a chunked body declares no length)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def again() -> Message:
        nonlocal sent
        if sent:
            return await receive()  # the client's disconnect, when it comes
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return again


def _form_problem(body: bytes) -> str | None:
    if b"\x00" in body or b"%00" in body:
        return "a form field contains a NUL byte"
    return None


def _json_problem(body: bytes) -> str | None:
    try:
        data = json.loads(body)
    except RecursionError:
        return "the JSON is nested too deeply"
    except json.JSONDecodeError:
        return None  # the view's own validation says where, as a 422
    except UnicodeDecodeError:
        return "the JSON body is not UTF-8 text"
    except ValueError:  # an integer past Python's 4,300-digit limit
        return "a number in the JSON is too long to read"
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            stack.extend(value)
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, str) and (problem := unstorable(value)):
            return f"a JSON string contains {problem}"
    return None
