-- Record a period as closed (or its recomputation: closed_at and closed_by stay, computed_* move).
INSERT INTO assessment_periods AS p (label, kind, start_at, end_at, closed_by, computed_by)
VALUES (%(label)s, %(kind)s, %(start)s, %(end)s, %(by)s, %(by)s)
ON CONFLICT (label) DO UPDATE SET computed_at = now(), computed_by = excluded.computed_by,
                                  recomputed = p.recomputed + 1
