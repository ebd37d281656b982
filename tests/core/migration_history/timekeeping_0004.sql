-- upgrade
ALTER TABLE time_entry ALTER COLUMN id SET DEFAULT app.uuid_v7()
-- downgrade
ALTER TABLE time_entry ALTER COLUMN id SET DEFAULT gen_random_uuid()
