"""Interval volume history, forecasts, their accuracy and the mix error."""
