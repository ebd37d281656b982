-- upgrade
SET LOCAL check_function_bodies = off
-- statement
DROP FUNCTION app.login_lookup(text)
-- statement
DROP FUNCTION app.login_failed(uuid, integer, integer)
-- statement
DROP FUNCTION app.login_succeeded(uuid)
-- statement
DROP FUNCTION app.my_totp_secret()
-- statement
DROP FUNCTION app.set_my_totp(text, boolean)
-- statement
DROP FUNCTION app.set_my_password(text)
-- statement
DROP FUNCTION app.step_up(uuid)
-- statement
REVOKE EXECUTE ON FUNCTION app.issue_token(uuid, text, text, bytea, timestamptz, boolean) FROM {runtime}
-- statement
ALTER TABLE auth_token DROP CONSTRAINT auth_token_kind_check, ADD CONSTRAINT auth_token_kind_check CHECK (kind IN ('session', 'api', 'operator'))
-- statement
ALTER TABLE app_user ADD COLUMN totp_secret_enc text, ADD COLUMN totp_last_step bigint NOT NULL DEFAULT 0
-- statement
ALTER TABLE app_user DROP COLUMN totp_secret, DROP COLUMN failed_attempts, DROP COLUMN locked_until, ADD CONSTRAINT app_user_totp_has_secret CHECK (NOT totp_enabled OR totp_secret_enc IS NOT NULL)
-- statement
DROP TRIGGER audit_insert ON app_user
-- statement
DROP TRIGGER audit_update ON app_user
-- statement
DROP TRIGGER audit_delete ON app_user
-- statement
CREATE TRIGGER audit_insert AFTER INSERT ON app_user REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app.audit_rows('pii:password_hash', 'pii:totp_secret_enc', 'quiet:totp_last_step')
-- statement
CREATE TRIGGER audit_update AFTER UPDATE ON app_user REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app.audit_rows('pii:password_hash', 'pii:totp_secret_enc', 'quiet:totp_last_step')
-- statement
CREATE TRIGGER audit_delete AFTER DELETE ON app_user REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION app.audit_rows('pii:password_hash', 'pii:totp_secret_enc', 'quiet:totp_last_step')
-- statement
CREATE TABLE recovery_code (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL REFERENCES tenant (id),
    user_id uuid NOT NULL,
    code_hash bytea NOT NULL,
    used_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES app_user (tenant_id, id),
    UNIQUE (tenant_id, user_id, code_hash)
)
-- statement
CREATE INDEX recovery_code_user_id_idx ON recovery_code (tenant_id, user_id)
-- statement
ALTER TABLE recovery_code ENABLE ROW LEVEL SECURITY
-- statement
ALTER TABLE recovery_code FORCE ROW LEVEL SECURITY
-- statement
CREATE POLICY recovery_code_read ON recovery_code FOR SELECT USING (tenant_id = (SELECT app.tenant_id()) AND ((SELECT app.tenant_wide()) OR user_id = (SELECT app.user_id())))
-- statement
CREATE POLICY recovery_code_write ON recovery_code FOR ALL USING (tenant_id = (SELECT app.tenant_id()) AND false) WITH CHECK (tenant_id = (SELECT app.tenant_id()) AND false)
-- statement
CREATE TRIGGER audit_insert AFTER INSERT ON recovery_code REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app.audit_rows('pii:code_hash')
-- statement
CREATE TRIGGER audit_update AFTER UPDATE ON recovery_code REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app.audit_rows('pii:code_hash')
-- statement
CREATE TRIGGER audit_delete AFTER DELETE ON recovery_code REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION app.audit_rows('pii:code_hash')
-- statement
CREATE OR REPLACE FUNCTION app.refuse_scope_change() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog
AS $$ BEGIN
  RAISE EXCEPTION 'SCOPE_IMMUTABLE: a % row never moves to another tenant, client or LOB', TG_TABLE_NAME
    USING ERRCODE = 'check_violation', CONSTRAINT = 'scope_immutable';
