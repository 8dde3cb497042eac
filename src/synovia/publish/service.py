"""Articles through the workflow: drafts, immutable versions, transitions with role checks, the
checker gate before publishing, comments, the audit log and re-review flags.

The publish job never imports the check or ask jobs: callers pass the checker in as `gate`,
and answers arrive as plain text, so each job stays independent."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import or_, select

from synovia.evidence import Store
from synovia.evidence.tables.articles import Article, ArticleVersion, AuditEntry, Comment, User
from synovia.publish.workflow import TRANSITIONS, allowed, may_comment, may_edit

REVIEW_INTERVAL = timedelta(days=365)
MAX_TITLE, MAX_BODY, MAX_COMMENT = 300, 200_000, 10_000
MAX_ID = 2**31 - 1  # ids are INTEGER columns: 32-bit signed on PostgreSQL



@dataclass
class GateResult:
    """What the checker found: counts by kind, and each defect with its sentence."""

    ok: bool
    summary: dict[str, int]
    defects: list[dict] = field(default_factory=list)  # {"kind", "sentence", "reason"}


#: The checker as the publish job sees it: (body, FAQ, structured content) -> result. Passed in
#: by the caller so this job never imports the check job.
Gate = Callable[[str, list[dict], dict | None], GateResult]


class PublishError(ValueError):
    """A request the workflow refuses (wrong role, wrong state, bad input)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def blocked_message(summary: dict) -> str:
    """What the editor reads when the checker blocks publishing."""
    found = ", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in summary.items() if v)
    return (f"The checker found problems ({found or 'see the report'}). Each is listed below "
            "with its sentence. Fix them, or give an override reason to publish anyway.")


class GateFailed(PublishError):
    def __init__(self, result: GateResult) -> None:
        super().__init__(blocked_message(result.summary), 409)
        self.summary = result.summary
        self.defects = result.defects


@dataclass
class ArticleView:
    article: Article
    version: ArticleVersion
    author: str
    reviewer: str | None


def now() -> datetime:
    return datetime.now(UTC)


def slugify(title: str) -> str:
    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80] or "article"


def _audit(s, user: User | None, action: str, article_id: int | None, **detail) -> None:
    s.add(AuditEntry(at=now(), user_id=user.id if user else None, action=action,
                     article_id=article_id, detail=detail))


def _check_text(title: str, body: str) -> None:
    if not title.strip():
        raise PublishError("the title is empty")
    if len(title) > MAX_TITLE:
        raise PublishError(f"the title is longer than {MAX_TITLE} characters")
    if not body.strip():
        raise PublishError("the article is empty")
    if len(body) > MAX_BODY:
        raise PublishError(f"the article is longer than {MAX_BODY} characters")


def create_article(store: Store, user: User, title: str, body: str, summary: str = "",
                   faq: list[dict] | None = None, evidence_ids: Iterable[str] = (),
                   note: str = "created", content: dict | None = None) -> Article:
    _check_text(title, body)
    with store.session() as s:
        base = slugify(title)
        slug, n = base, 1
        while s.scalar(select(Article.id).where(Article.slug == slug)) is not None:
            n += 1
            slug = f"{base}-{n}"
        art = Article(slug=slug, title=title.strip(), state="draft", current_version=1,
                      author_id=user.id, needs_review=False, evidence_ids=list(evidence_ids),
                      created_at=now(), updated_at=now())
        s.add(art)
        s.flush()
        s.add(ArticleVersion(article_id=art.id, n=1, title=art.title, summary=summary,
                             body=body, faq=faq or [], content=content, author_id=user.id,
                             note=note, created_at=now()))
        _audit(s, user, "create", art.id, version=1, note=note)
        s.flush()
        s.expunge(art)
        return art


def _load(s, article_id: int, lock: bool = False) -> Article:
    if not 1 <= article_id <= MAX_ID:  # the column could not hold it; the driver would fail
        raise PublishError(f"no article {article_id}", 404)
    art = s.get(Article, article_id, with_for_update=lock)
    if art is None:
        raise PublishError(f"no article {article_id}", 404)
    return art


def save_version(store: Store, user: User, article_id: int, title: str, body: str,
                 summary: str = "", faq: list[dict] | None = None, note: str = "",
                 evidence_ids: Iterable[str] | None = None, content: dict | None = None,
                 base_version: int | None = None) -> int:
    """Add a version. Parts not given (FAQ, structured content) are carried over from the
    version before, so no save drops them. `base_version` is the version the editor opened: if
    someone has saved since, the save is refused rather than overwriting their work."""
    _check_text(title, body)
    with store.session() as s:
        art = _load(s, article_id, lock=True)
        if not may_edit(art.state, user.role, art.author_id == user.id):
            raise PublishError(f"a {user.role} cannot edit an article that is {art.state}", 403)
        if base_version is not None and base_version != art.current_version:
            raise PublishError(
                f"someone saved version {art.current_version} after you opened version "
                f"{base_version}; nothing was saved. Open the article again to see their "
                "changes, then make yours.", 409)
        before = s.scalar(select(ArticleVersion).where(
            ArticleVersion.article_id == art.id, ArticleVersion.n == art.current_version))
        n = art.current_version + 1
        s.add(ArticleVersion(article_id=art.id, n=n, title=title.strip(), summary=summary,
                             body=body, faq=faq if faq is not None else list(before.faq or []),
                             content=content if content is not None else before.content,
                             author_id=user.id, note=note, created_at=now()))
        art.current_version, art.title, art.updated_at = n, title.strip(), now()
        if evidence_ids is not None:
            art.evidence_ids = list(evidence_ids)
        _audit(s, user, "save", art.id, version=n, note=note)
        return n


