"""Permission keys of the timekeeping plugin (the time-and-attendance ledger), and who holds them
by default.

Importing is recording in bulk: it goes with RECORD. Planners read the ledger but never
write it (it is what payroll and billing count), so they do not import.
"""

from __future__ import annotations

from switchboard.core.authz.permission import Permission

READ = "timekeeping.entry.read"
RECORD = "timekeeping.entry.record"
APPROVE = "timekeeping.entry.approve"
CLOSE = "timekeeping.period.close"
IMPORT = "timekeeping.import"

PERMISSIONS = [
    Permission(READ, "Read time entries in scope (agents: their own)",
               roles=("tenant_admin", "supervisor", "workforce_planner", "finance", "account_manager", "agent")),
    Permission(RECORD, "Record, correct and void time entries", roles=("tenant_admin", "supervisor")),
    Permission(APPROVE, "Approve time entries of a LOB", roles=("tenant_admin", "supervisor")),
    Permission(CLOSE, "Close a client's timekeeping periods", roles=("tenant_admin", "finance")),
    Permission(IMPORT, "Import ACD and punch files into the ledger", roles=("tenant_admin", "supervisor")),
]
