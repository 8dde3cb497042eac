"""Public pages: ask, check, the evidence browser and published articles. Views only gather
data from the jobs and render templates."""

from __future__ import annotations

import json

from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from synovia.publish import PublishError, published, view
from synovia.web.charts import evidence_map, forest_rows, forest_svg, ladder
from synovia.web.security import check_csrf
from synovia.web.state import app_state, context, rate

router = APIRouter()


def page(request: Request, template: str, status: int = 200, **data) -> HTMLResponse:
    return app_state(request).templates.TemplateResponse(
        request, template, context(request, **data), status_code=status)


@router.get("/", response_class=HTMLResponse)
def home(request: Request):
    st = app_state(request)
    vocab = st.syn.vocab
    treatments = [vocab.term("treatment", t) for t in
                  ("corticosteroid", "hyaluronic-acid", "prp", "bmac", "msc", "exosomes", "paag")
                  if vocab.term("treatment", t)]
    return page(request, "index.html", treatments=treatments, examples=[
        "Does a steroid injection help knee arthritis?",
        "Is PRP worth it for my knee?",
        "Are exosome injections approved?",
        "Should I try Arthrosamid or a gel injection?"])


@router.get("/ask", response_class=HTMLResponse)
def ask_form(request: Request, q: str | None = None, audience: str = "patient"):
    return page(request, "ask.html", answer=None, question=q or "", audience=audience,
                conversation_id=None, error=None)


@router.post("/ask", response_class=HTMLResponse)
def ask_submit(request: Request, question: str = Form(""), audience: str = Form("patient"),
               conversation_id: str | None = Form(None), csrf_token: str | None = Form(None)):
    check_csrf(request, csrf_token)
    rate(request, "ask")
    from synovia.ask import AskError

    st = app_state(request)
    audience = audience if audience in ("patient", "clinician") else "patient"
    try:
        answer = st.asker.ask(question, audience, conversation_id or None)
    except AskError as exc:
        return page(request, "ask.html", status=422, answer=None, question=question[:2000],
                    audience=audience, conversation_id=conversation_id, error=str(exc))
    return page(request, "ask.html", answer=answer, question="", audience=audience,
                conversation_id=answer.conversation_id, error=None, asked=question)


@router.get("/ask/c/{conversation_id}", response_class=HTMLResponse)
def conversation_page(request: Request, conversation_id: str):
    """A conversation's permanent link: its questions and answers as they were shown."""
    from synovia.ask import AskError

    try:
        turns = app_state(request).asker.conversation(conversation_id)
    except AskError as exc:
        raise HTTPException(404, str(exc)) from None
    if not turns:
        raise HTTPException(404, "no such conversation")
    return page(request, "conversation.html", turns=turns, conversation_id=conversation_id)


@router.get("/decision-aid", response_class=HTMLResponse)
def decision_aid(request: Request, q: str = ""):
    """A printable sheet of the options a question compares (no injection among them)."""
    from datetime import date

    from synovia.ask import AskError

    rate(request, "ask")
    try:
        aid = app_state(request).asker.decision_aid(q[:2000])
    except AskError as exc:
        return page(request, "ask.html", status=422, answer=None, question=q[:2000],
                    audience="patient", conversation_id=None,
                    error=f"No decision aid: {exc}")
    return page(request, "decision_aid.html", aid=aid,
                today=date.today().strftime("%d %B %Y"))


@router.get("/check", response_class=HTMLResponse)
def check_form(request: Request):
    return page(request, "check.html", report=None, article_html=None, error=None, text="")


@router.post("/check", response_class=HTMLResponse)
async def check_submit(request: Request, text: str = Form(""), input_format: str = Form("auto"),
                       upload: UploadFile | None = File(None),
                       csrf_token: str | None = Form(None)):
    check_csrf(request, csrf_token)
    rate(request, "check")
    from synovia.check import MAX_BYTES, ArticleError
    from synovia.check.report import highlighted_article

    raw: bytes = text.encode("utf-8")
    if upload is not None and upload.filename:
        raw = await upload.read(MAX_BYTES + 1)
    fmt = input_format if input_format in ("auto", "text", "markdown", "html") else "auto"
    try:
        if len(raw) > MAX_BYTES:
            raise ArticleError(f"the article is larger than {MAX_BYTES // 1000} kB")
        # The checker is CPU-bound: it runs in a worker thread, never on the event loop.
        report, doc = await run_in_threadpool(app_state(request).checker.check, raw, fmt)
    except ArticleError as exc:
        return page(request, "check.html", status=422, report=None, article_html=None,
                    error=str(exc), text=text[:MAX_BYTES])
    return page(request, "check.html", report=report, error=None, text="",
                article_html=highlighted_article(doc.text, report.claims))


