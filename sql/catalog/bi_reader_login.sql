-- Lets the read-only BI role log in with the password from the deployment's secrets.
-- The role itself and its grants come from the migrations; this only sets the secret, which
-- never belongs in a migration. Placeholder {login_literal}: the password as a psycopg
-- sql.Literal (ALTER ROLE takes no bind parameters). Run as a role allowed to alter bi_reader
-- (the warehouse's superuser).
alter role bi_reader with login password {login_literal}
