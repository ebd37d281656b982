-- upgrade
CREATE FUNCTION app.uuid_v7() RETURNS uuid LANGUAGE sql VOLATILE PARALLEL SAFE AS $$ SELECT uuidv7() $$
-- statement
GRANT EXECUTE ON FUNCTION app.uuid_v7() TO {runtime}
-- downgrade
DROP FUNCTION app.uuid_v7()
