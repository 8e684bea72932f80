-- Which version of strata's reader for its format made a document's text. A reader that
-- changes what it makes of a file (the HTML reader dropping page chrome and citing source
-- lines, the PDF reader dropping running headers) gets a new version (ingest/loader.h,
-- loader_version), and `strata ingest` reads an unchanged file again when its document was
-- made by an older one: otherwise a store built before the change would keep the old text and
-- chunks until each file happened to change. Rows that exist when this migration runs were
-- made by the first version of every reader.
-- migrate:up
ALTER TABLE documents ADD COLUMN loader_version INTEGER NOT NULL DEFAULT 1;

-- migrate:down
ALTER TABLE documents DROP COLUMN loader_version;