def transition(store: Store, user: User, article_id: int, name: str, gate: Gate | None = None,
               override_reason: str | None = None, reason: str | None = None) -> Article:
    """Move an article along the workflow. The checker runs before the write transaction
    (so no other write waits on it); the transaction then refuses if the article changed."""
    try:
        return _transition(store, user, article_id, name, gate, override_reason, reason)
    except GateFailed as exc:
        # The attempt was rolled back; its record is written on its own so it is not lost.
        with store.session() as s:
            _audit(s, user, "publish-blocked", article_id, check=exc.summary,
                   defects=exc.defects[:50])
        raise


def _permitted(t, user: User, art: Article, override: str) -> None:
    if not allowed(t, user.role, art.author_id == user.id):
        raise PublishError(f"a {user.role} may not {t.label.lower()}", 403)
    if art.state not in t.source:
        raise PublishError(f"cannot {t.label.lower()} an article that is {art.state}", 409)
    if t.name == "approve" and art.author_id == user.id and not (
            override and user.role == "admin"):
        raise PublishError("you wrote this article, so someone else must approve it", 403)
    if t.name == "publish" and art.author_id == user.id == art.reviewer_id and not override:
        raise PublishError("you wrote and approved this article, so a second person must "
                           "publish it (or give an override reason, which is recorded)", 403)


def _transition(store: Store, user: User, article_id: int, name: str, gate: Gate | None,
                override_reason: str | None, reason: str | None) -> Article:
    t = TRANSITIONS.get(name)
    if t is None:
        raise PublishError(f"unknown action {name!r}")
    override = (override_reason or "").strip()[:2000]
    why = (reason or "").strip()[:2000]
    if name == "retract" and not why:
        raise PublishError("say why the article is retracted; readers of its page will see it")
    checked: tuple[int, GateResult] | None = None
    if name == "publish":
        with store.reading() as s:
            art = _load(s, article_id)
            _permitted(t, user, art, override)
            version = _version(s, art.id, art.current_version)
            body, faq, content = version.body, list(version.faq or []), version.content
            n = art.current_version
        result = gate(body, faq, content) if gate else GateResult(False, {"no checker": 1})
        checked = (n, result)
    with store.session() as s:
        art = _load(s, article_id, lock=True)
        _permitted(t, user, art, override)
        detail: dict = {"from": art.state, "to": t.target}
        if checked is not None:
            n, result = checked
            if art.current_version != n:
                raise PublishError("the article was saved again while it was being checked; "
                                   "publish again to check the new version", 409)
            detail["check"] = result.summary
            if not result.ok:
                if not override or user.role not in ("editor", "admin"):
                    raise GateFailed(result)
                detail["override"] = override
            elif override and art.author_id == user.id == art.reviewer_id:
                detail["override"] = override
            art.published_at, art.published_version = now(), art.current_version
            art.needs_review, art.review_reason = False, None
            art.retracted_at, art.retract_reason = None, None
        if name == "approve":
            art.reviewer_id, art.reviewed_at = user.id, now()
            art.next_review_at = now() + REVIEW_INTERVAL
            if art.author_id == user.id:
                detail["override"] = override
        if name == "retract":
            art.retracted_at, art.retract_reason = now(), why
            detail["reason"] = why
        art.state, art.updated_at = t.target, now()
        _audit(s, user, name, art.id, **detail)
        s.flush()
        s.expunge(art)
        return art


def _version(s, article_id: int, n: int) -> ArticleVersion:
    ver = s.scalar(select(ArticleVersion).where(ArticleVersion.article_id == article_id,
                                                ArticleVersion.n == n))
    if ver is None:
        raise PublishError(f"no version {n}", 404)
    return ver


def add_comment(store: Store, user: User, article_id: int, body: str) -> None:
    if not may_comment(user.role):
        raise PublishError("you may not comment", 403)
    if not body.strip():
        raise PublishError("the comment is empty")
    if len(body) > MAX_COMMENT:
        raise PublishError(f"the comment is longer than {MAX_COMMENT} characters")
    with store.session() as s:
        art = _load(s, article_id)
        s.add(Comment(article_id=art.id, version_n=art.current_version, user_id=user.id,
                      body=body.strip(), created_at=now()))
        _audit(s, user, "comment", art.id, version=art.current_version)


def _names(s, ids: Iterable[int | None]) -> dict[int, str]:
    wanted = [i for i in ids if i]
    if not wanted:
        return {}
    return {u.id: u.name for u in s.scalars(select(User).where(User.id.in_(wanted)))}


