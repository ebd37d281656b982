"""Core's part of the client portal: the account a client user is bound to."""
