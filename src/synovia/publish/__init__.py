"""The publish job: accounts, articles, the editorial workflow, audit log and re-review flags."""

from synovia.publish.accounts import (
    AccountError,
    authenticate,
    count_users,
    create_user,
    end_session,
    get_user,
    session_user,
    start_session,
)
from synovia.publish.service import (
    ArticleView,
    GateFailed,
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
from synovia.publish.tables import Article, User
from synovia.publish.workflow import ROLES, STATES, TRANSITIONS, available, may_edit

__all__ = [
    "ROLES", "STATES", "TRANSITIONS", "AccountError", "Article", "ArticleView", "GateFailed",
    "PublishError", "User", "add_comment", "audit_log", "authenticate", "available",
    "blocked_message",
    "comments", "count_users", "create_article", "create_user", "dashboard", "diff",
    "end_session", "flag_affected", "get_user", "may_edit", "published", "save_version",
    "session_user", "start_session", "transition", "versions", "view",
]
