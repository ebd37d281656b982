"""Permission keys of the billing plugin (terms, billable hours, invoices), and who holds them
by default.

Planners already read the billed hours of their clients; invoices are those hours as billed.
"""

from __future__ import annotations

from switchboard.core.authz.permission import Permission

HOURS_READ = "billing.hours.read"
TERMS_READ = "billing.terms.read"
TERMS_MANAGE = "billing.terms.manage"
POLICY_MANAGE = "billing.policy.manage"
INVOICE_READ = "billing.invoice.read"
INVOICE_MANAGE = "billing.invoice.manage"
INVOICE_ISSUE = "billing.invoice.issue"

READERS = ("tenant_admin", "finance", "account_manager")
INVOICING = ("tenant_admin", "finance")

PERMISSIONS = [
    Permission(HOURS_READ, "Read billable hours and amounts in scope", roles=(*READERS, "workforce_planner")),
    Permission(TERMS_READ, "Read commercial terms in scope", roles=READERS),
    Permission(TERMS_MANAGE, "Set commercial terms of clients and LOBs", roles=INVOICING),
    Permission(POLICY_MANAGE, "Choose the tenant's overtime attribution", roles=("tenant_admin",)),
    Permission(INVOICE_READ, "Read invoices and credit notes in scope, and export them",
               roles=(*READERS, "workforce_planner")),
    Permission(INVOICE_MANAGE, "Draft and discard invoices and credit notes", roles=INVOICING),
    Permission(INVOICE_ISSUE, "Issue invoices and credit notes (numbered, then immutable)", roles=INVOICING,
               sensitive=True),
]
