"""Self-checks that refuse to serve a database whose isolation cannot be trusted.

* the runtime role is not a superuser, cannot bypass RLS, owns nothing, is not
  a member of the owner role and cannot create temporary tables (one would shadow
  the tables that ``SECURITY DEFINER`` helpers read by unqualified name) — checked
  both in the catalog and on a live runtime connection (which covers ``SET ROLE``
  deployments);
* the runtime role can read no credential (password hashes, TOTP secrets, token
  hashes, recovery codes, key material, back-off and tickets) and execute no function
  that mints a token without a ticket the database verified;
* every table that carries ``tenant_id`` (and ``tenant``) has row-level security
  enabled *and forced*, at least one policy, and the audit triggers; the log tables
  instead refuse updates and deletes;
* every table that carries ``tenant_id`` has the scope trigger, enabled, over every
  scope column it has (:mod:`.scope_guard`).
"""

from __future__ import annotations

from sqlalchemy import Engine, text

from .scope_guard import GUARDED_PARAMS, GUARDED_TABLES, guard_problems

AUDIT_TRIGGERS = {"audit_insert", "audit_update", "audit_delete"}
APPEND_ONLY = {"append_only", "append_only_truncate"}
LOG_TABLES = {"audit_event": APPEND_ONLY, "pii_access": APPEND_ONLY, "audit_chain_head": set()}

SCOPED_TABLES = """
SELECT c.relname AS name, c.relrowsecurity AS rls, c.relforcerowsecurity AS forced,
       (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid) AS policies,
       coalesce((SELECT array_agg(t.tgname::text) FROM pg_trigger t
                  WHERE t.tgrelid = c.oid AND NOT t.tgisinternal), '{}') AS triggers
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
   AND (c.relname = 'tenant' OR EXISTS (
        SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id'
           AND NOT a.attisdropped))
 ORDER BY c.relname
"""

RUNTIME_ROLE = """
SELECT r.rolsuper, r.rolbypassrls, pg_has_role(r.rolname, :owner, 'MEMBER') AS in_owner,
       (SELECT count(*) FROM pg_class c WHERE c.relowner = r.oid) AS owned,
       has_database_privilege(r.rolname, current_database(), 'TEMPORARY') AS temporary
  FROM pg_roles r WHERE r.rolname = :runtime
"""


def table_problems(owner: Engine) -> list[str]:
    """Scoped tables lacking forced RLS, policies, the audit (or append-only) triggers or
    the scope trigger."""
    problems = []
    with owner.connect() as conn:
        for t in conn.execute(text(SCOPED_TABLES)):
            if not t.rls or not t.forced:
                problems.append(f"table {t.name}: row-level security is not enabled and forced")
            if t.policies == 0:
                problems.append(f"table {t.name}: has no row policy")
            needed = LOG_TABLES.get(t.name, AUDIT_TRIGGERS)
            missing = needed - set(t.triggers)
            if missing:
                problems.append(f"table {t.name}: missing triggers {', '.join(sorted(missing))}")
        for t in conn.execute(text(GUARDED_TABLES), GUARDED_PARAMS):
            problems += guard_problems(t.name, list(t.columns), t.definition, t.enabled)
    return problems


def role_problems(owner: Engine, runtime_url_engine: Engine, owner_role: str, runtime_role: str) -> list[str]:
    """Ways the runtime role could see past row security."""
    problems = []
    with owner.connect() as conn:
        row = conn.execute(text(RUNTIME_ROLE), {"owner": owner_role, "runtime": runtime_role}).first()
    if row is None:
        return [f"runtime role {runtime_role} does not exist"]
    if row.rolsuper:
        problems.append(f"runtime role {runtime_role} is a superuser")
    if row.rolbypassrls:
        problems.append(f"runtime role {runtime_role} can bypass row-level security")
    if row.in_owner:
        problems.append(f"runtime role {runtime_role} is a member of the owner role {owner_role}")
    if row.owned:
        problems.append(f"runtime role {runtime_role} owns {row.owned} relation(s)")
    if row.temporary:
        problems.append(f"runtime role {runtime_role} can create temporary tables")
    with runtime_url_engine.connect() as conn:
        live = conn.execute(
            text("SELECT current_user, r.rolsuper, r.rolbypassrls FROM pg_roles r WHERE r.rolname = current_user")
        ).first()
    if live[0] != runtime_role:
        problems.append(f"runtime connections act as {live[0]}, not {runtime_role}")
    elif live.rolsuper or live.rolbypassrls:
        problems.append(f"runtime connections act as {live[0]}, which bypasses row-level security")
    return problems


# Columns and tables holding credentials or key material: the runtime role reads none.
SECRET_COLUMNS = {
    "public.app_user": ("password_hash", "totp_secret_enc"),
    "public.auth_token": ("token_hash",),
    "public.recovery_code": ("code_hash",),
    "public.webhook_endpoint": ("secret_enc",),
}
SECRET_TABLES = ("app.server_key", "app.tenant_key", "app.login_backoff", "app.auth_ticket")
# Functions that write credentials or read keys with no ticket: owner only.
OWNER_ONLY_FUNCTIONS = (
    "app.issue_token(uuid, text, text, bytea, timestamptz, boolean)",
    "app.portal_agent_id(uuid, uuid, uuid)",
    "app.store_recovery_codes(uuid, uuid, text[])",
    "app.backoff_failed(text, text)",
    "app.backoff_succeeded(text, text)",
    "app.open_ticket(app_user, text, uuid, text, text, integer)",
    "app.spend_ticket(uuid, text)",
)


def credential_problems(owner: Engine, runtime_role: str) -> list[str]:
    """Ways the runtime role could read a credential or mint a verified token."""
    problems = []
    with owner.connect() as conn:
        for table, columns in SECRET_COLUMNS.items():
            for column in columns:
                if conn.execute(text("SELECT CASE WHEN to_regclass(:t) IS NOT NULL"  # not migrated yet: nothing
                                     " THEN has_column_privilege(:r, :t, :c, 'SELECT') ELSE false END"),
                                {"r": runtime_role, "t": table, "c": column}).scalar():
                    problems.append(f"runtime role {runtime_role} can read {table}.{column}")
        for table in SECRET_TABLES:
            if conn.execute(text("SELECT has_table_privilege(:r, :t, 'SELECT, INSERT, UPDATE, DELETE')"),
                            {"r": runtime_role, "t": table}).scalar():
                problems.append(f"runtime role {runtime_role} can use {table}")
        for function in OWNER_ONLY_FUNCTIONS:
            if conn.execute(text("SELECT has_function_privilege(:r, :f, 'EXECUTE')"),
                            {"r": runtime_role, "f": function}).scalar():
                problems.append(f"runtime role {runtime_role} can execute {function}")
    return problems
