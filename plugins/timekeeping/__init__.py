"""Timekeeping: the time-and-attendance ledger, the one source of worked time."""