@router.get("/evidence", response_class=HTMLResponse)
def evidence_browser(request: Request, treatment: str | None = None, joint: str | None = None):
    st = app_state(request)
    vocab = st.syn.vocab
    if treatment and treatment not in vocab.treatment_ids:
        raise HTTPException(404, "unknown treatment")
    if joint and joint not in vocab.joint_ids:
        raise HTTPException(404, "unknown joint")
    store = st.syn.store
    sources = store.list_records("sources", treatment, joint)
    findings = store.list_records("findings", treatment, joint)
    return page(request, "evidence.html", sources=sources, findings=findings,
                treatment=treatment, joint=joint, vocab=vocab,
                treatments=sorted(vocab.treatment_ids), joints=sorted(vocab.joint_ids))


@router.get("/evidence/{treatment}", response_class=HTMLResponse)
def treatment_page(request: Request, treatment: str):
    from synovia.grade import grade_option

    st = app_state(request)
    vocab = st.syn.vocab
    if treatment not in vocab.treatment_ids:
        raise HTTPException(404, "unknown treatment")
    base = st.syn.store.evidence()
    grades = [grade_option(base, treatment, j) for j in ("knee", "hip", "shoulder", "hand")]
    grades = [g for g in grades if g.efficacy or g.stances or g.preclinical]
    findings = [f for f in base.findings_about(treatment) if f.verification == "verified"]
    rows = forest_rows(base, findings)

    def label(kind: str, term_id: str) -> str:
        term = vocab.term(kind, term_id)
        return term.label if term else term_id

    return page(request, "treatment.html", treatment=treatment,
                evidence_map=evidence_map(base, findings, treatment, label),
                term=vocab.term("treatment", treatment),
                grades=grades, findings=findings, base=base, forest=forest_svg(rows), rows=rows,
                ladder=ladder(base, treatment))


@router.get("/articles", response_class=HTMLResponse)
def article_list(request: Request, q: str | None = None):
    return page(request, "articles.html", articles=published(app_state(request).syn.store, q),
                q=q or "")


@router.get("/articles/{slug}", response_class=HTMLResponse)
def article_page(request: Request, slug: str):
    st = app_state(request)
    try:
        v = view(st.syn.store, slug=slug, published_only=True)
    except PublishError as exc:
        raise HTTPException(exc.status, str(exc)) from None
    art, ver = v.article, v.version
    if art.retracted_at is not None and art.state != "published":
        # The address stays; the page says it was retracted, when and why (410: gone on
        # purpose, so search engines drop it too).
        return page(request, "article.html", status=410, v=v, art=art, ver=ver, retracted=True,
                    jsonld=None, faq_jsonld=None)
    ld, faq_ld = article_jsonld(v, str(request.base_url).rstrip("/"))
    return page(request, "article.html", v=v, art=art, ver=ver, retracted=False,
                jsonld=_safe_json(ld), faq_jsonld=_safe_json(faq_ld) if faq_ld else None)


def article_jsonld(v, base_url: str) -> tuple[dict, dict | None]:
    """schema.org MedicalWebPage (with who reviewed it, when, and for whom) and FAQPage."""
    from synovia.ask import plain

    art, ver = v.article, v.version
    audience = ((ver.content or {}).get("origin") or {}).get("audience", "patient")
    ld = {
        "@context": "https://schema.org", "@type": "MedicalWebPage",
        "name": ver.title, "headline": ver.title, "url": f"{base_url}/articles/{art.slug}",
        "description": ver.summary, "inLanguage": "en",
        "datePublished": art.published_at.isoformat() if art.published_at else None,
        "dateModified": art.updated_at.isoformat() if art.updated_at else None,
        "lastReviewed": art.reviewed_at.date().isoformat() if art.reviewed_at else None,
        "reviewedBy": {"@type": "Person", "name": v.reviewer} if v.reviewer else None,
        "author": {"@type": "Person", "name": v.author},
        "about": {"@type": "MedicalCondition", "name": "Osteoarthritis"},
        "medicalAudience": {"@type": "MedicalAudience",
                            "audienceType": "Clinician" if audience == "clinician"
                            else "Patient"},
        "citation": [r.get("citation") or r.get("title") for r in
                     (ver.content or {}).get("references") or []] or None,
    }
    ld = {k: val for k, val in ld.items() if val is not None}
    faq_ld = None
    if ver.faq:
        faq_ld = {"@context": "https://schema.org", "@type": "FAQPage", "mainEntity": [
            {"@type": "Question", "name": q.get("q", ""),
             "acceptedAnswer": {"@type": "Answer", "text": plain(q.get("a", ""))}}
            for q in ver.faq]}
    return ld, faq_ld


def _safe_json(data: dict) -> str:
    """JSON for a <script type=application/ld+json> block: '<' escaped so no tag can close it."""
    return json.dumps(data, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e")
