"""Invoices and credit notes: drafts, gapless per-tenant numbers, immutable once issued.

Revision ID: billing_0003
Revises: billing_0002
Create Date: 2026-11-23
"""

from alembic import op

from switchboard.core.db.scoped import (
    TENANT,
    ScopedTable,
    create_scoped_table,
    drop_scoped_table,
    execute_for_runtime,
    scope_predicate,
)

revision = "billing_0003"
down_revision = "billing_0002"
branch_labels = None
depends_on = None

CLASSES = "('regular', 'overtime', 'double_time', 'holiday')"
ROUNDINGS = "(1, 5, 6, 10, 15, 30, 60)"

# Staff read and write by their client grants; a client user bound to the client
# reads its issued invoices (never drafts) and their lines.
STAFF = scope_predicate("client")
BOUND = "client_id = ANY ((SELECT app.client_ids(true))::uuid[])"
INVOICE_READ = f"({STAFF}) OR ({TENANT} AND status = 'issued' AND {BOUND})"
LINE_READ = (f"({STAFF}) OR ({TENANT} AND {BOUND}"
             " AND invoice_id IN (SELECT i.id FROM invoice i WHERE i.status = 'issued'))")

TABLES = [
    ScopedTable(
        name="invoice",
        scope="client",
        columns="""
            kind text NOT NULL DEFAULT 'invoice' CHECK (kind IN ('invoice', 'credit_note')),
            credits uuid,
            period_from date NOT NULL,
            period_to date NOT NULL,
            currency char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
            status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'issued')),
            number bigint,
            total numeric(14,2) NOT NULL DEFAULT 0,
            drafted_by uuid,
            issued_at timestamptz,
            issued_by uuid""",
        references={"drafted_by": "app_user", "issued_by": "app_user"},
        constraints=[
            "CONSTRAINT invoice_period CHECK (period_to >= period_from AND period_to - period_from < 366)",
            "CONSTRAINT invoice_credits_kind CHECK ((kind = 'credit_note') = (credits IS NOT NULL))",
            ("CONSTRAINT invoice_issue_stamp CHECK ((status = 'issued') = (number IS NOT NULL)"
             " AND (status = 'issued') = (issued_at IS NOT NULL) AND (status = 'draft' OR issued_by IS NOT NULL))"),
            "CONSTRAINT invoice_total_sign CHECK (CASE kind WHEN 'invoice' THEN total >= 0 ELSE total <= 0 END)",
            "CONSTRAINT invoice_number_unique UNIQUE (tenant_id, number)",
            # the key lines and credit notes reference: one client, one currency
            "CONSTRAINT invoice_client_currency UNIQUE (tenant_id, client_id, id, currency)",
            ("CONSTRAINT invoice_credits_same FOREIGN KEY (tenant_id, client_id, credits, currency)"
             " REFERENCES invoice (tenant_id, client_id, id, currency)"),
            ("CONSTRAINT invoice_draft_overlap EXCLUDE USING gist (tenant_id WITH =, client_id WITH =,"
             " currency WITH =, daterange(period_from, period_to, '[]') WITH &&)"
             " WHERE (status = 'draft' AND kind = 'invoice')"),
        ],
        read=INVOICE_READ,
    ),
    ScopedTable(
        name="invoice_line",
        scope="client",
        columns=f"""
            invoice_id uuid NOT NULL,
            lob_id uuid NOT NULL,
            terms_id uuid NOT NULL,
            class text NOT NULL CHECK (class IN {CLASSES}),
            minutes integer NOT NULL CHECK (minutes <> 0),
            hours numeric(12,4) GENERATED ALWAYS AS (round(minutes / 60.0, 4)) STORED,
            rounding_minutes integer NOT NULL CHECK (rounding_minutes IN {ROUNDINGS}),
            rate numeric(10,2) NOT NULL CHECK (rate > 0),
            multiplier numeric(4,2) NOT NULL CHECK (multiplier BETWEEN 1 AND 5),
            amount numeric(14,2) NOT NULL,
            currency char(3) NOT NULL""",
        constraints=[
            "CONSTRAINT invoice_line_rounded CHECK (minutes % rounding_minutes = 0)",
            "CONSTRAINT invoice_line_amount_sign CHECK (amount = 0 OR sign(amount) = sign(minutes))",
            "CONSTRAINT invoice_line_key UNIQUE (tenant_id, invoice_id, lob_id, terms_id, class)",
            ("CONSTRAINT invoice_line_invoice FOREIGN KEY (tenant_id, client_id, invoice_id, currency)"
             " REFERENCES invoice (tenant_id, client_id, id, currency)"),
            "FOREIGN KEY (tenant_id, client_id, lob_id) REFERENCES lob (tenant_id, client_id, id)",
            "FOREIGN KEY (tenant_id, client_id, terms_id) REFERENCES billing_terms (tenant_id, client_id, id)",
        ],
        read=LINE_READ,
    ),
    ScopedTable(
        name="invoice_counter",
        scope="tenant",
        columns="last_number bigint NOT NULL CHECK (last_number > 0)",
        constraints=["CONSTRAINT invoice_counter_one UNIQUE (tenant_id)"],
        quiet=("last_number",),
        commands=(),  # only the issuing trigger writes it
    ),
]

