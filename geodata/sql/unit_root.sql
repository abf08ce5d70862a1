-- The top of the hierarchy (the district), for links "back to the top".
SELECT code FROM units WHERE parent_id IS NULL ORDER BY id LIMIT 1
