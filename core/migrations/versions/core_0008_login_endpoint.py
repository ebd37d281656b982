"""Logging in names the endpoint: staff log in on ``/graphql``, client users on ``/portal/graphql``.

``app.login_password`` takes the kind of user the endpoint serves. An account of the
other kind is refused exactly as a wrong password is (``INVALID_CREDENTIALS``, counted
towards back-off, no ticket and so no question for a second factor): a login never
tells which endpoint an e-mail belongs to, nor that its password was right there.

Revision ID: core_0008
Revises: core_0007
Create Date: 2026-12-07
"""

from alembic import op

from switchboard.core.db.scoped import execute_for_runtime

revision = "core_0008"
down_revision = "core_0007"
branch_labels = None
depends_on = None

LOGIN = r"""
CREATE FUNCTION app.login_password(p_email text, p_digest text, p_address text{kind_param})
RETURNS TABLE (outcome text, ticket uuid, totp_secret_enc text, retry_after integer)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$
DECLARE
  wait integer := app.backoff_wait(p_email, p_address);
  u app_user;
BEGIN
  IF wait > 0 THEN
    RETURN QUERY SELECT 'LOGIN_THROTTLED', NULL::uuid, NULL::text, wait;
    RETURN;
  END IF;
  SELECT * INTO u FROM app_user
   WHERE lower(email) = lower(btrim(p_email)) AND active AND password_hash LIKE '$argon2id$%'{kind_check};
  IF NOT FOUND OR split_part(u.password_hash, '$', 6) IS DISTINCT FROM p_digest THEN
    PERFORM app.backoff_failed(p_email, p_address);
    RETURN QUERY SELECT 'INVALID_CREDENTIALS', NULL::uuid, NULL::text, 0;
    RETURN;
  END IF;
  RETURN QUERY SELECT CASE WHEN u.totp_enabled THEN 'SECOND_FACTOR' ELSE 'PASSWORD_OK' END,
                      app.open_ticket(u, 'login', NULL, p_address, NULL, 5),
                      CASE WHEN u.totp_enabled THEN u.totp_secret_enc END, 0;
END $$;
"""
WITH_KIND = LOGIN.format(kind_param=", p_kind text", kind_check=" AND kind = p_kind")
WITHOUT_KIND = LOGIN.format(kind_param="", kind_check="")


def upgrade() -> None:
    op.execute("DROP FUNCTION app.login_password(text, text, text)")
    op.execute(WITH_KIND)
    execute_for_runtime(op, "GRANT EXECUTE ON FUNCTION app.login_password(text, text, text, text) TO {runtime}")


def downgrade() -> None:
    op.execute("DROP FUNCTION app.login_password(text, text, text, text)")
    op.execute(WITHOUT_KIND)
    execute_for_runtime(op, "GRANT EXECUTE ON FUNCTION app.login_password(text, text, text) TO {runtime}")
