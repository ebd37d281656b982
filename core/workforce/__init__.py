"""The workforce model: employees, their date-effective assignments to LOBs, credentials,
and who is eligible to work a LOB during a window."""
