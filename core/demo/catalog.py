"""Fixed data of the demo BPO: sites, staffing pools, the seven named clients and their
23 LOBs, vocabulary for generated clients (``--size large``), names and demo users.

Everything here is plain data; :mod:`.generate` turns it into rows for a seed.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

TENANT_NAME = "Northwind BPO"
TENANT_SLUG = "northwind-bpo"
EMAIL_DOMAIN = "northwind.example"
EMPLOYEE_PREFIX = "NW"
# Every demo user's password (documented; at least MIN_PASSWORD_LENGTH characters).
DEMO_PASSWORD = "switchboard-demo"

# Regions the PostgreSQL function app.region_permitted() treats as 'EU'.
EU_COUNTRIES = (
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT",
    "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
)

# ---------------------------------------------------------------------------------------
# Sites and the pools agents are hired from
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SiteSpec:
    code: str
    name: str
    country: str
    region: str
    timezone: str


SITES = (
    #        code   name        country region   timezone
    SiteSpec("TOR", "Toronto", "CA", "CA-ON", "America/Toronto"),
    SiteSpec("MTL", "Montréal", "CA", "CA-QC", "America/Toronto"),
    SiteSpec("DUB", "Dublin", "IE", "IE-D", "Europe/Dublin"),
)


@dataclass(frozen=True)
class Pool:
    """Where agents come from: a site, or work-at-home agents (``site`` None).

    ``natives``: native-language mix. ``extras``: chance of speaking another language
    (B2 to C2) besides the native one. ``names``: name list per native language.
    ``preference``: hiring weight per LOB language (absent: this pool does not staff it).
    """

    key: str
    site: str | None
    regions: tuple[str, ...]
    currency: str
    base_rate: Decimal
    natives: tuple[tuple[str, float], ...]
    extras: tuple[tuple[str, float], ...]
    names: tuple[tuple[str, str], ...]
    preference: tuple[tuple[str, int], ...]

    @property
    def country(self) -> str:
        return self.regions[0].split("-")[0]


POOLS = (
    Pool("TOR", "TOR", ("CA-ON",), "CAD", Decimal("19.50"),
         natives=(("en", 1.0),), extras=(("fr", 0.15), ("es", 0.05)),
         names=(("en", "ca"),), preference=(("en", 6), ("fr", 1))),
    Pool("MTL", "MTL", ("CA-QC",), "CAD", Decimal("19.00"),
         natives=(("fr", 0.75), ("en", 0.25)), extras=(("en", 0.85), ("fr", 0.8)),
         names=(("fr", "qc"), ("en", "ca")), preference=(("fr", 8), ("en", 2))),
    Pool("DUB", "DUB", ("IE-D",), "EUR", Decimal("15.50"),
         natives=(("en", 0.85), ("fr", 0.08), ("es", 0.07)), extras=(("en", 1.0), ("fr", 0.2), ("es", 0.1)),
         names=(("en", "ie"), ("fr", "fr"), ("es", "es")), preference=(("en", 2), ("fr", 2), ("es", 1))),
    # Work-at-home agents in the United States (no home site).
    Pool("USR", None, ("US-TX", "US-FL", "US-AZ", "US-NC"), "USD", Decimal("17.00"),
         natives=(("en", 0.65), ("es", 0.35)), extras=(("en", 1.0), ("es", 0.1)),
         names=(("en", "us"), ("es", "es")), preference=(("en", 3), ("es", 6))),
)

PHONE_PREFIXES = {
    "CA-ON": "+1 416 555", "CA-QC": "+1 514 555", "IE-D": "+353 1 555",
    "US-TX": "+1 210 555", "US-FL": "+1 305 555", "US-AZ": "+1 602 555", "US-NC": "+1 704 555",
}

# ---------------------------------------------------------------------------------------
# The seven named clients and their 23 LOBs
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClientSpec:
    code: str
    name: str
    jurisdiction: str
    timezone: str
    languages: tuple[str, ...]
    currency: str
    holiday_region: str
    regimes: tuple[str, ...]
    residency: tuple[str, ...]


@dataclass(frozen=True)
class LobSpec:
    """A LOB. Required credentials follow from its data and language (see
    ``generate.required_credentials``); ``certs`` adds certifications on top.
    ``weight``: relative headcount. ``timezone`` None: the client's."""

    code: str
    name: str
    language: str
    channel: str
    sla_pct: int
    sla_seconds: int
    weight: int
    card: bool = False
    health: bool = False
    certs: tuple[str, ...] = ()
    timezone: str | None = None


