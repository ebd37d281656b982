"""A partner plugin written only against Switchboard's public contract."""
