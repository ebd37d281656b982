"""Scheduling: volume history, forecasts, Erlang staffing, CP-SAT schedules, adherence and coverage."""
