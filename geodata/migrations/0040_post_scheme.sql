-- A preset for posts (岗位): grid workers are ranked too (issue 27). The sources collected in
-- DESIGN §13 give no post formula, so this is GridOps's reading (docs/assessment.md, "Schemes"):
-- 有效上报率 × 50% + 按时核实率 × 50%; a worker without reports or without checks due in the period
-- has no score (不参评), never 0 or full marks. Active for posts from now on; an admin switches it
-- like any other (gridops assess scheme use post CODE).
INSERT INTO assessment_schemes (code, name, name_en, applies_to, scorer, red_rule, red_value, black_rule,
                                black_value, flag_min, source) VALUES
    ('grid_worker', '网格员岗位考核', 'Grid worker post score', 'post', 'items', 'share', 0.2, 'share', 0.2, 3,
     'GridOps reading, the sources silent (docs/assessment.md)')
ON CONFLICT (code) DO NOTHING;

INSERT INTO assessment_items (scheme, position, indicator, form, base, weight, full_, at, per_point, steps,
                              floor_, note) VALUES
    ('grid_worker', 1, 'valid_report_rate', 'linear', 0, 0.5, NULL, NULL, NULL, NULL, 0, '有效上报率 × 50%'),
    ('grid_worker', 2, 'verify_on_time_rate', 'linear', 0, 0.5, NULL, NULL, NULL, NULL, 0, '按时核实率 × 50%')
ON CONFLICT (scheme, position) DO NOTHING;

INSERT INTO assessment_active (level, scheme, changed_by) VALUES ('post', 'grid_worker', 'migration 0040')
ON CONFLICT (level) DO NOTHING;
