"""Shift templates, availability, time off, schedules and segments, publishing, eligibility rules."""