END $$
-- statement
CREATE OR REPLACE TRIGGER _scope_immutable BEFORE UPDATE ON recovery_code FOR EACH ROW WHEN (OLD.tenant_id IS DISTINCT FROM NEW.tenant_id) EXECUTE FUNCTION app.refuse_scope_change()
-- statement
GRANT SELECT (id, tenant_id, user_id, used_at, created_at) ON recovery_code TO {runtime}
-- statement
-- Key material the owner alone reads: the runtime role has no grant on these tables
-- and no function returns them.
CREATE FUNCTION app.random_key() RETURNS bytea
LANGUAGE sql VOLATILE
AS $$ SELECT sha256(convert_to(gen_random_uuid()::text || gen_random_uuid()::text
                               || gen_random_uuid()::text, 'UTF8')) $$;

CREATE TABLE app.server_key (
    name text PRIMARY KEY CHECK (name IN ('factor_proof', 'login_pepper')),
    key bytea NOT NULL CHECK (length(key) >= 32),
    created_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO app.server_key (name, key) VALUES ('factor_proof', app.random_key()), ('login_pepper', app.random_key());

CREATE TABLE app.tenant_key (
    tenant_id uuid NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
    purpose text NOT NULL CHECK (purpose IN ('portal_agent')),
    key bytea NOT NULL CHECK (length(key) >= 32),
    rotated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, purpose)
);
INSERT INTO app.tenant_key (tenant_id, purpose, key) SELECT id, 'portal_agent', app.random_key() FROM tenant;

CREATE FUNCTION app.tenant_keys() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
AS $$ BEGIN
  INSERT INTO app.tenant_key (tenant_id, purpose, key) VALUES (NEW.id, 'portal_agent', app.random_key());
  RETURN NULL;
END $$;
CREATE TRIGGER tenant_keys AFTER INSERT ON tenant FOR EACH ROW EXECUTE FUNCTION app.tenant_keys();

-- HMAC-SHA-256 (RFC 2104) over the built-in sha256().
CREATE FUNCTION app.hmac_sha256(key bytea, message bytea) RETURNS bytea
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
AS $$
DECLARE
  k bytea := CASE WHEN length(key) > 64 THEN sha256(key) ELSE key END;
  inner_pad bytea := decode(repeat('36', 64), 'hex');
  outer_pad bytea := decode(repeat('5c', 64), 'hex');
