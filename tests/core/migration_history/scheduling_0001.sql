-- upgrade
CREATE SCHEMA scheduling
-- downgrade
DROP SCHEMA IF EXISTS scheduling CASCADE
