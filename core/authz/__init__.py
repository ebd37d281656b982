"""Authorization: *what* a caller may do (casbin, permission keys); RLS decides *which rows*."""
