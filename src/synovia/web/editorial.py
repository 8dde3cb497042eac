"""Editorial pages: sign in, dashboard, drafts (by hand or from an answer), editing with
immutable versions and diffs, comments, workflow transitions and the audit log."""

from __future__ import annotations

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from synovia.publish import (
    AccountLocked,
    GateFailed,
    PublishError,
    add_comment,
    audit_log,
    authenticate,
    available,
    blocked_message,
    comments,
    create_article,
    dashboard,
    diff,
    end_session,
    may_edit,
    save_version,
    start_session,
    transition,
    versions,
    view,
)
from synovia.web.markdown import mark_sentences, render
from synovia.web.pages import page
from synovia.web.security import SESSION_COOKIE, check_csrf, is_https
from synovia.web.state import app_state, rate, require_user

router = APIRouter()
STAFF = ("contributor", "reviewer", "editor", "admin")


def _fail(exc: PublishError) -> HTTPException:
    return HTTPException(exc.status, str(exc))


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/dashboard"):
    return page(request, "login.html", error=None, next=next if next.startswith("/") else "/")


@router.post("/login")
def login(request: Request, email: str = Form(""), password: str = Form(""),
          next: str = Form("/dashboard"), csrf_token: str | None = Form(None)):
    """Sign in. Limits: every attempt counts towards a generous per-address limit (a normal
    day moving between roles never reaches it); wrong passwords count towards a tighter
    per-address limit and towards the account's own lock (in the database, for every worker)."""
    check_csrf(request, csrf_token)
    rate(request, "login")
    store = app_state(request).syn.store
    try:
        user = authenticate(store, email[:254], password[:500])
    except AccountLocked as exc:
        return page(request, "login.html", status=429, error=str(exc).capitalize() + ".",
                    next=next)
    if user is None:
        rate(request, "login-failed")
        return page(request, "login.html", status=401, error="Wrong email or password.",
                    next=next)
    token, _csrf = start_session(store, user)
    target = next if next.startswith("/") and not next.startswith("//") else "/dashboard"
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="lax",
                        secure=is_https(request), max_age=7 * 86400, path="/")
    return response


