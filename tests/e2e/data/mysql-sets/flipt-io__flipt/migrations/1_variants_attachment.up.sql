ALTER TABLE variants ADD COLUMN attachment JSON AFTER description;
