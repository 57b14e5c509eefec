-- 003_accounts.sql — users, their sessions and API tokens (DESIGN §8).
-- Secrets are never stored: passwords as Argon2id hash strings, session,
-- CSRF and API tokens as the SM3 hash of the token.  Times are BIGINT
-- milliseconds since 1970-01-01 UTC; flags are INTEGER 0/1.

CREATE TABLE users (
  id BIGINT PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  must_change INTEGER NOT NULL,       -- 1: a one-time password, change it
  roles BIGINT NOT NULL,              -- fz_roles bit set (auth/role.h)
  region_prefix TEXT NOT NULL,        -- GB/T 2260 code prefix; '' = all
  department_id BIGINT,               -- NULL = no department
  status TEXT NOT NULL CHECK (status IN ('active', 'disabled')),
  failures INTEGER NOT NULL,          -- failed logins since the last success
  locked_until BIGINT NOT NULL,       -- 0 = not locked
  demo INTEGER NOT NULL,              -- 1: made by fazhi demo, not a person
  created_at BIGINT NOT NULL
);

-- Shared by every server, so that any of them can answer any request.
CREATE TABLE sessions (
  token_hash BYTEA PRIMARY KEY,
  csrf_hash BYTEA NOT NULL,
  user_id BIGINT NOT NULL REFERENCES users (id),
  created_at BIGINT NOT NULL,
  last_seen BIGINT NOT NULL,          -- refreshed at most once a minute
  expires BIGINT NOT NULL             -- absolute end, whatever the use
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Credentials of other systems, each limited to some roles of its creator.
CREATE TABLE api_tokens (
  id BIGINT PRIMARY KEY,
  name TEXT NOT NULL,
  token_hash BYTEA NOT NULL UNIQUE,
  roles BIGINT NOT NULL,
  user_id BIGINT NOT NULL REFERENCES users (id),
  expires_at BIGINT NOT NULL,
  revoked_at BIGINT,                  -- NULL = in force
  created_at BIGINT NOT NULL
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);
