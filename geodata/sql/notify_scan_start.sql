-- The scan's row, made on the first scan; locked so that one scan runs at a time.
INSERT INTO notify_scan (scanned_to) VALUES (%(start)s) ON CONFLICT (one) DO NOTHING;
SELECT scanned_to FROM notify_scan FOR UPDATE