@router.post("/logout")
def logout(request: Request, csrf_token: str | None = Form(None)):
    check_csrf(request, csrf_token)
    end_session(app_state(request).syn.store, request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard_page(request: Request):
    user = require_user(request, *STAFF)
    st = app_state(request)
    store = st.syn.store
    from synovia.literature import ReviewQueue

    waiting, imported = ReviewQueue(store, st.syn.vocab, with_vectors=False).pending(limit=20)
    return page(request, "dashboard.html", board=dashboard(store), me=user,
                audit=audit_log(store, limit=30), waiting=waiting, imported=imported)


@router.get("/editor/new", response_class=HTMLResponse)
def new_form(request: Request):
    require_user(request, *STAFF)
    return page(request, "editor_new.html", error=None)


@router.post("/editor/new")
def new_article(request: Request, title: str = Form(""), body: str = Form(""),
                summary: str = Form(""), csrf_token: str | None = Form(None)):
    check_csrf(request, csrf_token)
    user = require_user(request, *STAFF)
    try:
        art = create_article(app_state(request).syn.store, user, title, body, summary)
    except PublishError as exc:
        return page(request, "editor_new.html", status=exc.status if exc.status != 400 else 422,
                    error=str(exc))
    return RedirectResponse(f"/editor/articles/{art.id}", status_code=303)


@router.post("/editor/from-answer")
def from_answer(request: Request, question: str = Form(""), audience: str = Form("patient"),
                csrf_token: str | None = Form(None)):
    """Turn an answer into a draft that keeps its structure: short answer, key points and
    sections as text; options, references and the sentences Synovia wrote as data; the
    answers to its follow-up questions as the FAQ."""
    check_csrf(request, csrf_token)
    user = require_user(request, *STAFF)
    rate(request, "ask")
    from synovia.ask import AskError

    st = app_state(request)
    try:
        d = st.asker.draft_article(question, audience if audience in ("patient", "clinician")
                                   else "patient")
    except AskError as exc:
        raise HTTPException(422, str(exc)) from None
    art = create_article(st.syn.store, user, d.title, d.body, d.summary, d.faq,
                         d.evidence_ids, note="created from an answer", content=d.content)
    return RedirectResponse(f"/editor/articles/{art.id}", status_code=303)


@router.get("/editor/articles/{article_id}", response_class=HTMLResponse)
def editor_page(request: Request, article_id: int, a: int | None = None, b: int | None = None,
                blocked: int = 0):
    return _editor(request, article_id, a=a, b=b, blocked=bool(blocked))


def _editor(request: Request, article_id: int, status: int = 200, error: str | None = None,
            unsaved: str | None = None, a: int | None = None, b: int | None = None,
            blocked: bool = False) -> HTMLResponse:
    """The editor's page; a refused action is shown on it with its status and message, and
    text that could not be saved is handed back so nothing typed is lost."""
    user = require_user(request, *STAFF)
    store = app_state(request).syn.store
    try:
        v = view(store, article_id=article_id)
        changes = diff(store, article_id, a, b) if a and b else None
    except PublishError as exc:
        raise _fail(exc) from None
    art = v.article
    is_author = art.author_id == user.id
    audit = audit_log(store, article_id)
    defects: list[dict] = []
    if blocked:
        last = next((e for e, _ in audit if e.action == "publish-blocked"), None)
        if last is not None:
            error = blocked_message(last.detail.get("check") or {})
            defects = list(last.detail.get("defects") or [])
    marked, linked = mark_sentences(render(v.version.body),
                                    [d.get("sentence", "") for d in defects])
    return page(request, "editor_article.html", status=status, v=v, art=art, ver=v.version,
                transitions=available(art.state, user.role, is_author),
                editable=may_edit(art.state, user.role, is_author),
                versions=versions(store, article_id), comments=comments(store, article_id),
                audit=audit, diff=changes, a=a, b=b, error=error, defects=defects,
                marked_body=marked, linked=linked, faq_text=faq_to_text(v.version.faq),
                unsaved=unsaved)


@router.post("/editor/articles/{article_id}/save")
def save(request: Request, article_id: int, title: str = Form(""), body: str = Form(""),
         summary: str = Form(""), note: str = Form(""), faq: str | None = Form(None),
         base_version: int | None = Form(None), csrf_token: str | None = Form(None)):
    check_csrf(request, csrf_token)
    user = require_user(request, *STAFF)
    try:
        save_version(app_state(request).syn.store, user, article_id, title, body, summary,
                     faq_from_text(faq) if faq is not None else None, note[:500],
                     base_version=base_version)
    except PublishError as exc:
        if exc.status in (400, 409):  # say so on the page and hand the text back
            return _editor(request, article_id, status=409 if exc.status == 409 else 422,
                           error=str(exc), unsaved=body[:200_000])
        raise _fail(exc) from None
    return RedirectResponse(f"/editor/articles/{article_id}", status_code=303)


@router.post("/editor/articles/{article_id}/comment")
def comment(request: Request, article_id: int, body: str = Form(""),
            csrf_token: str | None = Form(None)):
    check_csrf(request, csrf_token)
    user = require_user(request, *STAFF)
    try:
        add_comment(app_state(request).syn.store, user, article_id, body)
    except PublishError as exc:
        raise _fail(exc) from None
    return RedirectResponse(f"/editor/articles/{article_id}#comments", status_code=303)


@router.post("/editor/articles/{article_id}/transition")
def do_transition(request: Request, article_id: int, action: str = Form(""),
                  override_reason: str = Form(""), reason: str = Form(""),
                  csrf_token: str | None = Form(None)):
    check_csrf(request, csrf_token)
    user = require_user(request, *STAFF)
    st = app_state(request)
    try:
        transition(st.syn.store, user, article_id, action, gate=st.check_gate,
                   override_reason=override_reason or None, reason=reason or None)
    except GateFailed:
        # Post/redirect/get: the blocked attempt is in the audit log and the page shows it.
        return RedirectResponse(f"/editor/articles/{article_id}?blocked=1", status_code=303)
    except PublishError as exc:
        if exc.status == 404:
            raise _fail(exc) from None
        return _editor(request, article_id, status=exc.status, error=str(exc))
    return RedirectResponse(f"/editor/articles/{article_id}", status_code=303)


def faq_to_text(faq: list[dict]) -> str:
    """The FAQ as an editor types it: 'Q: …' and 'A: …' lines, a blank line between pairs."""
    return "\n\n".join(f"Q: {f.get('q', '')}\nA: {f.get('a', '')}" for f in faq or [])


def faq_from_text(text: str) -> list[dict]:
    """Parse the FAQ field back; lines that continue an answer or a question join it."""
    pairs: list[dict] = []
    for line in text.replace("\r\n", "\n").split("\n"):
        stripped = line.strip()
        if stripped[:2].upper() == "Q:":
            pairs.append({"q": stripped[2:].strip(), "a": ""})
        elif stripped[:2].upper() == "A:" and pairs:
            pairs[-1]["a"] = (pairs[-1]["a"] + " " + stripped[2:].strip()).strip()
        elif stripped and pairs:
            key = "a" if pairs[-1]["a"] else "q"
            pairs[-1][key] = (pairs[-1][key] + " " + stripped).strip()
    return [p for p in pairs if p["q"] and p["a"]][:50]
