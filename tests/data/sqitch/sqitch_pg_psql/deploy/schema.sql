-- Deploy psqlvars:schema to pg
\set ON_ERROR_STOP on

BEGIN;

CREATE SCHEMA :"app_schema";
\ir ../lib/owner.sql

COMMIT;
