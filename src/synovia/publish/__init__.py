"""The publish job: accounts, articles, the editorial workflow, audit log and re-review flags."""

from synovia.evidence.tables.articles import Article, User
from synovia.publish.accounts import (
    AccountError,
    AccountLocked,
    authenticate,
    count_users,
    create_user,
    end_session,
    get_user,
    list_users,
    reset_password,
    session_user,
    set_active,
    start_session,
)
from synovia.publish.service import (
    ArticleView,
    GateFailed,
    GateResult,
    PublishError,
    add_comment,
    audit_log,
    blocked_message,
    comments,
    create_article,
    dashboard,
    diff,
    flag_affected,
    published,
    save_version,
    transition,
    versions,
    view,
)
from synovia.publish.workflow import ROLES, STATES, TRANSITIONS, available, may_edit

__all__ = [
    "ROLES", "STATES", "TRANSITIONS", "AccountError", "AccountLocked", "Article", "ArticleView",
    "GateFailed", "GateResult", "PublishError", "User", "add_comment", "audit_log",
    "authenticate", "available", "blocked_message", "comments", "count_users", "create_article",
    "create_user", "dashboard", "diff", "end_session", "flag_affected", "get_user", "list_users",
    "may_edit", "published", "reset_password", "save_version", "session_user", "set_active",
    "start_session", "transition", "versions", "view",
]