NAMED_CLIENTS = (
    ClientSpec(
        "RETAILCO", "RetailCo Canada",
        jurisdiction="CA-ON",
        timezone="America/Toronto",
        languages=("en", "fr"),
        currency="CAD",
        holiday_region="CA-ON",
        regimes=("PCI_DSS", "PIPEDA"),
        residency=(),
    ),
    ClientSpec(
        "BOREALE", "Banque Boréale",
        jurisdiction="CA-QC",
        timezone="America/Toronto",
        languages=("fr", "en"),
        currency="CAD",
        holiday_region="CA-QC",
        regimes=("PCI_DSS", "QC_LAW25"),
        residency=("CA",),
    ),
    ClientSpec(
        "LONESTAR", "Lone Star Health Plans",
        jurisdiction="US-TX",
        timezone="America/Chicago",
        languages=("en", "es"),
        currency="USD",
        holiday_region="US-TX",
        regimes=("HIPAA",),
        residency=("US",),
    ),
    ClientSpec(
        "AURORA", "Aurora Voyages Europe",
        jurisdiction="IE",
        timezone="Europe/Dublin",
        languages=("en", "fr"),
        currency="EUR",
        holiday_region="IE",
        regimes=("GDPR",),
        residency=("EU",),
    ),
    ClientSpec(
        "PACCREST", "Pacific Crest Devices",
        jurisdiction="US-CA",
        timezone="America/Los_Angeles",
        languages=("en", "es"),
        currency="USD",
        holiday_region="US-CA",
        regimes=("CCPA",),
        residency=(),
    ),
    ClientSpec(
        "MAPLEMOBILE", "Maple Mobile",
        jurisdiction="CA-AB",
        timezone="America/Edmonton",
        languages=("en", "fr"),
        currency="CAD",
        holiday_region="CA-AB",
        regimes=("PCI_DSS", "PIPEDA"),
        residency=(),
    ),
    ClientSpec(
        "TIDEWATER", "Tidewater Energy",
        jurisdiction="CA-NS",
        timezone="America/Halifax",
        languages=("en",),
        currency="CAD",
        holiday_region="CA-NS",
        regimes=("PIPEDA",),
        residency=(),
    ),
)

NAMED_LOBS = {
    #        code            name                      lang  channel        SLA%  answer-s weight
    "RETAILCO": (
        LobSpec("L1-RETAIL-EN", "L1 retail EN",            "en", "voice",        80, 20,    40),
        LobSpec("L2-ESC-EN",    "L2 escalations EN",       "en", "voice",        85, 30,    12,
                certs=("cert:retailco",)),
        LobSpec("L1-RETAIL-FR", "L1 retail FR",            "fr", "voice",        80, 20,    20),
        LobSpec("RETURNS-EN",   "Returns and refunds EN",  "en", "voice",        80, 30,    16, card=True),
    ),
    "BOREALE": (
        LobSpec("CARTES-FR",    "Cartes de crédit FR",     "fr", "voice",        85, 20,    24, card=True),
        LobSpec("CARDS-EN",     "Credit cards EN",         "en", "voice",        85, 20,    14, card=True),
        LobSpec("FRAUDE-FR",    "Fraude et sécurité FR",   "fr", "voice",        90, 15,    10,
                card=True, certs=("cert:boreale",)),
    ),
    "LONESTAR": (
        LobSpec("MEMBER-EN",    "Member services EN",      "en", "voice",        80, 30,    26, health=True),
        LobSpec("MEMBER-ES",    "Member services ES",      "es", "voice",        80, 30,    14, health=True),
        LobSpec("CLAIMS",       "Claims processing",       "en", "back_office",  95, 86400, 10, health=True),
    ),
    "AURORA": (
        LobSpec("RES-EN",       "Reservations EN",         "en", "voice",        80, 20,    16),
        LobSpec("RES-FR",       "Réservations FR",         "fr", "voice",        80, 20,    10,
                timezone="Europe/Paris"),
        LobSpec("SOCIAL-EN",    "Social care EN",          "en", "social",       85, 3600,   5),
    ),
    "PACCREST": (
        LobSpec("TECH-EN",      "Tech support EN",         "en", "chat",         80, 60,    18),
        LobSpec("TECH-ES",      "Soporte técnico ES",      "es", "chat",         80, 60,     8),
        LobSpec("ORDERS-EN",    "Orders and returns EN",   "en", "email",        90, 86400,  6),
    ),
    "MAPLEMOBILE": (
        LobSpec("CARE-EN",      "Mobile care EN",          "en", "voice",        80, 20,    30),
        LobSpec("CARE-FR",      "Mobile care FR",          "fr", "voice",        80, 20,    12),
        LobSpec("TIER2",        "Tier 2 technical support", "en", "voice",       80, 60,    10, certs=("cert:tier2",)),
        LobSpec("BILLING-EN",   "Billing EN",              "en", "voice",        80, 30,    14, card=True),
    ),
    "TIDEWATER": (
        LobSpec("CS-EN",        "Customer service EN",     "en", "voice",        80, 30,    16),
        LobSpec("OUTAGE-EN",    "Outage line EN",          "en", "voice",        70, 30,     8),
        LobSpec("MOVES",        "Account moves",           "en", "back_office",  95, 86400,  5),
    ),
}

