-- Whether any staged row of a cases load is a case that exists already (its key is taken).
SELECT EXISTS (SELECT 1 FROM load_stage_cases s
                 JOIN case_keys k ON k.source = s.source AND k.external_id = s.external_id)
