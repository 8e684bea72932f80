-- Deploy psqlvars:templates to pg
-- requires: schema
\echo loading the templates into :app_schema

BEGIN;

\set welcome `cat templates/welcome.txt`
\set table :"app_schema".templates

CREATE TABLE :table (
    name text PRIMARY KEY,
    body text NOT NULL,
    note text DEFAULT ':welcome is not interpolated in a literal'
);
INSERT INTO :table (name, body) VALUES ('welcome', :'welcome');

\if :with_audit
CREATE TABLE :"app_schema".audit (name text, at timestamptz DEFAULT now());
\else
CREATE TABLE :"app_schema".no_audit (name text);
\endif
\if :{?undefined_variable}
CREATE TABLE :"app_schema".never (x int);
\endif

\i lib/functions.sql

COMMIT;