# ---------------------------------------------------------------------------------------
# Generated clients (``--size large``)
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Industry:
    label: str
    abbreviation: str
    regimes: tuple[str, ...]
    lobs: tuple[tuple[str, str, str], ...]  # (code, name, channel)
    card_lobs: tuple[str, ...] = ()
    us_only: bool = False  # health plans: US jurisdictions with US residency


_COMMON_LOBS = (("SOCIAL", "Social care", "social"), ("BACKOFFICE", "Back office", "back_office"))

INDUSTRIES = (
    Industry("Outfitters", "RTL", ("PCI_DSS",),
             (("CARE", "Customer care", "voice"), ("ORDERS", "Orders and delivery", "chat"),
              ("RETURNS", "Returns and refunds", "voice"), ("LOYALTY", "Loyalty program", "email"), *_COMMON_LOBS),
             card_lobs=("RETURNS",)),
    Industry("Bank", "BNK", ("PCI_DSS",),
             (("CARDS", "Credit cards", "voice"), ("BANKING", "Everyday banking", "voice"),
              ("FRAUD", "Fraud alerts", "voice"), ("ONLINE", "Online banking", "chat"), *_COMMON_LOBS),
             card_lobs=("CARDS", "FRAUD")),
    Industry("Insurance", "INS", (),
             (("POLICY", "Policy service", "voice"), ("CLAIMS", "Claims intake", "voice"),
              ("QUOTES", "Quotes", "chat"), ("DOCS", "Documents", "email"), *_COMMON_LOBS)),
    Industry("Health", "HLT", ("HIPAA",),
             (("MEMBER", "Member services", "voice"), ("PROVIDER", "Provider line", "voice"),
              ("CLAIMS", "Claims", "back_office"), ("PHARMACY", "Pharmacy help", "chat"), *_COMMON_LOBS),
             us_only=True),
    Industry("Telecom", "TEL", ("PCI_DSS",),
             (("CARE", "Mobile care", "voice"), ("TIER2", "Tier 2 technical support", "voice"),
              ("BILLING", "Billing", "voice"), ("INTERNET", "Home internet", "chat"), *_COMMON_LOBS),
             card_lobs=("BILLING",)),
    Industry("Travel", "TRV", (),
             (("RES", "Reservations", "voice"), ("CHANGES", "Changes and cancellations", "voice"),
              ("LOYALTY", "Frequent traveller desk", "email"), ("CHAT", "Trip chat", "chat"), *_COMMON_LOBS)),
    Industry("Energy", "NRG", (),
             (("CS", "Customer service", "voice"), ("OUTAGE", "Outage line", "voice"),
              ("MOVES", "Account moves", "email"), ("PAY", "Payment plans", "chat"), *_COMMON_LOBS)),
    Industry("Software", "SFT", (),
             (("SUPPORT", "Product support", "chat"), ("TIER2", "Tier 2 technical support", "voice"),
              ("ONBOARD", "Onboarding", "email"), ("ACCOUNTS", "Accounts", "voice"), *_COMMON_LOBS)),
)

PREFIXES = (
    "Harbor", "Summit", "Cedar", "Granite", "Prairie", "Northstar", "Bluewater", "Evergreen", "Ironwood",
    "Silverline", "Redwood", "Keystone", "Lakeview", "Highland", "Riverbend", "Stonebridge", "Clearwater",
    "Brightpath", "Westwind", "Oakridge", "Pinecrest", "Sunrise", "Coastal", "Frontier", "Meridian",
)

