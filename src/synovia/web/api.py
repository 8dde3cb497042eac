"""The JSON API: ask, check, evidence reads, articles and workflow transitions. Shapes are the
jobs' own Pydantic models, so OpenAPI at /openapi.json describes exactly what is returned."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Header, HTTPException, Request
from pydantic import BaseModel, Field

from synovia.ask import Answer
from synovia.check import Report
from synovia.publish import GateFailed, PublishError, create_article, published, transition, view
from synovia.web.state import app_state, current_user, rate

router = APIRouter(prefix="/api")


class AskRequest(BaseModel):
    question: str = Field(min_length=1, max_length=2000,
                          description="The question, in plain words.")
    audience: Literal["patient", "clinician"] = "patient"
    conversation_id: str | None = Field(default=None, max_length=100)


class CheckRequest(BaseModel):
    text: str = Field(min_length=1, max_length=1_000_000)
    format: Literal["text", "markdown", "html", "auto"] = "auto"


class ArticleIn(BaseModel):
    title: str = Field(min_length=1, max_length=300)
    body: str = Field(min_length=1, max_length=200_000)
    summary: str = Field(default="", max_length=2000)


class TransitionIn(BaseModel):
    action: Literal["submit", "start-review", "request-changes", "approve", "publish", "retract",
                    "reopen"]
    override_reason: str | None = Field(default=None, max_length=2000)
    reason: str | None = Field(default=None, max_length=2000)  # why it is retracted


@router.post("/ask", response_model=Answer)
def api_ask(body: AskRequest, request: Request) -> Answer:
    rate(request, "ask")
    from synovia.ask import AskError

    try:
        return app_state(request).asker.ask(body.question, body.audience, body.conversation_id)
    except AskError as exc:
        raise HTTPException(422, str(exc)) from None


@router.post("/check", response_model=Report)
def api_check(body: CheckRequest, request: Request) -> Report:
    rate(request, "check")
    from synovia.check import ArticleError

    try:
        report, _doc = app_state(request).checker.check(body.text, body.format)
    except ArticleError as exc:
        raise HTTPException(422, str(exc)) from None
    return report


@router.get("/evidence/sources")
def api_sources(request: Request, treatment: str | None = None, joint: str | None = None,
                kind: str | None = None) -> dict:
    store = app_state(request).syn.store
    return {"sources": [s.model_dump(mode="json") for s in
                        store.list_records("sources", treatment, joint, kind)]}


@router.get("/evidence/findings")
def api_findings(request: Request, treatment: str | None = None, joint: str | None = None) -> dict:
    store = app_state(request).syn.store
    return {"findings": [f.model_dump(mode="json") for f in
                         store.list_records("findings", treatment, joint)]}


@router.get("/evidence/records/{record_id}")
def api_record(record_id: str, request: Request) -> dict:
    found = app_state(request).syn.store.get(record_id)
    if found is None:
        raise HTTPException(404, f"no record {record_id!r}")
    kind, record = found
    return {"type": kind, **record.model_dump(mode="json")}


@router.get("/articles")
def api_articles(request: Request, q: str | None = None) -> dict:
    return {"articles": [{"slug": a.slug, "title": a.title,
                          "published_at": a.published_at.isoformat() if a.published_at else None}
                         for a in published(app_state(request).syn.store, q)]}


@router.get("/articles/{slug}")
def api_article(slug: str, request: Request) -> dict:
    try:
        v = view(app_state(request).syn.store, slug=slug, published_only=True)
    except PublishError as exc:
        raise HTTPException(exc.status, str(exc)) from None
    art = v.article
    if art.retracted_at is not None and art.state != "published":
        return {"slug": art.slug, "title": v.version.title, "state": "retracted",
                "retracted_at": art.retracted_at.isoformat(), "reason": art.retract_reason}
    return {"slug": v.article.slug, "title": v.version.title, "state": art.state,
            "summary": v.version.summary, "body": v.version.body, "faq": v.version.faq,
            "content": v.version.content, "author": v.author,
            "reviewer": v.reviewer,
            "reviewed_at": v.article.reviewed_at.isoformat() if v.article.reviewed_at else None,
            "next_review_at": (v.article.next_review_at.isoformat()
                               if v.article.next_review_at else None)}


def _api_user(request: Request, csrf: str | None):
    """Cookie-authenticated writes must carry the session's CSRF token in X-CSRF-Token."""
    from synovia.publish import session_user
    from synovia.web.security import SESSION_COOKIE

    user = current_user(request)
    if user is None:
        raise HTTPException(401, "please sign in")
    found = session_user(app_state(request).syn.store, request.cookies.get(SESSION_COOKIE))
    cookie_csrf = request.cookies.get("synovia_csrf")
    if not csrf or (csrf != cookie_csrf and (not found or csrf != found[1])):
        raise HTTPException(403, "missing or wrong X-CSRF-Token header")
    return user


@router.post("/articles", status_code=201)
def api_create(body: ArticleIn, request: Request,
               x_csrf_token: str | None = Header(default=None)) -> dict:
    user = _api_user(request, x_csrf_token)
    try:
        art = create_article(app_state(request).syn.store, user, body.title, body.body,
                             body.summary)
    except PublishError as exc:
        raise HTTPException(exc.status if exc.status != 400 else 422, str(exc)) from None
    return {"id": art.id, "slug": art.slug, "state": art.state}


@router.post("/articles/{article_id}/transitions")
def api_transition(article_id: int, body: TransitionIn, request: Request,
                   x_csrf_token: str | None = Header(default=None)) -> dict:
    user = _api_user(request, x_csrf_token)
    st = app_state(request)
    try:
        art = transition(st.syn.store, user, article_id, body.action, gate=st.check_gate,
                         override_reason=body.override_reason, reason=body.reason)
    except GateFailed as exc:
        raise HTTPException(409, {"error": str(exc), "check": exc.summary,
                                  "defects": exc.defects[:50]}) from None
    except PublishError as exc:
        raise HTTPException(exc.status, str(exc)) from None
    return {"id": art.id, "state": art.state}