def view(store: Store, article_id: int | None = None, slug: str | None = None,
         version: int | None = None, published_only: bool = False) -> ArticleView:
    """An article at a version. `published_only` is the public view: the published version,
    or, for a retracted article, the version that was public (its page says it was retracted)."""
    with store.reading() as s:
        if slug is not None:
            art = s.scalar(select(Article).where(Article.slug == slug))
            if art is None:
                raise PublishError("no such article", 404)
        else:
            art = _load(s, article_id or 0)
        if published_only:
            public = art.state == "published" or (art.state == "retracted"
                                                  or art.retracted_at is not None)
            if not public or art.published_version is None:
                raise PublishError("no such article", 404)
            version = art.published_version
        ver = _version(s, art.id, version or art.current_version)
        names = _names(s, [art.author_id, art.reviewer_id])
        s.expunge(art)
        s.expunge(ver)
        return ArticleView(art, ver, names.get(art.author_id, "?"),
                           names.get(art.reviewer_id) if art.reviewer_id else None)


def published(store: Store, query: str | None = None, limit: int = 100) -> list[Article]:
    """Published articles, newest first; with a query, those whose published text (title,
    summary, body or FAQ) holds every word of it, title matches first."""
    with store.reading() as s:
        stmt = select(Article).where(Article.state == "published")
        words = re.findall(r"[^\W_]{2,}", (query or "")[:200].lower())[:8]
        if words:
            stmt = stmt.join(ArticleVersion, (ArticleVersion.article_id == Article.id)
                             & (ArticleVersion.n == Article.published_version))
            for w in words:
                like = f"%{w}%"
                stmt = stmt.where(or_(ArticleVersion.title.ilike(like),
                                      ArticleVersion.summary.ilike(like),
                                      ArticleVersion.body.ilike(like)))
        rows = list(s.scalars(stmt.order_by(Article.published_at.desc()).limit(limit)))
        for r in rows:
            s.expunge(r)
    if words:
        rows.sort(key=lambda a: -sum(w in a.title.lower() for w in words))
    return rows


def dashboard(store: Store) -> dict[str, list[Article]]:
    with store.reading() as s:
        rows = list(s.scalars(select(Article).order_by(Article.updated_at.desc())))
        for r in rows:
            s.expunge(r)
    out: dict[str, list[Article]] = {"flagged": [a for a in rows if a.needs_review]}
    for state in ("draft", "submitted", "under-review", "approved", "published", "retracted"):
        out[state] = [a for a in rows if a.state == state]
    return out


def versions(store: Store, article_id: int) -> list[ArticleVersion]:
    with store.reading() as s:
        rows = list(s.scalars(select(ArticleVersion).where(ArticleVersion.article_id == article_id)
                              .order_by(ArticleVersion.n)))
        for r in rows:
            s.expunge(r)
        return rows


def comments(store: Store, article_id: int) -> list[tuple[Comment, str]]:
    with store.reading() as s:
        rows = list(s.scalars(select(Comment).where(Comment.article_id == article_id)
                              .order_by(Comment.id)))
        names = _names(s, [c.user_id for c in rows])
        for r in rows:
            s.expunge(r)
        return [(c, names.get(c.user_id, "?")) for c in rows]


def audit_log(store: Store, article_id: int | None = None, limit: int = 200
              ) -> list[tuple[AuditEntry, str]]:
    with store.reading() as s:
        stmt = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
        if article_id is not None:
            stmt = stmt.where(AuditEntry.article_id == article_id)
        rows = list(s.scalars(stmt))
        names = _names(s, [e.user_id for e in rows])
        for r in rows:
            s.expunge(r)
        return [(e, names.get(e.user_id or 0, "system")) for e in rows]


def diff(store: Store, article_id: int, a: int, b: int) -> list[tuple[str, str]]:
    """Line diff between two versions: (kind, line) with kind in ' ', '+', '-', '@'."""
    vs = {v.n: v for v in versions(store, article_id)}
    if a not in vs or b not in vs:
        raise PublishError("no such version", 404)
    old = (vs[a].title + "\n\n" + vs[a].body).splitlines()
    new = (vs[b].title + "\n\n" + vs[b].body).splitlines()
    out = []
    for line in difflib.unified_diff(old, new, f"version {a}", f"version {b}", lineterm="", n=2):
        if line.startswith(("---", "+++")):
            continue
        out.append((line[:1] if line[:1] in "+-@" else " ",
                    line[1:] if line[:1] in "+- " else line))
    return out


def flag_affected(store: Store, changed_source_ids: Iterable[str], reason: str) -> list[Article]:
    """Published articles that rely on changed or removed evidence go back for re-review."""
    changed = set(changed_source_ids)
    flagged = []
    if not changed:
        return flagged
    with store.session() as s:
        for art in s.scalars(select(Article).where(Article.state == "published")):
            hit = sorted(changed & set(art.evidence_ids or []))
            if hit:
                art.needs_review = True
                art.review_reason = f"{reason}: {', '.join(hit[:10])}"
                _audit(s, None, "flag-for-review", art.id, evidence=hit)
                flagged.append(art)
        for a in flagged:
            s.flush()
            s.expunge(a)
    return flagged
