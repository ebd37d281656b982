"""Turn a constraint the database enforced into the coded error the caller sees.

The application validates first; these constraints back it so bad data that slips
past still cannot land. Modules register their own constraint names.
"""

from __future__ import annotations

from switchboard.core.errors import UserError

_CODES: dict[str, tuple[str, str | None]] = {}


def register_constraint(name: str, code: str, field: str | None = None) -> None:
    """Map a database constraint (or trigger-raised constraint name) to a user error."""
    _CODES[name] = (code, field)


def register_constraints(entries) -> None:
    """Register ``(constraint, code, field)`` triples, as a module's start-up does."""
    for name, code, field in entries:
        register_constraint(name, code, field)


def user_error_from_db(exc: BaseException) -> UserError | None:
    """The user error for a constraint violation, or None when it is not one we know."""
    from sqlalchemy.exc import DBAPIError  # not at import: modules register their constraints at start-up

    orig = getattr(exc, "orig", None) if isinstance(exc, DBAPIError) else None
    diag = getattr(orig, "diag", None)
    name = getattr(diag, "constraint_name", None)
    if name in _CODES:
        code, field = _CODES[name]
        return UserError(code, field)
    return None


register_constraints([
    ("assignment_no_overlap", "ASSIGNMENT_OVERLAP", "validFrom"),
    ("assignment_residency", "RESIDENCY_NOT_PERMITTED", "employeeId"),
    ("assignment_not_own_supervisor", "SUPERVISOR_IS_EMPLOYEE", "supervisorId"),
    ("assignment_weekly_hours_cap_check", "CAP_OUT_OF_RANGE", "weeklyHoursCap"),
    ("assignment_valid_during_check", "END_BEFORE_START", "validTo"),
    ("client_tenant_id_code_key", "CODE_TAKEN", "code"),
    ("lob_tenant_id_client_id_code_key", "CODE_TAKEN", "code"),
    ("employee_tenant_id_employee_number_key", "CODE_TAKEN", "employeeNumber"),
    ("app_user_email_idx", "EMAIL_TAKEN", "email"),
    ("app_user_locale_check", "UNSUPPORTED_LOCALE", "locale"),
    ("role_grant_unique", "GRANT_EXISTS", "role"),
    ("role_grant_kind", "ROLE_KIND_MISMATCH", "role"),
    ("role_grant_client_binding", "CLIENT_GRANT_OUTSIDE_BINDING", "clientId"),
    ("client_binding_one_client", "ALREADY_BOUND", "userId"),
    ("credential_dates", "END_BEFORE_START", "expiresOn"),
    ("credential_revocation", "END_BEFORE_START", "revokedOn"),
    ("assignment_pay_rate_check", "PAY_RATE_OUT_OF_RANGE", "payRate"),
    ("credential_kind_check", "INVALID_CREDENTIAL_KIND", "kind"),
    ("employee_check", "END_BEFORE_START", "terminationDate"),
    ("scope_immutable", "SCOPE_IMMUTABLE", None),
])