# jurisdiction, time zone, currency, customer languages
JURISDICTIONS = (
    ("CA-ON", "America/Toronto", "CAD", ("en", "fr")),
    ("CA-QC", "America/Toronto", "CAD", ("fr", "en")),
    ("CA-BC", "America/Vancouver", "CAD", ("en",)),
    ("CA-AB", "America/Edmonton", "CAD", ("en",)),
    ("US-NY", "America/New_York", "USD", ("en", "es")),
    ("US-FL", "America/New_York", "USD", ("en", "es")),
    ("US-IL", "America/Chicago", "USD", ("en",)),
    ("US-CA", "America/Los_Angeles", "USD", ("en", "es")),
    ("US-WA", "America/Los_Angeles", "USD", ("en",)),
    ("FR", "Europe/Paris", "EUR", ("fr", "en")),
    ("ES", "Europe/Madrid", "EUR", ("es", "en")),
    ("NL", "Europe/Amsterdam", "EUR", ("nl", "en")),
    ("DE", "Europe/Berlin", "EUR", ("de", "en")),
)

# Service level by channel for generated LOBs: (target %, answer within seconds).
CHANNEL_SLA = {"voice": (80, 20), "chat": (80, 60), "email": (90, 86400), "social": (85, 3600),
               "back_office": (95, 86400)}
CHANNEL_WEIGHT = {"voice": 3.0, "chat": 2.0, "email": 1.0, "social": 0.8, "back_office": 1.2}

# ---------------------------------------------------------------------------------------
# People
# ---------------------------------------------------------------------------------------

FIRST_NAMES = {
    "ca": ("Liam", "Olivia", "Noah", "Emma", "Ethan", "Ava", "Lucas", "Chloe", "Aiden", "Sophia", "Priya",
           "Arjun", "Wei", "Mei", "Omar", "Fatima", "Jordan", "Taylor", "Hannah", "Daniel", "Jasmine",
           "Ryan", "Sarah", "Kevin", "Amara", "Tyler", "Grace", "Raj", "Simran", "Marcus"),
    "qc": ("Émilie", "Mathieu", "Camille", "Félix", "Léa", "Olivier", "Chloé", "Gabriel", "Rosalie",
           "Samuel", "Florence", "William", "Béatrice", "Antoine", "Maude", "Justin", "Noémie", "Étienne",
           "Marianne", "Jérémie", "Sophie", "Alexandre", "Laurence", "Guillaume", "Myriam"),
    "ie": ("Aoife", "Conor", "Siobhán", "Cian", "Niamh", "Darragh", "Ciara", "Oisín", "Saoirse", "Seán",
           "Róisín", "Eoin", "Caoimhe", "Pádraig", "Orla", "Fionn", "Aisling", "Jack", "Ciarán", "Tadhg"),
    "fr": ("Julien", "Manon", "Thomas", "Inès", "Hugo", "Clara", "Louis", "Zoé", "Théo", "Juliette",
           "Nathan", "Margaux", "Arthur", "Lucie", "Maxime"),
    "us": ("James", "Emily", "Michael", "Ashley", "Christopher", "Jessica", "Brandon", "Megan", "Justin",
           "Brittany", "Tyler", "Kayla", "DeShawn", "Aaliyah", "Austin", "Madison", "Hunter", "Destiny",
           "Caleb", "Taylor"),
    "es": ("María", "José", "Juan", "Guadalupe", "Luis", "Carmen", "Carlos", "Ana", "Jorge", "Sofía",
           "Miguel", "Valeria", "Diego", "Camila", "Alejandro", "Lucía", "Andrés", "Daniela", "Javier", "Isabel"),
}
LAST_NAMES = {
    "ca": ("Smith", "Brown", "Wilson", "MacDonald", "Campbell", "Anderson", "Patel", "Singh", "Wong", "Chen",
           "Nguyen", "Ali", "Thompson", "Martin", "Taylor", "Li", "Kaur", "Clarke", "Murray", "Reid",
           "Stewart", "Fraser", "Morrison", "Hughes", "Okafor"),
    "qc": ("Tremblay", "Gagnon", "Roy", "Côté", "Bouchard", "Gauthier", "Morin", "Lavoie", "Fortin", "Gagné",
           "Ouellet", "Pelletier", "Bélanger", "Lévesque", "Bergeron", "Leblanc", "Paquette", "Girard",
           "Simard", "Boucher", "Caron", "Beaulieu", "Cloutier", "Dubé", "Poirier"),
    "ie": ("Murphy", "Kelly", "O'Sullivan", "Walsh", "O'Brien", "Byrne", "Ryan", "O'Connor", "O'Neill",
           "Doyle", "McCarthy", "Gallagher", "Doherty", "Kennedy", "Lynch", "Quinn", "Moore", "Carroll",
           "Connolly", "Daly", "Dunne", "Brennan", "Burke"),
    "fr": ("Martin", "Bernard", "Dubois", "Durand", "Lefebvre", "Moreau", "Laurent", "Simon", "Michel",
           "Leroy", "Roux", "Fournier", "Girard", "Bonnet", "Mercier"),
    "us": ("Johnson", "Williams", "Jones", "Davis", "Miller", "Wilson", "Moore", "Jackson", "White",
           "Harris", "Thomas", "Robinson", "Walker", "Young", "Allen", "King", "Wright", "Scott", "Green",
           "Baker"),
    "es": ("García", "Rodríguez", "Martínez", "Hernández", "López", "González", "Pérez", "Sánchez",
           "Ramírez", "Torres", "Flores", "Rivera", "Gómez", "Díaz", "Reyes", "Cruz", "Morales", "Ortiz",
           "Gutiérrez", "Chávez"),
}
NICKNAMES = {
    "Christopher": "Chris", "Alexandre": "Alex", "Michael": "Mike", "Daniel": "Dan", "Guillaume": "Will",
    "Pádraig": "Paddy", "Alejandro": "Alex", "Guadalupe": "Lupe", "Jessica": "Jess", "Samuel": "Sam",
}
PROFICIENCY_WEIGHTS = (("B2", 3), ("C1", 5), ("C2", 2))

