-- Add description column to constraints
ALTER TABLE constraints ADD COLUMN description TEXT NOT NULL DEFAULT 'desc';