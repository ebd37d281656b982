-- upgrade
DROP FUNCTION app.login_password(text, text, text)
-- statement
CREATE FUNCTION app.login_password(p_email text, p_digest text, p_address text, p_kind text)
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
   WHERE lower(email) = lower(btrim(p_email)) AND active AND password_hash LIKE '$argon2id$%' AND kind = p_kind;
  IF NOT FOUND OR split_part(u.password_hash, '$', 6) IS DISTINCT FROM p_digest THEN
    PERFORM app.backoff_failed(p_email, p_address);
    RETURN QUERY SELECT 'INVALID_CREDENTIALS', NULL::uuid, NULL::text, 0;
    RETURN;
  END IF;
  RETURN QUERY SELECT CASE WHEN u.totp_enabled THEN 'SECOND_FACTOR' ELSE 'PASSWORD_OK' END,
                      app.open_ticket(u, 'login', NULL, p_address, NULL, 5),
                      CASE WHEN u.totp_enabled THEN u.totp_secret_enc END, 0;
END $$;
-- statement
GRANT EXECUTE ON FUNCTION app.login_password(text, text, text, text) TO {runtime}
-- downgrade
DROP FUNCTION app.login_password(text, text, text, text)
-- statement
CREATE FUNCTION app.login_password(p_email text, p_digest text, p_address text)
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
   WHERE lower(email) = lower(btrim(p_email)) AND active AND password_hash LIKE '$argon2id$%';
  IF NOT FOUND OR split_part(u.password_hash, '$', 6) IS DISTINCT FROM p_digest THEN
    PERFORM app.backoff_failed(p_email, p_address);
    RETURN QUERY SELECT 'INVALID_CREDENTIALS', NULL::uuid, NULL::text, 0;
    RETURN;
  END IF;
  RETURN QUERY SELECT CASE WHEN u.totp_enabled THEN 'SECOND_FACTOR' ELSE 'PASSWORD_OK' END,
                      app.open_ticket(u, 'login', NULL, p_address, NULL, 5),
                      CASE WHEN u.totp_enabled THEN u.totp_secret_enc END, 0;
END $$;
-- statement
GRANT EXECUTE ON FUNCTION app.login_password(text, text, text) TO {runtime}
