"""Permission keys of the workforce model (employees, assignments, credentials, eligibility)."""

from __future__ import annotations

from switchboard.core.authz.permission import Permission
from switchboard.core.scope.permissions import STAFF_ROLES

READ = "workforce.read"
EMPLOYEE_MANAGE = "workforce.employee.manage"
ASSIGNMENT_MANAGE = "workforce.assignment.manage"
CREDENTIAL_MANAGE = "workforce.credential.manage"
ELIGIBILITY_READ = "workforce.eligibility.read"
PII_READ = "employee.pii.read"

PERMISSIONS = [
    Permission(READ, "Read employees, assignments and credentials in scope", roles=STAFF_ROLES),
    Permission(EMPLOYEE_MANAGE, "Hire, change and terminate employees", roles=("tenant_admin",)),
    Permission(ASSIGNMENT_MANAGE, "Assign employees to LOBs, end and move assignments",
               roles=("tenant_admin", "workforce_planner")),
    Permission(CREDENTIAL_MANAGE, "Record and revoke credentials",
               roles=("tenant_admin", "supervisor", "compliance_officer")),
    Permission(ELIGIBILITY_READ, "Ask who is eligible to work a LOB",
               roles=("tenant_admin", "workforce_planner", "supervisor", "account_manager")),
    Permission(PII_READ, "Read employee contact fields (logged)",
               roles=("tenant_admin", "supervisor", "compliance_officer")),
]
