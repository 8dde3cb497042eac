"""Staff accounts for admins: list, add, deactivate, reactivate and reset a password."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse

from synovia.publish import (
    ROLES,
    AccountError,
    create_user,
    list_users,
    reset_password,
    set_active,
)
from synovia.web.pages import page
from synovia.web.security import check_csrf
from synovia.web.state import app_state, require_user

router = APIRouter()


def _page(request: Request, status: int = 200, **extra) -> HTMLResponse:
    me = require_user(request, "admin")
    users = list_users(app_state(request).syn.store)
    data = {"message": None, "error": None, "new_password": None} | extra
    return page(request, "admin_users.html", status=status, users=users, roles=ROLES, me=me,
                **data)


@router.get("/admin/users", response_class=HTMLResponse)
def users_page(request: Request):
    return _page(request)


@router.post("/admin/users", response_class=HTMLResponse)
def add_user(request: Request, email: str = Form(""), name: str = Form(""),
             role: str = Form(""), csrf_token: str | None = Form(None)):
    """A new account gets a random password, shown once to the admin to pass on."""
    check_csrf(request, csrf_token)
    require_user(request, "admin")
    store = app_state(request).syn.store
    import secrets

    password = secrets.token_urlsafe(12)
    try:
        user = create_user(store, email[:254], name[:200], role, password)
    except AccountError as exc:
        return _page(request, status=422, error=str(exc))
    return _page(request, message=f"Created {user.role} {user.email}.",
                 new_password=(user.email, password))


@router.post("/admin/users/{user_id}", response_class=HTMLResponse)
def change_user(request: Request, user_id: int, action: str = Form(""),
                csrf_token: str | None = Form(None)):
    check_csrf(request, csrf_token)
    me = require_user(request, "admin")
    store = app_state(request).syn.store
    if not 1 <= user_id <= 2**31 - 1:
        return _page(request, status=404, error=f"no user {user_id}")
    try:
        if action in ("deactivate", "activate"):
            if user_id == me.id and action == "deactivate":
                return _page(request, status=409, error="you cannot deactivate yourself")
            user = set_active(store, user_id, action == "activate")
            return _page(request, message=f"{user.email} {action}d.")
        if action == "reset":
            users = {u.id: u for u in list_users(store)}
            password = reset_password(store, user_id)
            email = users[user_id].email if user_id in users else str(user_id)
            return _page(request, message=f"New password set for {email}; their sign-ins ended.",
                         new_password=(email, password))
    except AccountError as exc:
        return _page(request, status=404, error=str(exc))
    return _page(request, status=400, error=f"unknown action {action[:40]!r}")
