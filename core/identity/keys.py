"""The keys that encrypt credentials at rest, kept outside the database.

TOTP secrets are stored as Fernet tokens (AES-128-CBC with an HMAC-SHA-256, from
``cryptography``) under the newest of the installation's keys; older keys still
decrypt, so keys rotate without downtime (:meth:`KeyRing.rotate`). The keys come from
``SWITCHBOARD_SECRET_KEYS`` (comma-separated, newest first), or else from the file
``<data dir>/secret.keys`` (one key a line, newest first), created with a fresh key and
mode 0600 the first time it is needed. Several servers sharing one database must
share the keys: set the variable. The runtime role never sees a key.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from switchboard.core.errors import ConfigurationError

KEY_FILE = "secret.keys"


def key_file(data_dir: Path) -> Path:
    """Where the keys live when no environment variable gives them."""
    return data_dir / KEY_FILE


def _parse(keys: list[str], source: str) -> list[Fernet]:
    try:
        return [Fernet(k.strip().encode()) for k in keys if k.strip()]
    except (ValueError, TypeError) as exc:
        raise ConfigurationError(f"{source}: not a Fernet key ({exc})") from exc


def _write(path: Path, keys: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as fh:
        fh.write("".join(k + "\n" for k in keys))


@dataclass(frozen=True)
class KeyRing:
    """The installation's secret keys, newest first."""

    keys: tuple[str, ...]
    path: Path | None = None  # the key file, when the keys come from one

    @classmethod
    def from_settings(cls, settings) -> KeyRing:
        """The keys of ``SWITCHBOARD_SECRET_KEYS``, else of the data directory's key file
        (created with one new key when missing)."""
        if settings.secret_keys:
            _parse(list(settings.secret_keys), "SWITCHBOARD_SECRET_KEYS")
            return cls(tuple(settings.secret_keys))
        path = key_file(settings.data_dir)
        if not path.exists():
            _write(path, [Fernet.generate_key().decode()])
        keys = [line.strip() for line in path.read_text().splitlines() if line.strip()]
        if not keys:
            raise ConfigurationError(f"{path} holds no key")
        _parse(keys, str(path))
        return cls(tuple(keys), path)

    @property
    def _fernet(self) -> MultiFernet:
        return MultiFernet(_parse(list(self.keys), "secret keys"))

    def encrypt(self, secret: str) -> str:
        """``secret`` encrypted under the newest key."""
        return self._fernet.encrypt(secret.encode()).decode()

    def decrypt(self, token: str | None) -> str | None:
        """The secret inside ``token`` (None when there is none or no key opens it)."""
        if not token:
            return None
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken:
            return None

    def reencrypt(self, token: str) -> str:
        """``token`` encrypted again under the newest key (``InvalidToken`` if no key opens it)."""
        return self._fernet.rotate(token.encode()).decode()

    def with_new_key(self) -> KeyRing:
        """A ring with a fresh newest key in front of these (written to the key file when
        the keys come from one; an environment variable must be updated by its owner)."""
        keys = (Fernet.generate_key().decode(), *self.keys)
        if self.path is not None:
            _write(self.path, list(keys))
        return KeyRing(keys, self.path)

    def newest_only(self) -> KeyRing:
        """Keep the newest key alone (written to the key file when there is one)."""
        keys = self.keys[:1]
        if self.path is not None:
            _write(self.path, list(keys))
        return KeyRing(keys, self.path)
