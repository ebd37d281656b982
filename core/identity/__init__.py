"""Identity: users, passwords (argon2), TOTP, session and API tokens, the caller."""