# ---------------------------------------------------------------------------------------
# Credentials
# ---------------------------------------------------------------------------------------

# Months a credential stays valid from its issue date (None: it does not expire).
VALIDITY_MONTHS = {"pci_clearance": 12, "hipaa_training": 12, "cert:tier2": 24}
CLIENT_CERT_MONTHS = 12  # cert:<client code>

# ---------------------------------------------------------------------------------------
# Demo users: one per role
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UserSpec:
    """A demo login. ``scope``: None (tenant), a client code, or ``CLIENT/LOB``.
    ``person``: link to a generated employee (``supervisor`` or ``agent``), whose
    name becomes the display name."""

    email: str
    role: str
    scope: str | None
    display_name: str | None
    locale: str = "en"
    person: str | None = None


USERS = (
    UserSpec(f"admin@{EMAIL_DOMAIN}", "tenant_admin", None, "Nadia Okafor"),
    UserSpec(f"planner@{EMAIL_DOMAIN}", "workforce_planner", "BOREALE", "Mathieu Tremblay", "fr"),
    UserSpec(f"qa.lead@{EMAIL_DOMAIN}", "qa_lead", "RETAILCO", "Grace Liu"),
    UserSpec(f"qa@{EMAIL_DOMAIN}", "qa_evaluator", "RETAILCO/L1-RETAIL-FR", "Camille Roy", "fr"),
    UserSpec(f"supervisor@{EMAIL_DOMAIN}", "supervisor", "RETAILCO/L1-RETAIL-EN", None, person="supervisor"),
    UserSpec(f"accounts@{EMAIL_DOMAIN}", "account_manager", "MAPLEMOBILE", "Daniel Osei"),
    UserSpec(f"finance@{EMAIL_DOMAIN}", "finance", None, "Helen Park"),
    UserSpec(f"compliance@{EMAIL_DOMAIN}", "compliance_officer", None, "Farid Haddad"),
    UserSpec(f"agent@{EMAIL_DOMAIN}", "agent", None, None, person="agent"),
    UserSpec("viewer@retailco.example", "client_viewer", "RETAILCO", "Jordan Blake"),
    UserSpec("admin@retailco.example", "client_admin", "RETAILCO", "Sophie Lavoie", "fr"),
)
CLIENT_ROLES = ("client_viewer", "client_admin")
# The client every demo agent user and supervisor user is drawn from.
SHOWCASE_CLIENT = "RETAILCO"
SHOWCASE_LOB = "L1-RETAIL-EN"
