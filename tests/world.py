"""A small two-tenant world shared by core's and the plugins' tests.

Tenant A has clients A1 (LOBs A1a, A1b) and A2 (LOB A2a); tenant B has client B1
(LOB B1a). Employee e2 works for both A1 and A2. Users hold grants at each scope
level, and a client user is bound to A1.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from tests import factories as f


@dataclass
class World:
    ids: dict[str, UUID] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.ids[name]
        except KeyError as exc:
            raise AttributeError(name) from exc


def build_world(conn, token_hours: float = 1) -> World:
    """The world, its users' tokens valid for ``token_hours``."""
    w = World()
    i = w.ids
    i["tA"] = f.tenant(conn, "Alpha BPO")
    i["tB"] = f.tenant(conn, "Beta BPO")
    i["A1"] = f.client(conn, i["tA"], name="RetailCo", code="RETAILCO", regimes=["PIPEDA"])
    i["A2"] = f.client(conn, i["tA"], name="Banque Laurier", code="LAURIER", jurisdiction="CA-QC",
                       timezone="America/Montreal", languages=["fr", "en"], holiday_region="CA-QC",
                       regimes=["QC_LAW25", "PCI_DSS"], residency_regions=["CA"])
    i["B1"] = f.client(conn, i["tB"], name="Other BPO client", code="OTHER")
    i["A1a"] = f.lob(conn, i["tA"], i["A1"], name="L1 retail EN", code="L1-EN")
    i["A1b"] = f.lob(conn, i["tA"], i["A1"], name="L1 retail FR", code="L1-FR", language="fr")
    i["A2a"] = f.lob(conn, i["tA"], i["A2"], name="Cards", code="CARDS", language="fr",
                     timezone="America/Montreal", handles_card_data=True)
    i["B1a"] = f.lob(conn, i["tB"], i["B1"], name="Support", code="SUP")
    i["siteA"] = f.site(conn, i["tA"], name="Toronto")
    i["siteB"] = f.site(conn, i["tB"], name="Elsewhere")
    for name, tenant in (("e1", "tA"), ("e2", "tA"), ("e3", "tA"), ("eB", "tB")):
        i[name] = f.employee(conn, i[tenant], preferred_name=name)
    f.assignment(conn, i["tA"], i["A1"], i["A1a"], i["e1"])
    f.assignment(conn, i["tA"], i["A1"], i["A1b"], i["e2"], weekly_hours_cap=20)
    f.assignment(conn, i["tA"], i["A2"], i["A2a"], i["e2"], weekly_hours_cap=20)
    f.assignment(conn, i["tA"], i["A2"], i["A2a"], i["e3"])
    f.assignment(conn, i["tB"], i["B1"], i["B1a"], i["eB"])
    f.credential(conn, i["tA"], i["e2"], "pci_clearance")
    f.credential(conn, i["tA"], i["e2"], "cert:retailco", client_id=i["A1"])
    f.credential(conn, i["tA"], i["e3"], "cert:laurier", client_id=i["A2"])
    i["admin"] = f.user(conn, i["tA"], "tenant_admin")
    i["planner"] = f.user(conn, i["tA"], ("workforce_planner", i["A1"], None))
    i["supervisor"] = f.user(conn, i["tA"], ("supervisor", i["A2"], i["A2a"]))
    i["agent"] = f.user(conn, i["tA"], "agent", employee_id=i["e2"])
    i["portal"] = f.user(conn, i["tA"], ("client_viewer", i["A1"], None), kind="client", bound_client=i["A1"])
    i["adminB"] = f.user(conn, i["tB"], "tenant_admin")
    for name in ("admin", "planner", "supervisor", "agent", "portal", "adminB"):
        w.tokens[name] = f.token(conn, i[name], hours=token_hours)
    return w
