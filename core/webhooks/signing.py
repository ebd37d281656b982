"""How a delivery is signed: HMAC-SHA-256 under the endpoint's secret of the timestamp, a
full stop, and the body's bytes, sent as ``Switchboard-Signature: v1=<hex>`` with the
timestamp (Unix seconds) in ``Switchboard-Timestamp``.

A receiver recomputes the signature from the raw body and the timestamp header, compares
in constant time, and refuses a timestamp far from its clock (replays).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

SIGNATURE_HEADER = "Switchboard-Signature"
TIMESTAMP_HEADER = "Switchboard-Timestamp"
EVENT_HEADER = "Switchboard-Event"
DELIVERY_HEADER = "Switchboard-Delivery"
VERSION = "v1"
SECRET_PREFIX = "whsec_"


def new_secret() -> str:
    """A fresh endpoint secret (256 bits), shown once to whoever registers the endpoint."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The signature header's value for ``body`` sent at ``timestamp``."""
    digest = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"{VERSION}={digest}"