BEGIN
  FOR i IN 0 .. length(k) - 1 LOOP
    inner_pad := set_byte(inner_pad, i, get_byte(inner_pad, i) # get_byte(k, i));
    outer_pad := set_byte(outer_pad, i, get_byte(outer_pad, i) # get_byte(k, i));
  END LOOP;
  RETURN sha256(outer_pad || sha256(inner_pad || message));
END $$;

-- A client's opaque id for an employee: stable per (client, employee), different for
-- every client, and not computable without the tenant's key. Only definer functions
-- (the portal's) call it; the runtime role may not.
CREATE FUNCTION app.portal_agent_id(p_tenant uuid, p_client uuid, p_employee uuid) RETURNS text
LANGUAGE sql STABLE
AS $$ SELECT 'agent-' || left(encode(app.hmac_sha256(k.key,
                 convert_to(p_client::text || '/' || p_employee::text, 'UTF8')), 'hex'), 16)
        FROM app.tenant_key k WHERE k.tenant_id = p_tenant AND k.purpose = 'portal_agent' $$;
-- statement
-- Failed logins and factors per key: sha256 of 'pair:<e-mail>|<address>', 'address:<address>'
-- or 'account:<e-mail>'. E-mails are keyed whether or not they exist.
CREATE TABLE app.login_backoff (
    key bytea PRIMARY KEY,
    failures integer NOT NULL DEFAULT 0,
    last_failure_at timestamptz,
    succeeded_at timestamptz
);

CREATE FUNCTION app.backoff_keys(p_email text, p_address text)
RETURNS TABLE (kind text, key bytea)
LANGUAGE sql IMMUTABLE
AS $$ VALUES ('pair', sha256(convert_to('pair:' || lower(btrim(p_email)) || '|' || coalesce(p_address, ''), 'UTF8'))),
             ('address', sha256(convert_to('address:' || coalesce(p_address, ''), 'UTF8'))),
             ('account', sha256(convert_to('account:' || lower(btrim(p_email)), 'UTF8'))) $$;

-- Seconds to wait after `failures` failures: free attempts, then doubling up to a cap.
-- A pair (e-mail, address) gets 3 free attempts and waits up to 15 minutes; an address
-- 20 (across e-mails) and 15 minutes; an e-mail 10 (across addresses) and only 30 s,
-- and none at all from an address it logged in from within 30 days.
CREATE FUNCTION app.backoff_delay(kind text, failures integer) RETURNS integer
LANGUAGE sql IMMUTABLE
AS $$ SELECT CASE WHEN failures < free THEN 0
                  ELSE least(cap, (2 ^ least(failures - free, 20))::integer) END
        FROM (SELECT CASE kind WHEN 'pair' THEN 3 WHEN 'address' THEN 20 ELSE 10 END AS free,
                     CASE kind WHEN 'account' THEN 30 ELSE 900 END AS cap) p $$;

CREATE FUNCTION app.backoff_wait(p_email text, p_address text) RETURNS integer
LANGUAGE sql STABLE
AS $$ SELECT coalesce(max(greatest(0, ceil(extract(epoch FROM b.last_failure_at
                 + make_interval(secs => app.backoff_delay(k.kind, b.failures)) - now()))))::integer, 0)
        FROM app.backoff_keys(p_email, p_address) k
        JOIN app.login_backoff b ON b.key = k.key
       WHERE b.failures > 0 AND b.last_failure_at > now() - interval '1 hour'
         AND NOT (k.kind = 'account' AND EXISTS (
                  SELECT 1 FROM app.login_backoff p JOIN app.backoff_keys(p_email, p_address) pk ON pk.key = p.key
                   WHERE pk.kind = 'pair' AND p.succeeded_at > now() - interval '30 days')) $$;

-- A failure an hour after the previous one starts the count again.
CREATE FUNCTION app.backoff_failed(p_email text, p_address text) RETURNS void
LANGUAGE sql VOLATILE
AS $$ INSERT INTO app.login_backoff AS b (key, failures, last_failure_at)
      SELECT k.key, 1, now() FROM app.backoff_keys(p_email, p_address) k
      ON CONFLICT (key) DO UPDATE
         SET failures = CASE WHEN b.last_failure_at > now() - interval '1 hour' THEN b.failures + 1 ELSE 1 END,
             last_failure_at = now() $$;

CREATE FUNCTION app.backoff_succeeded(p_email text, p_address text) RETURNS void
LANGUAGE sql VOLATILE
AS $$ INSERT INTO app.login_backoff AS b (key, failures, succeeded_at)
      SELECT k.key, 0, now() FROM app.backoff_keys(p_email, p_address) k WHERE k.kind = 'pair'
      ON CONFLICT (key) DO UPDATE SET failures = 0, succeeded_at = now() $$;
-- statement
-- One step of authentication in progress. `factor`: NULL until a second factor is
-- given ('totp' or 'recovery'), 'none' when the user has none to give.
CREATE TABLE app.auth_ticket (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL,
    user_id uuid NOT NULL,
    purpose text NOT NULL CHECK (purpose IN ('login', 'step_up', 'credentials', 'enrol')),
    token_id uuid,
    address text,
    payload text,
    factor text CHECK (factor IN ('none', 'totp', 'recovery')),
    totp_step bigint,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at timestamptz,
    FOREIGN KEY (tenant_id, user_id) REFERENCES app_user (tenant_id, id) ON DELETE CASCADE,
    CHECK ((purpose = 'login') = (token_id IS NULL))
);
CREATE INDEX auth_ticket_expiry_idx ON app.auth_ticket (expires_at);

CREATE FUNCTION app.open_ticket(p_user app_user, p_purpose text, p_token uuid, p_address text,
                                p_payload text, p_minutes integer) RETURNS uuid
LANGUAGE sql VOLATILE
AS $$ DELETE FROM app.auth_ticket WHERE expires_at < now() - interval '1 day';
      INSERT INTO app.auth_ticket (tenant_id, user_id, purpose, token_id, address, payload, factor, expires_at)
      VALUES (p_user.tenant_id, p_user.id, p_purpose, p_token, p_address, p_payload,
              CASE WHEN p_purpose <> 'enrol' AND NOT p_user.totp_enabled THEN 'none' END,
              now() + make_interval(mins => p_minutes))
      RETURNING id $$;

-- The argon2 parameters and salt of an e-mail's password hash, and how long to wait
-- before trying. An unknown e-mail gets parameters like a real one's and a salt
-- derived from it under the login pepper (stable, so repeated asks look alike).
CREATE FUNCTION app.login_begin(p_email text, p_address text)
RETURNS TABLE (params text, hash_len integer, retry_after integer)
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$
  WITH stored AS (
    SELECT u.password_hash AS h FROM app_user u
     WHERE lower(u.email) = lower(btrim(p_email)) AND u.active AND u.password_hash LIKE '$argon2id$%'
  ), made_up AS (
    SELECT '$argon2id$v=19$m=65536,t=3,p=4$'
           || rtrim(encode(substr(app.hmac_sha256(k.key, convert_to(lower(btrim(p_email)), 'UTF8')), 1, 16),
                           'base64'), '=') AS h
      FROM app.server_key k WHERE k.name = 'login_pepper'
  ), chosen AS (
    SELECT coalesce((SELECT h FROM stored), (SELECT h || '$' FROM made_up)) AS h
  )
  SELECT left(h, length(h) - length(split_part(h, '$', 6)) - 1),
         coalesce(nullif(length(split_part(h, '$', 6)) * 3 / 4, 0), 32),
         app.backoff_wait(p_email, p_address)
    FROM chosen
$$;

-- Does the digest match the e-mail's password? Outcomes: LOGIN_THROTTLED,
-- INVALID_CREDENTIALS (unknown e-mail or wrong password alike), PASSWORD_OK (a ticket
-- ready to open a session) or SECOND_FACTOR (a ticket waiting for one, and the
-- encrypted TOTP secret the server checks a code against).
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

-- A ticket for the caller's own token: 'step_up' (any token; the user must have TOTP)
-- or 'credentials' (an interactive session only, with the current password's digest).
-- Outcomes as login_password's, plus INTERACTIVE_SESSION_REQUIRED, TOTP_NOT_ENROLLED
-- and UNAUTHENTICATED.
CREATE FUNCTION app.caller_ticket(p_purpose text, p_token uuid, p_digest text, p_address text)
RETURNS TABLE (outcome text, ticket uuid, totp_secret_enc text, retry_after integer)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$
DECLARE
  u app_user;
  tok auth_token;
  wait integer;
BEGIN
  SELECT * INTO u FROM app_user WHERE id = app.user_id() AND active;
  SELECT * INTO tok FROM auth_token
   WHERE id = p_token AND user_id = u.id AND revoked_at IS NULL AND expires_at > now();
  IF u.id IS NULL OR tok.id IS NULL OR p_purpose NOT IN ('step_up', 'credentials') THEN
    RETURN QUERY SELECT 'UNAUTHENTICATED', NULL::uuid, NULL::text, 0;
    RETURN;
  END IF;
  IF p_purpose = 'credentials' AND tok.kind <> 'session' THEN
    RETURN QUERY SELECT 'INTERACTIVE_SESSION_REQUIRED', NULL::uuid, NULL::text, 0;
    RETURN;
  END IF;
  IF p_purpose = 'step_up' AND NOT u.totp_enabled THEN
    RETURN QUERY SELECT 'TOTP_NOT_ENROLLED', NULL::uuid, NULL::text, 0;
    RETURN;
  END IF;
  wait := app.backoff_wait(u.email, p_address);
  IF wait > 0 THEN
    RETURN QUERY SELECT 'LOGIN_THROTTLED', NULL::uuid, NULL::text, wait;
    RETURN;
  END IF;
  IF p_purpose = 'credentials'
     AND (u.password_hash NOT LIKE '$argon2id$%' OR split_part(u.password_hash, '$', 6) IS DISTINCT FROM p_digest) THEN
    PERFORM app.backoff_failed(u.email, p_address);
    RETURN QUERY SELECT 'INVALID_CREDENTIALS', NULL::uuid, NULL::text, 0;
    RETURN;
  END IF;
  RETURN QUERY SELECT CASE WHEN u.totp_enabled THEN 'SECOND_FACTOR' ELSE 'PASSWORD_OK' END,
                      app.open_ticket(u, p_purpose, tok.id, p_address, NULL, 5),
                      CASE WHEN u.totp_enabled THEN u.totp_secret_enc END, 0;
END $$;

CREATE FUNCTION app.recovery_code_hash(p_user uuid, p_code text) RETURNS bytea
LANGUAGE sql IMMUTABLE
AS $$ SELECT sha256(convert_to(p_user::text || ':' || upper(regexp_replace(p_code, '[^A-Za-z0-9]', '', 'g')),
                               'UTF8')) $$;

-- Give a ticket its second factor: a TOTP code the server checked (p_step, and its
-- proof: hex HMAC-SHA-256 of '<ticket>:<step>' under factor_proof), or a recovery
-- code (spent). Outcomes: OK, TOTP_INVALID (no or a wrong proof), TOTP_REPLAYED (a
-- step not newer than the last accepted), RECOVERY_CODE_INVALID, TICKET_INVALID.
-- Every refusal but TICKET_INVALID counts towards back-off.
CREATE FUNCTION app.ticket_second_factor(p_ticket uuid, p_step bigint, p_proof text, p_recovery text)
RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$
DECLARE
  t app.auth_ticket;
  u app_user;
  expected text;
  code_id uuid;
  verdict text;
BEGIN
  SELECT * INTO t FROM app.auth_ticket
   WHERE id = p_ticket AND used_at IS NULL AND expires_at > now() AND factor IS NULL FOR UPDATE;
  IF NOT FOUND THEN
    RETURN 'TICKET_INVALID';
  END IF;
  SELECT * INTO u FROM app_user WHERE tenant_id = t.tenant_id AND id = t.user_id AND active FOR NO KEY UPDATE;
  IF NOT FOUND THEN
    RETURN 'TICKET_INVALID';
  END IF;
  IF p_recovery IS NOT NULL AND t.purpose <> 'enrol' THEN
    UPDATE recovery_code SET used_at = now()
     WHERE tenant_id = u.tenant_id AND user_id = u.id AND used_at IS NULL
       AND code_hash = app.recovery_code_hash(u.id, p_recovery)
    RETURNING id INTO code_id;
    verdict := CASE WHEN code_id IS NULL THEN 'RECOVERY_CODE_INVALID' ELSE 'recovery' END;
  ELSIF p_step IS NOT NULL AND p_proof IS NOT NULL THEN
    SELECT encode(app.hmac_sha256(k.key, convert_to(p_ticket::text || ':' || p_step::text, 'UTF8')), 'hex')
      INTO expected FROM app.server_key k WHERE k.name = 'factor_proof';
    verdict := CASE WHEN lower(p_proof) IS DISTINCT FROM expected THEN 'TOTP_INVALID'
                    WHEN t.purpose <> 'enrol' AND p_step <= u.totp_last_step THEN 'TOTP_REPLAYED'
                    ELSE 'totp' END;
  ELSE
    verdict := 'TOTP_INVALID';
  END IF;
  IF verdict NOT IN ('totp', 'recovery') THEN
    PERFORM app.backoff_failed(u.email, t.address);
    RETURN verdict;
  END IF;
  UPDATE app.auth_ticket SET factor = verdict, totp_step = p_step WHERE id = t.id;
  IF verdict = 'totp' AND t.purpose <> 'enrol' THEN
    UPDATE app_user SET totp_last_step = p_step WHERE tenant_id = u.tenant_id AND id = u.id;
  END IF;
  RETURN 'OK';
END $$;

-- Spend a ticket of `p_purpose` that has what it needs, belonging to the caller (or,
-- for a login, to nobody yet). NULL when there is none.
CREATE FUNCTION app.spend_ticket(p_ticket uuid, p_purpose text) RETURNS app.auth_ticket
LANGUAGE sql VOLATILE
AS $$ UPDATE app.auth_ticket t SET used_at = now()
       WHERE t.id = p_ticket AND t.purpose = p_purpose AND t.used_at IS NULL AND t.expires_at > now()
         AND t.factor IS NOT NULL
         AND (p_purpose = 'login' OR t.user_id = app.user_id())
         AND (t.token_id IS NULL OR EXISTS (
              SELECT 1 FROM auth_token k WHERE k.tenant_id = t.tenant_id AND k.id = t.token_id
                 AND k.revoked_at IS NULL AND k.expires_at > now()))
      RETURNING t.* $$;

-- Open a session with a login ticket; its second factor counts as given at once
-- when the ticket had one. A session lasts at most 7 days.
CREATE FUNCTION app.login_finish(p_ticket uuid, p_token_hash bytea, p_expires timestamptz)
RETURNS TABLE (token_id uuid, mfa boolean)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$
DECLARE
  t app.auth_ticket := app.spend_ticket(p_ticket, 'login');
  email text;
  made uuid;
BEGIN
  IF t.id IS NULL THEN
    RETURN;
  END IF;
  SELECT u.email INTO email FROM app_user u WHERE u.tenant_id = t.tenant_id AND u.id = t.user_id;
  PERFORM app.backoff_succeeded(email, t.address);
  INSERT INTO auth_token (tenant_id, user_id, kind, name, token_hash, expires_at, mfa_at)
  VALUES (t.tenant_id, t.user_id, 'session', 'login', p_token_hash,
          least(p_expires, now() + interval '7 days'), CASE WHEN t.factor <> 'none' THEN now() END)
  RETURNING id INTO made;
  RETURN QUERY SELECT made, t.factor <> 'none';
END $$;

-- Step-up: the token the ticket was opened for counts as second-factor verified now.
CREATE FUNCTION app.step_up(p_ticket uuid) RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$
DECLARE
  t app.auth_ticket := app.spend_ticket(p_ticket, 'step_up');
BEGIN
  IF t.id IS NULL OR t.factor = 'none' THEN
    RETURN false;
  END IF;
  UPDATE auth_token SET mfa_at = now() WHERE tenant_id = t.tenant_id AND id = t.token_id;
  RETURN true;
END $$;

CREATE FUNCTION app.set_password(p_ticket uuid, p_hash text) RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$
DECLARE
  t app.auth_ticket;
BEGIN
  IF p_hash !~ '^\$argon2id\$v=19\$m=[0-9]+,t=[0-9]+,p=[0-9]+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$' THEN
    RETURN false;
  END IF;
  t := app.spend_ticket(p_ticket, 'credentials');
  IF t.id IS NULL THEN
    RETURN false;
  END IF;
  UPDATE app_user SET password_hash = p_hash WHERE tenant_id = t.tenant_id AND id = t.user_id;
  -- every other session of the user ends with the old password
  UPDATE auth_token SET revoked_at = now()
   WHERE tenant_id = t.tenant_id AND user_id = t.user_id AND kind = 'session' AND id <> t.token_id
     AND revoked_at IS NULL;
  RETURN true;
END $$;

-- Start replacing (or adding) the TOTP factor: the new secret, encrypted, waits on an
-- enrolment ticket of the same session until a code proves it; the current factor stays.
CREATE FUNCTION app.begin_totp(p_ticket uuid, p_secret_enc text) RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$
DECLARE
  t app.auth_ticket := app.spend_ticket(p_ticket, 'credentials');
  u app_user;
BEGIN
  IF t.id IS NULL OR length(p_secret_enc) NOT BETWEEN 16 AND 4096 THEN
    RETURN false;
  END IF;
  SELECT * INTO u FROM app_user WHERE tenant_id = t.tenant_id AND id = t.user_id;
  UPDATE app.auth_ticket SET used_at = now()
   WHERE user_id = u.id AND purpose = 'enrol' AND used_at IS NULL;
  PERFORM app.open_ticket(u, 'enrol', t.token_id, t.address, p_secret_enc, 10);
  RETURN true;
END $$;

-- The caller's session's pending enrolment: its ticket and encrypted secret.
CREATE FUNCTION app.enrol_ticket(p_token uuid)
RETURNS TABLE (ticket uuid, secret_enc text)
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$ SELECT t.id, t.payload FROM app.auth_ticket t
       WHERE t.user_id = app.user_id() AND t.token_id = p_token AND t.purpose = 'enrol'
         AND t.used_at IS NULL AND t.expires_at > now() AND t.factor IS NULL
       ORDER BY t.created_at DESC LIMIT 1 $$;

-- Recovery codes worth storing: 5 to 20 of them, each of at least 16 letters and digits.
CREATE FUNCTION app.recovery_codes_ok(p_codes text[]) RETURNS boolean
LANGUAGE sql IMMUTABLE
AS $$ SELECT coalesce(cardinality(p_codes) BETWEEN 5 AND 20 AND NOT EXISTS (
          SELECT 1 FROM unnest(p_codes) c WHERE length(regexp_replace(c, '[^A-Za-z0-9]', '', 'g')) < 16), false) $$;

CREATE FUNCTION app.store_recovery_codes(p_tenant uuid, p_user uuid, p_codes text[]) RETURNS void
LANGUAGE sql VOLATILE
AS $$ DELETE FROM recovery_code WHERE tenant_id = p_tenant AND user_id = p_user;
      INSERT INTO recovery_code (tenant_id, user_id, code_hash)
      SELECT p_tenant, p_user, app.recovery_code_hash(p_user, c) FROM unnest(p_codes) c $$;

-- Finish enrolment: the proven secret replaces the old one, the session counts as
-- verified, and `p_codes` become the recovery codes when the user has none left.
-- Returns whether the codes were stored; NULL when the ticket is not ready.
CREATE FUNCTION app.enable_totp(p_ticket uuid, p_codes text[]) RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$
DECLARE
  t app.auth_ticket := app.spend_ticket(p_ticket, 'enrol');
  stored boolean := false;
BEGIN
  IF t.id IS NULL OR t.factor <> 'totp' OR NOT app.recovery_codes_ok(p_codes) THEN
    RETURN NULL;
  END IF;
  UPDATE app_user SET totp_secret_enc = t.payload, totp_enabled = true, totp_last_step = t.totp_step
   WHERE tenant_id = t.tenant_id AND id = t.user_id;
  UPDATE auth_token SET mfa_at = now() WHERE tenant_id = t.tenant_id AND id = t.token_id;
  IF NOT EXISTS (SELECT 1 FROM recovery_code r
                  WHERE r.tenant_id = t.tenant_id AND r.user_id = t.user_id AND r.used_at IS NULL) THEN
    PERFORM app.store_recovery_codes(t.tenant_id, t.user_id, p_codes);
    stored := true;
  END IF;
  RETURN stored;
END $$;

-- New recovery codes (the old ones stop working); the user must have TOTP and the
-- ticket a second factor.
CREATE FUNCTION app.set_recovery_codes(p_ticket uuid, p_codes text[]) RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$
DECLARE
  t app.auth_ticket;
BEGIN
  IF NOT app.recovery_codes_ok(p_codes) THEN
    RETURN false;
  END IF;
  t := app.spend_ticket(p_ticket, 'credentials');
  IF t.id IS NULL OR t.factor = 'none' THEN
    RETURN false;
  END IF;
  PERFORM app.store_recovery_codes(t.tenant_id, t.user_id, p_codes);
  RETURN true;
END $$;

-- Remove the TOTP factor (and the recovery codes with it). Outcomes: OK,
-- TOTP_MANDATORY (a tenant admin must keep one), TICKET_INVALID.
CREATE FUNCTION app.disable_totp(p_ticket uuid) RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$
DECLARE
  t app.auth_ticket;
BEGIN
  IF EXISTS (SELECT 1 FROM role_grant g WHERE g.user_id = app.user_id() AND g.role = 'tenant_admin') THEN
    RETURN 'TOTP_MANDATORY';
  END IF;
  t := app.spend_ticket(p_ticket, 'credentials');
  IF t.id IS NULL OR t.factor = 'none' THEN
    RETURN 'TICKET_INVALID';
  END IF;
  UPDATE app_user SET totp_enabled = false, totp_secret_enc = NULL WHERE tenant_id = t.tenant_id AND id = t.user_id;
  DELETE FROM recovery_code WHERE tenant_id = t.tenant_id AND user_id = t.user_id;
  RETURN 'OK';
END $$;

-- An API token for the caller (never second-factor verified; at most 366 days).
CREATE FUNCTION app.issue_api_token(p_ticket uuid, p_name text, p_hash bytea, p_expires timestamptz) RETURNS uuid
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$
DECLARE
  t app.auth_ticket := app.spend_ticket(p_ticket, 'credentials');
  made uuid;
BEGIN
  IF t.id IS NULL THEN
    RETURN NULL;
  END IF;
  INSERT INTO auth_token (tenant_id, user_id, kind, name, token_hash, expires_at)
  VALUES (t.tenant_id, t.user_id, 'api', p_name, p_hash, least(p_expires, now() + interval '366 days'))
  RETURNING id INTO made;
  RETURN made;
END $$;
-- statement
GRANT EXECUTE ON FUNCTION app.login_begin(text, text), app.login_password(text, text, text), app.caller_ticket(text, uuid, text, text), app.ticket_second_factor(uuid, bigint, text, text), app.login_finish(uuid, bytea, timestamptz), app.step_up(uuid), app.set_password(uuid, text), app.begin_totp(uuid, text), app.enrol_ticket(uuid), app.enable_totp(uuid, text[]), app.set_recovery_codes(uuid, text[]), app.disable_totp(uuid), app.issue_api_token(uuid, text, bytea, timestamptz) TO {runtime}
-- downgrade
-- irreversible: credentials cannot be decrypted back into the database
