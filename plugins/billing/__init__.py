"""Billing: commercial terms, billable hours (regular, overtime, stat holiday), invoices."""
