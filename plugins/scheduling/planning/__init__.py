"""Planning: LOB staffing parameters, requirements from forecasts, and the schedule solve job."""
