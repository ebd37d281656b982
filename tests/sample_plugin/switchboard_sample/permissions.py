"""Permission keys of the sample plugin, and who holds them by default."""

from __future__ import annotations

from switchboard.core.authz.permission import Permission

NOTE_READ = "sample.note.read"
NOTE_WRITE = "sample.note.write"

PERMISSIONS = [
    Permission(NOTE_READ, "Read sample notes", roles=("tenant_admin", "supervisor", "workforce_planner")),
    Permission(NOTE_WRITE, "Write sample notes", roles=("tenant_admin", "supervisor")),
]