GUARD = r"""
-- What is still creditable on an issued invoice: its total plus its issued credit
-- notes' (negative) totals. NULL for drafts and credit notes. Runs as the caller.
CREATE FUNCTION billing.creditable(p_tenant uuid, p_invoice uuid) RETURNS numeric
LANGUAGE sql STABLE SET search_path = pg_catalog, public
AS $$ SELECT i.total + coalesce((SELECT sum(c.total) FROM invoice c
                                  WHERE c.tenant_id = p_tenant AND c.credits = p_invoice AND c.status = 'issued'), 0)
        FROM invoice i
       WHERE i.tenant_id = p_tenant AND i.id = p_invoice AND i.kind = 'invoice' AND i.status = 'issued' $$;

-- Invoices are born drafts; a credit note credits an issued invoice. Issuing
-- (draft -> issued) takes the tenant's next number from its counter row, locked
-- by the upsert until the transaction ends: numbers are sequential and, since a
-- rolled-back issue rolls the counter back too, gapless. Holding that lock, the
-- checks below see every issue committed before. An issued invoice never changes
-- and is never deleted, whoever asks (the owner included).
CREATE FUNCTION billing.invoice_guard() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
AS $$
DECLARE
  family uuid;
  lines integer;
  overdrawn boolean;
  mispriced boolean;
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF NEW.status <> 'draft' OR NEW.number IS NOT NULL THEN
      RAISE EXCEPTION 'INVOICE_NOT_DRAFT' USING ERRCODE = 'check_violation', CONSTRAINT = 'invoice_born_draft';
    END IF;
    IF NEW.kind = 'credit_note' AND NOT EXISTS (
        SELECT 1 FROM invoice i WHERE i.tenant_id = NEW.tenant_id AND i.id = NEW.credits
           AND i.kind = 'invoice' AND i.status = 'issued') THEN
      RAISE EXCEPTION 'INVOICE_NOT_ISSUED' USING ERRCODE = 'check_violation', CONSTRAINT = 'invoice_credits_issued';
    END IF;
    RETURN NEW;
  END IF;
  IF OLD.status = 'issued' THEN
    RAISE EXCEPTION 'INVOICE_ISSUED' USING ERRCODE = 'check_violation', CONSTRAINT = 'invoice_immutable';
  END IF;
  IF TG_OP = 'DELETE' OR NEW.status = 'draft' THEN
    RETURN coalesce(NEW, OLD);
  END IF;

  INSERT INTO invoice_counter AS c (tenant_id, last_number) VALUES (NEW.tenant_id, 1)
      ON CONFLICT (tenant_id) DO UPDATE SET last_number = c.last_number + 1
      RETURNING c.last_number INTO NEW.number;
  NEW.issued_at := now();
  NEW.issued_by := app.user_id();
  SELECT coalesce(sum(l.amount), 0), count(*) INTO NEW.total, lines
    FROM invoice_line l WHERE l.tenant_id = NEW.tenant_id AND l.invoice_id = NEW.id;
  IF lines = 0 THEN
    RAISE EXCEPTION 'INVOICE_EMPTY' USING ERRCODE = 'check_violation', CONSTRAINT = 'invoice_not_empty';
  END IF;

  -- Per line (LOB, terms, class, price), an invoice net of its issued credit notes
  -- and this one never goes below zero, and its amount is its minutes x rate x
  -- multiplier / 60 rounded half up to cents.
  family := coalesce(NEW.credits, NEW.id);
  SELECT coalesce(bool_or(net.minutes < 0), false),
         coalesce(bool_or(net.amount <> round(net.minutes * net.rate * net.multiplier / 60, 2)), false)
    INTO overdrawn, mispriced
    FROM (SELECT sum(l.minutes) AS minutes, sum(l.amount) AS amount, l.rate, l.multiplier
            FROM invoice_line l JOIN invoice i ON i.tenant_id = l.tenant_id AND i.id = l.invoice_id
           WHERE l.tenant_id = NEW.tenant_id
             AND (i.id IN (family, NEW.id) OR (i.credits = family AND i.status = 'issued'))
           GROUP BY l.lob_id, l.terms_id, l.class, l.rate, l.multiplier) net;
  IF overdrawn THEN
    RAISE EXCEPTION 'CREDIT_EXCEEDS_INVOICE' USING ERRCODE = 'check_violation', CONSTRAINT = 'credit_note_limit';
  END IF;
  IF mispriced THEN
    RAISE EXCEPTION 'INVOICE_LINE_AMOUNT' USING ERRCODE = 'check_violation', CONSTRAINT = 'invoice_line_amount';
  END IF;
  IF NEW.kind = 'credit_note' AND billing.creditable(NEW.tenant_id, NEW.credits) + NEW.total < 0 THEN
    RAISE EXCEPTION 'CREDIT_EXCEEDS_INVOICE' USING ERRCODE = 'check_violation', CONSTRAINT = 'credit_note_limit';
  END IF;
  -- one client's work in one currency is invoiced once, unless that invoice was fully credited
  IF NEW.kind = 'invoice' AND EXISTS (
      SELECT 1 FROM invoice i
       WHERE i.tenant_id = NEW.tenant_id AND i.client_id = NEW.client_id AND i.currency = NEW.currency
         AND i.kind = 'invoice' AND i.status = 'issued' AND i.id <> NEW.id
         AND daterange(i.period_from, i.period_to, '[]') && daterange(NEW.period_from, NEW.period_to, '[]')
         AND billing.creditable(i.tenant_id, i.id) > 0) THEN
    RAISE EXCEPTION 'INVOICE_PERIOD_OVERLAP' USING ERRCODE = 'check_violation', CONSTRAINT = 'invoice_period_overlap';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER invoice_guard BEFORE INSERT OR UPDATE OR DELETE ON invoice
    FOR EACH ROW EXECUTE FUNCTION billing.invoice_guard();

-- Lines of an issued invoice never change. The invoice row is share-locked, so a
-- line cannot slip in while its invoice is being issued. Invoice lines are
-- positive, credit note lines negative.
CREATE FUNCTION billing.line_guard() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
AS $$
DECLARE
  inv record;
BEGIN
  IF TG_OP <> 'INSERT' THEN
    SELECT i.status INTO inv FROM invoice i WHERE i.tenant_id = OLD.tenant_id AND i.id = OLD.invoice_id FOR SHARE;
    IF inv.status = 'issued' THEN
      RAISE EXCEPTION 'INVOICE_ISSUED' USING ERRCODE = 'check_violation', CONSTRAINT = 'invoice_immutable';
    END IF;
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  SELECT i.status, i.kind INTO inv FROM invoice i WHERE i.tenant_id = NEW.tenant_id AND i.id = NEW.invoice_id FOR SHARE;
  IF inv.status = 'issued' THEN
    RAISE EXCEPTION 'INVOICE_ISSUED' USING ERRCODE = 'check_violation', CONSTRAINT = 'invoice_immutable';
  END IF;
  IF (inv.kind = 'invoice') <> (NEW.minutes > 0) THEN
    RAISE EXCEPTION 'INVOICE_LINE_SIGN' USING ERRCODE = 'check_violation', CONSTRAINT = 'invoice_line_sign';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER invoice_line_guard BEFORE INSERT OR UPDATE OR DELETE ON invoice_line
    FOR EACH ROW EXECUTE FUNCTION billing.line_guard();

-- TRUNCATE fires no row trigger: refuse it while any invoice is issued.
CREATE FUNCTION billing.refuse_truncate() RETURNS trigger
LANGUAGE plpgsql
AS $$ BEGIN
  IF EXISTS (SELECT 1 FROM invoice WHERE status = 'issued') THEN
    RAISE EXCEPTION 'INVOICE_ISSUED' USING ERRCODE = 'check_violation', CONSTRAINT = 'invoice_immutable';
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER invoice_truncate BEFORE TRUNCATE ON invoice
    FOR EACH STATEMENT EXECUTE FUNCTION billing.refuse_truncate();
CREATE TRIGGER invoice_line_truncate BEFORE TRUNCATE ON invoice_line
    FOR EACH STATEMENT EXECUTE FUNCTION billing.refuse_truncate();

-- one draft credit note at a time per invoice, so two drafts never credit the same change twice
CREATE UNIQUE INDEX invoice_one_draft_credit ON invoice (tenant_id, credits) WHERE status = 'draft';
CREATE INDEX invoice_credits_idx ON invoice (tenant_id, credits);
CREATE INDEX invoice_period_idx ON invoice (tenant_id, client_id, currency, period_from);
REVOKE EXECUTE ON FUNCTION billing.invoice_guard(), billing.line_guard(), billing.refuse_truncate() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION billing.creditable(uuid, uuid) TO {runtime};
"""


def upgrade() -> None:
    # invoice lines name terms of their own client
    op.execute("ALTER TABLE billing_terms ADD CONSTRAINT billing_terms_client_key UNIQUE (tenant_id, client_id, id)")
    for table in TABLES:
        create_scoped_table(op, table)
    execute_for_runtime(op, GUARD)


def downgrade() -> None:
    op.execute("DROP FUNCTION IF EXISTS billing.creditable(uuid, uuid), billing.invoice_guard(),"
               " billing.line_guard(), billing.refuse_truncate() CASCADE")
    for table in reversed(TABLES):
        drop_scoped_table(op, table.name)
    op.execute("ALTER TABLE billing_terms DROP CONSTRAINT IF EXISTS billing_terms_client_key")
