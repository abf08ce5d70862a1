-- What the source itself called a case's category and status (a hotline's "Homeless Encampment",
-- "In Progress"), kept beside our codes so that nothing a load maps is lost; the case view shows them.
ALTER TABLE cases
    ADD COLUMN IF NOT EXISTS source_category text CHECK (length(source_category) <= 200),
    ADD COLUMN IF NOT EXISTS source_status text CHECK (length(source_status) <= 200);
