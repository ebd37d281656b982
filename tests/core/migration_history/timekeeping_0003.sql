-- upgrade
DROP INDEX time_entry_employee_id_idx, time_entry_supersedes_idx
-- statement
DROP INDEX time_entry_recorded_by_idx
-- statement
CREATE INDEX time_entry_recorded_by_idx ON time_entry (tenant_id, recorded_by) WHERE recorded_by IS NOT NULL
-- statement
DROP INDEX time_entry_approved_by_idx
-- statement
CREATE INDEX time_entry_approved_by_idx ON time_entry (tenant_id, approved_by) WHERE approved_by IS NOT NULL
-- downgrade
DROP INDEX time_entry_recorded_by_idx
-- statement
CREATE INDEX time_entry_recorded_by_idx ON time_entry (tenant_id, recorded_by)
-- statement
DROP INDEX time_entry_approved_by_idx
-- statement
CREATE INDEX time_entry_approved_by_idx ON time_entry (tenant_id, approved_by)
-- statement
CREATE INDEX time_entry_employee_id_idx ON time_entry (tenant_id, employee_id)
-- statement
CREATE INDEX time_entry_supersedes_idx ON time_entry (tenant_id, supersedes)
