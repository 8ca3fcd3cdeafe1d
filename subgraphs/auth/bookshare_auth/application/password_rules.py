"""The password policy as a resolver sees it: a refusal names the input field at fault."""

from __future__ import annotations

from bookshare_auth.domain.passwords import password_problem
from bookshare_common.errors import BadUserInput


def check_password(password: str, *related: str | None, field: str = "password") -> None:
    """Refuse short, overlong, common, or account-derived passwords (`related`: username, email, names)."""
    if problem := password_problem(password, [r for r in related if r]):
        raise BadUserInput(problem, field=field)
